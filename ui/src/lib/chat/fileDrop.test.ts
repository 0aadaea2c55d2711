import { describe, expect, it, vi } from "vitest";
import { handleDragDrop } from "./fileDrop";

describe("handleDragDrop", () => {
  it("shows the drop zone while dragging and hands over the dropped paths", () => {
    const ondragging = vi.fn();
    const ondrop = vi.fn();
    const handlers = { ondragging, ondrop };
    const position = { x: 1, y: 2 } as never;
    handleDragDrop({ type: "enter", paths: ["/a.pdf"], position }, handlers);
    handleDragDrop({ type: "over", position }, handlers);
    expect(ondragging.mock.calls).toEqual([[true], [true]]);
    handleDragDrop({ type: "drop", paths: ["/a.pdf", "/b.png"], position }, handlers);
    expect(ondragging).toHaveBeenLastCalledWith(false);
    expect(ondrop).toHaveBeenCalledWith(["/a.pdf", "/b.png"]);
  });

  it("hides the drop zone when the drag leaves, without files", () => {
    const ondragging = vi.fn();
    const ondrop = vi.fn();
    handleDragDrop({ type: "leave" }, { ondragging, ondrop });
    expect(ondragging).toHaveBeenCalledWith(false);
    expect(ondrop).not.toHaveBeenCalled();
  });
});
