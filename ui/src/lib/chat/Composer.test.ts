import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import Composer from "./Composer.svelte";
import DropZone from "./DropZone.svelte";

const ok = { refusal: null, heldBack: null, findings: [] };

describe("Composer", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("enables Send only when the core says the draft may go", async () => {
    const onsend = vi.fn();
    const { rerender } = render(Composer, { verdict: null, onsend });
    expect(screen.getByTestId(testIds.composerSend)).toBeDisabled();
    await rerender({ verdict: ok, onsend });
    expect(screen.getByTestId(testIds.composerSend)).toBeEnabled();
    expect(screen.queryByTestId(testIds.composerReason)).toBeNull();
    await fireEvent.click(screen.getByTestId(testIds.composerSend));
    expect(onsend).toHaveBeenCalledTimes(1);
  });

  it("shows the refusal in place, in the seller's language", async () => {
    const verdict = { ...({ refusal: { code: "payment_not_confirmed", stage: "payment_required" }, heldBack: null } as const), findings: [] };
    const { rerender } = render(Composer, { verdict });
    expect(screen.getByTestId(testIds.composerSend)).toBeDisabled();
    expect(screen.getByTestId(testIds.composerReason)).toHaveTextContent("Lead payment is not confirmed");
    expect(screen.getByTestId(testIds.composerSend)).toHaveAccessibleDescription("Lead payment is not confirmed");
    i18n.locale = "pt-BR";
    await rerender({ verdict: { ...({ refusal: { code: "source_disabled" }, heldBack: null } as const), findings: [] } });
    expect(screen.getByTestId(testIds.composerReason)).toHaveTextContent("A origem do lead está desativada");
  });

  it("sends with Ctrl+Enter or Cmd+Enter, and not with Enter alone or when refused", async () => {
    const onsend = vi.fn();
    const { rerender } = render(Composer, { verdict: ok, onsend });
    const box = screen.getByTestId(testIds.composerText);
    await fireEvent.keyDown(box, { key: "Enter" });
    expect(onsend).not.toHaveBeenCalled();
    await fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    await fireEvent.keyDown(box, { key: "Enter", metaKey: true });
    expect(onsend).toHaveBeenCalledTimes(2);
    await rerender({ verdict: { ...({ refusal: { code: "awaiting_buyer_reply" }, heldBack: null } as const), findings: [] }, onsend });
    await fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    expect(onsend).toHaveBeenCalledTimes(2);
  });

  it("counts characters against the limit as they are typed", async () => {
    render(Composer, { verdict: ok, limit: 350 });
    const box = screen.getByTestId(testIds.composerText);
    await fireEvent.input(box, { target: { value: "hola 👋" } });
    expect(screen.getByTestId(testIds.composerCounter)).toHaveTextContent("6 of 350 characters");
    await fireEvent.input(box, { target: { value: "a".repeat(351) } });
    const counter = screen.getByTestId(testIds.composerCounter);
    expect(counter).toHaveTextContent("351 of 350 characters");
    expect(counter).toHaveClass("over");
  });

  it("has no counter where no limit applies", () => {
    render(Composer, { verdict: ok });
    expect(screen.queryByTestId(testIds.composerCounter)).toBeNull();
  });

  it("shows file chips with sizes, why a file is refused, and removes them", async () => {
    const onremovefile = vi.fn();
    render(Composer, {
      verdict: { ...({ refusal: { code: "file_type", file: "setup.png" }, heldBack: null } as const), findings: [] },
      files: [
        { id: "a", name: "factura.pdf", size: 120_000, rejected: null },
        { id: "b", name: "setup.png", size: 4_000, rejected: "type" },
        { id: "c", name: "video.pdf", size: 31_457_280, rejected: "size" },
      ],
      onremovefile,
    });
    const [pdf, exe, big] = screen.getAllByTestId(testIds.composerFile);
    expect(pdf).toHaveTextContent("factura.pdf");
    expect(pdf).not.toHaveAttribute("data-rejected");
    expect(exe).toHaveTextContent("Only .jpg, .png, .pdf and .txt files can be sent");
    expect(big).toHaveTextContent("30 MB");
    expect(big).toHaveTextContent("Larger than 25 MB");
    await fireEvent.click(screen.getByRole("button", { name: "Remove setup.png" }));
    expect(onremovefile).toHaveBeenCalledWith("b");
  });

  it("says files stay behind when the core holds them back from a first message", () => {
    render(Composer, { verdict: { ...({ refusal: null, heldBack: "first_message" } as const), findings: [] } });
    expect(screen.getByRole("status")).toHaveTextContent("the files stay here");
  });

  it("renders a hostile file name as text", () => {
    render(Composer, { verdict: ok, files: [{ id: "x", name: "<img src=x onerror=alert(1)>", size: null, rejected: null }] });
    const chip = screen.getByTestId(testIds.composerFile);
    expect(chip.querySelector("img")).toBeNull();
    expect(chip).toHaveTextContent("<img src=x onerror=alert(1)>");
  });
});

describe("DropZone", () => {
  it("appears only while files are dragged over the window", async () => {
    i18n.locale = "es";
    const { rerender } = render(DropZone, { dragging: false });
    expect(screen.queryByTestId(testIds.dropZone)).toBeNull();
    await rerender({ dragging: true });
    expect(screen.getByTestId(testIds.dropZone)).toHaveTextContent("Suelta los archivos para adjuntarlos");
    expect(screen.getByTestId(testIds.dropZone)).toHaveTextContent("hasta 25 MB");
  });
});
