import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { testIds } from "../testids";
import ConfirmDialog from "./ConfirmDialog.svelte";

describe("ConfirmDialog", () => {
  const behind = vi.fn();
  afterEach(() => {
    window.removeEventListener("keydown", behind);
    behind.mockReset();
  });

  function open() {
    const onconfirm = vi.fn();
    const oncancel = vi.fn();
    render(ConfirmDialog, { message: "Disconnect Tienda?", confirmLabel: "Disconnect", cancelLabel: "Keep", danger: true, onconfirm, oncancel });
    return { onconfirm, oncancel };
  }

  it("focuses the safe choice, so Enter does not do the irreversible thing", async () => {
    const { onconfirm } = open();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId(testIds.confirmCancel)));
    expect(onconfirm).not.toHaveBeenCalled();
  });

  it("closes on Escape and the Escape goes no further than the dialog", async () => {
    window.addEventListener("keydown", behind);
    const { oncancel } = open();
    await fireEvent.keyDown(document.body, { key: "Escape" });
    expect(oncancel).toHaveBeenCalledOnce();
    expect(behind).not.toHaveBeenCalled();
  });

  it("keeps Tab inside the dialog", async () => {
    open();
    const cancel = screen.getByTestId(testIds.confirmCancel);
    const ok = screen.getByTestId(testIds.confirmOk);
    await vi.waitFor(() => expect(document.activeElement).toBe(cancel));
    ok.focus();
    await fireEvent.keyDown(ok, { key: "Tab" });
    expect(document.activeElement).toBe(cancel);
    await fireEvent.keyDown(cancel, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(ok);
  });

  it("confirms only on the confirm button, and a click beside the dialog cancels", async () => {
    const { onconfirm, oncancel } = open();
    await fireEvent.click(screen.getByTestId(testIds.confirmDialog));
    expect(oncancel).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId(testIds.confirmDialog).parentElement!);
    expect(oncancel).toHaveBeenCalledOnce();
    await fireEvent.click(screen.getByTestId(testIds.confirmOk));
    expect(onconfirm).toHaveBeenCalledOnce();
  });
});
