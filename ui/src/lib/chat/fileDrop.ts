// Files dragged onto the window arrive through Tauri's drag-drop event (with real paths);
// this turns them into the drop zone's `dragging` flag and the composer's new files.
import type { UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWebview, type DragDropEvent } from "@tauri-apps/api/webview";

export interface DropHandlers {
  ondragging: (dragging: boolean) => void;
  ondrop: (paths: string[]) => void;
}

export function handleDragDrop(event: DragDropEvent, handlers: DropHandlers): void {
  switch (event.type) {
    case "enter":
    case "over":
      handlers.ondragging(true);
      break;
    case "leave":
      handlers.ondragging(false);
      break;
    case "drop":
      handlers.ondragging(false);
      if (event.paths.length) handlers.ondrop(event.paths);
      break;
  }
}

/** Listens for file drops on the window; call the returned function to stop. */
export async function watchFileDrops(handlers: DropHandlers): Promise<UnlistenFn> {
  return getCurrentWebview().onDragDropEvent((event) => handleDragDrop(event.payload, handlers));
}
