import { fireEvent } from "@testing-library/svelte";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { PointerDrag, DRAG_THRESHOLD, passedThreshold, type Dragged } from "./drag.svelte";
import { installPointerEvents, lead } from "./fixtures";
import type { LeadSummary } from "./types";

beforeAll(installPointerEvents);

describe("passedThreshold", () => {
  it("treats small wobbles as a click and longer travel as a drag", () => {
    expect(passedThreshold(0, 0)).toBe(false);
    expect(passedThreshold(DRAG_THRESHOLD - 1, 0)).toBe(false);
    expect(passedThreshold(4, 4)).toBe(false);
    expect(passedThreshold(5, 5)).toBe(true);
    expect(passedThreshold(0, -DRAG_THRESHOLD)).toBe(true);
  });
});

function card(): HTMLElement {
  const el = document.createElement("button");
  el.getBoundingClientRect = () => ({ left: 100, top: 50, width: 240, height: 124 }) as DOMRect;
  document.body.append(el);
  return el;
}

function press(drag: PointerDrag<LeadSummary>, el: HTMLElement, x = 110, y = 60) {
  const down = new PointerEvent("pointerdown", { button: 0, clientX: x, clientY: y, pointerId: 1 });
  drag.press(down, lead({ id: 42 }), "system:paid", el);
}

describe("PointerDrag", () => {
  it("does not start a drag below the threshold, so the click opens the lead", async () => {
    const ondrop = vi.fn(async () => true);
    const drag = new PointerDrag<LeadSummary>({ ondrop, hitTest: () => "custom:7" });
    press(drag, card());
    await fireEvent.pointerMove(window, { clientX: 112, clientY: 61, pointerId: 1 });
    expect(drag.dragged).toBeNull();
    await fireEvent.pointerUp(window, { clientX: 112, clientY: 61, pointerId: 1 });
    expect(ondrop).not.toHaveBeenCalled();
    expect(drag.takeClickSuppression()).toBe(false);
  });

  it("carries the card under the pointer, names the column below it, and drops there", async () => {
    let dropped: [Dragged<LeadSummary>, string] | null = null;
    const drag = new PointerDrag<LeadSummary>({
      ondrop: async (d, target) => {
        dropped = [d, target];
        return true;
      },
      hitTest: ({ x }) => (x > 400 ? "custom:7" : "system:paid"),
    });
    press(drag, card());
    await fireEvent.pointerMove(window, { clientX: 300, clientY: 80, pointerId: 1 });
    expect(drag.dragged?.item.id).toBe(42);
    // Held 10 px right of and 10 px below the card's corner, it stays held there.
    expect(drag.position).toEqual({ x: 290, y: 70 });
    expect(drag.target).toBe("system:paid");
    await fireEvent.pointerMove(window, { clientX: 500, clientY: 80, pointerId: 1 });
    expect(drag.target).toBe("custom:7");
    await fireEvent.pointerUp(window, { clientX: 500, clientY: 80, pointerId: 1 });
    await vi.waitFor(() => expect(drag.dragged).toBeNull());
    expect(dropped![1]).toBe("custom:7");
    expect(dropped![0].from).toBe("system:paid");
    expect(drag.takeClickSuppression()).toBe(true);
    expect(drag.takeClickSuppression()).toBe(false);
  });

  it("glides back to where the card came from when the move is refused", async () => {
    const drag = new PointerDrag<LeadSummary>({ ondrop: async () => false, hitTest: () => "custom:7", returnMs: 20 });
    press(drag, card());
    await fireEvent.pointerMove(window, { clientX: 600, clientY: 300, pointerId: 1 });
    await fireEvent.pointerUp(window, { clientX: 600, clientY: 300, pointerId: 1 });
    await vi.waitFor(() => expect(drag.returning).toBe(true));
    expect(drag.position).toEqual({ x: 100, y: 50 });
    await vi.waitFor(() => expect(drag.dragged).toBeNull());
    expect(drag.returning).toBe(false);
  });

  it("asks nothing when the card is dropped on its own column, and Escape cancels", async () => {
    const ondrop = vi.fn(async () => true);
    const drag = new PointerDrag<LeadSummary>({ ondrop, hitTest: () => "system:paid", returnMs: 0 });
    press(drag, card());
    await fireEvent.pointerMove(window, { clientX: 200, clientY: 200, pointerId: 1 });
    await fireEvent.pointerUp(window, { clientX: 200, clientY: 200, pointerId: 1 });
    await vi.waitFor(() => expect(drag.dragged).toBeNull());
    expect(ondrop).not.toHaveBeenCalled();

    press(drag, card());
    await fireEvent.pointerMove(window, { clientX: 200, clientY: 200, pointerId: 1 });
    expect(drag.dragged).not.toBeNull();
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(drag.dragged).toBeNull();
    await fireEvent.pointerUp(window, { clientX: 200, clientY: 200, pointerId: 1 });
    expect(ondrop).not.toHaveBeenCalled();
  });

  it("ends the drag when the window loses the pointer", async () => {
    const ondrop = vi.fn(async () => true);
    const drag = new PointerDrag<LeadSummary>({ ondrop, hitTest: () => "custom:7" });
    press(drag, card());
    await fireEvent.pointerMove(window, { clientX: 300, clientY: 300, pointerId: 1 });
    await fireEvent.blur(window);
    expect(drag.dragged).toBeNull();
    await fireEvent.pointerUp(window, { clientX: 300, clientY: 300, pointerId: 1 });
    expect(ondrop).not.toHaveBeenCalled();
  });

  it("ignores other buttons and other pointers", async () => {
    const drag = new PointerDrag<LeadSummary>({ ondrop: async () => true, hitTest: () => "custom:7" });
    drag.press(new PointerEvent("pointerdown", { button: 2, clientX: 0, clientY: 0 }), lead(), "system:paid", card());
    await fireEvent.pointerMove(window, { clientX: 300, clientY: 300, pointerId: 1 });
    expect(drag.dragged).toBeNull();
    press(drag, card());
    await fireEvent.pointerMove(window, { clientX: 300, clientY: 300, pointerId: 2 });
    expect(drag.dragged).toBeNull();
  });
});
