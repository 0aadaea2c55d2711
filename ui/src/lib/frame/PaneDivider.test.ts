import { fireEvent, render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import PaneDivider from "./PaneDivider.svelte";

describe("PaneDivider", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  function mount(share = 500) {
    const onresize = vi.fn();
    const oncommit = vi.fn();
    const view = render(PaneDivider, { share, onresize, oncommit });
    return { divider: screen.getByTestId(testIds.paneDivider), onresize, oncommit, view };
  }

  it("is a vertical separator that says the pane's share", () => {
    const { divider } = mount(620);
    expect(divider.getAttribute("role")).toBe("separator");
    expect(divider.getAttribute("aria-orientation")).toBe("vertical");
    expect(divider.getAttribute("aria-valuenow")).toBe("62");
    expect(divider.getAttribute("aria-label")).toBe("Lead pane width");
  });

  it("moves with the arrow keys within its bounds and saves each step", async () => {
    const { divider, onresize, oncommit, view } = mount(500);
    await fireEvent.keyDown(divider, { key: "ArrowLeft" });
    expect(onresize).toHaveBeenLastCalledWith(525);
    expect(oncommit).toHaveBeenLastCalledWith(525);
    await fireEvent.keyDown(divider, { key: "ArrowRight" });
    expect(oncommit).toHaveBeenLastCalledWith(475);
    await fireEvent.keyDown(divider, { key: "End" });
    expect(oncommit).toHaveBeenLastCalledWith(750);
    await fireEvent.keyDown(divider, { key: "Home" });
    expect(oncommit).toHaveBeenLastCalledWith(300);
    await view.rerender({ share: 740, onresize, oncommit });
    await fireEvent.keyDown(divider, { key: "ArrowLeft" });
    expect(oncommit).toHaveBeenLastCalledWith(750);
    await fireEvent.keyDown(divider, { key: "a" });
    expect(oncommit).toHaveBeenCalledTimes(5);
  });

  it("follows the pointer across the row and saves where it is let go", async () => {
    const { divider, onresize, oncommit } = mount(500);
    const row = divider.parentElement!;
    row.getBoundingClientRect = () => ({ left: 0, right: 1000, width: 1000, top: 0, bottom: 800, height: 800, x: 0, y: 0, toJSON: () => ({}) });
    await fireEvent.pointerDown(divider, { button: 0, pointerId: 1, clientX: 500 });
    await fireEvent.pointerMove(divider, { pointerId: 1, clientX: 400 });
    expect(onresize).toHaveBeenLastCalledWith(600);
    expect(oncommit).not.toHaveBeenCalled();
    await fireEvent.pointerMove(divider, { pointerId: 1, clientX: 50 });
    expect(onresize).toHaveBeenLastCalledWith(750);
    await fireEvent.pointerUp(divider, { pointerId: 1, clientX: 420 });
    expect(oncommit).toHaveBeenCalledOnce();
    expect(oncommit).toHaveBeenLastCalledWith(580);
    // Moves without a press do nothing.
    await fireEvent.pointerMove(divider, { pointerId: 1, clientX: 100 });
    expect(onresize).toHaveBeenCalledTimes(2);
  });

  it("goes back to half on a double click", async () => {
    const { divider, oncommit } = mount(700);
    await fireEvent.dblClick(divider);
    expect(oncommit).toHaveBeenLastCalledWith(500);
  });
});
