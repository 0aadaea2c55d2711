// Dragging a lead card (or a custom stage's column) with pointer events. HTML5 drag and drop
// is not an option: Tauri's window handler for dropped files takes those events from the
// webview, and WebDriver cannot drive them. A press only becomes a drag once the pointer travels
// past a threshold, so a click still opens the lead.

/** How far (px) the pointer must travel with the button down before a press is a drag. */
export const DRAG_THRESHOLD = 6;

export function passedThreshold(dx: number, dy: number, threshold = DRAG_THRESHOLD): boolean {
  return dx * dx + dy * dy >= threshold * threshold;
}

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The column key under a point of the window, or null. */
export type HitTest = (point: Point) => string | null;

/** The column under `point`: the nearest element that carries `data-stage`. */
export function stageAt(point: Point): string | null {
  if (typeof document.elementFromPoint !== "function") return null;
  const element = document.elementFromPoint(point.x, point.y);
  return element?.closest<HTMLElement>("[data-stage]")?.dataset.stage ?? null;
}

export interface Dragged<T> {
  item: T;
  /** The column the item was picked up from. */
  from: string;
  /** Where the card was on screen when picked up; a refused move returns the ghost there. */
  origin: Rect;
  /** Where in the card the pointer holds it. */
  grip: Point;
}

interface Press<T> extends Dragged<T> {
  start: Point;
  pointerId: number;
}

/**
 * One drag at a time over the whole board. `ondrop` decides what a drop does and resolves to
 * whether the move stood; when it did not, the ghost glides back to where the card came from.
 */
export class PointerDrag<T> {
  /** What is being dragged (past the threshold), or null. */
  dragged = $state<Dragged<T> | null>(null);
  /** The ghost's top-left corner in the window. */
  position = $state<Point>({ x: 0, y: 0 });
  /** Where the pointer is, in the window (the board scrolls when it nears an edge). */
  pointer = $state<Point>({ x: 0, y: 0 });
  /** The column the card would land in now. */
  target = $state<string | null>(null);
  /** The ghost is on its way back after a refused move. */
  returning = $state(false);

  #press: Press<T> | null = null;
  #suppressClick = false;
  #hitTest: HitTest;
  #ondrop: (dragged: Dragged<T>, target: string) => Promise<boolean>;
  #returnMs: number;
  #stop: (() => void) | null = null;

  constructor(options: {
    ondrop: (dragged: Dragged<T>, target: string) => Promise<boolean>;
    hitTest?: HitTest;
    /** How long the ghost takes to glide back (ms). */
    returnMs?: number;
  }) {
    this.#ondrop = options.ondrop;
    this.#hitTest = options.hitTest ?? stageAt;
    this.#returnMs = options.returnMs ?? 220;
  }

  /** A pointer went down on `element` (showing `item`): watch whether it becomes a drag. */
  press(event: PointerEvent, item: T, from: string, element: HTMLElement): void {
    if (event.button !== 0 || this.dragged || this.returning) return;
    const box = element.getBoundingClientRect();
    this.#press = {
      item,
      from,
      origin: { left: box.left, top: box.top, width: box.width, height: box.height },
      grip: { x: event.clientX - box.left, y: event.clientY - box.top },
      start: { x: event.clientX, y: event.clientY },
      pointerId: event.pointerId,
    };
    this.#listen();
  }

  /**
   * Whether a click that follows a drag should be ignored (the pointer came up over the element
   * it started on). Reading it clears it.
   */
  takeClickSuppression(): boolean {
    const suppressed = this.#suppressClick;
    this.#suppressClick = false;
    return suppressed;
  }

  /** Ends a drag without a move (Escape, or the board went away). */
  cancel(): void {
    this.#unlisten();
    this.#press = null;
    this.dragged = null;
    this.target = null;
  }

  #listen() {
    this.#unlisten();
    const move = (e: PointerEvent) => this.#move(e);
    const up = (e: PointerEvent) => void this.#up(e);
    const cancel = () => this.cancel();
    const key = (e: KeyboardEvent) => {
      if (e.key === "Escape" && this.dragged) {
        e.preventDefault();
        this.cancel();
      }
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", cancel);
    window.addEventListener("keydown", key);
    // Released outside the window, the pointer's "up" never reaches us: leaving the window ends
    // the drag instead of leaving a card stuck to the pointer.
    window.addEventListener("blur", cancel);
    this.#stop = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", cancel);
      window.removeEventListener("keydown", key);
      window.removeEventListener("blur", cancel);
    };
  }

  #unlisten() {
    this.#stop?.();
    this.#stop = null;
  }

  #move(event: PointerEvent) {
    const press = this.#press;
    if (!press || event.pointerId !== press.pointerId) return;
    const point = { x: event.clientX, y: event.clientY };
    if (!this.dragged) {
      if (!passedThreshold(point.x - press.start.x, point.y - press.start.y)) return;
      const { start: _start, pointerId: _id, ...dragged } = press;
      this.dragged = dragged;
    }
    // No text selection or scrolling while a card is carried.
    event.preventDefault();
    this.position = { x: point.x - press.grip.x, y: point.y - press.grip.y };
    this.pointer = point;
    this.target = this.#hitTest(point);
  }

  async #up(event: PointerEvent) {
    const press = this.#press;
    if (!press || event.pointerId !== press.pointerId) return;
    this.#unlisten();
    this.#press = null;
    const dragged = this.dragged;
    if (!dragged) return; // A click: the card's own click handler opens the lead.
    this.#suppressClick = true;
    // The click (if any) fires right after this event; past it, clicks are the seller's again.
    setTimeout(() => (this.#suppressClick = false), 0);
    const target = this.#hitTest({ x: event.clientX, y: event.clientY });
    this.target = null;
    const stood = target !== null && target !== dragged.from && (await this.#ondrop(dragged, target));
    if (stood) {
      this.dragged = null;
      return;
    }
    // Refused, dropped outside the board or back on its own column: it returns to its place.
    await this.#glideBack(dragged);
  }

  async #glideBack(dragged: Dragged<T>) {
    this.returning = true;
    this.position = { x: dragged.origin.left, y: dragged.origin.top };
    await new Promise((resolve) => setTimeout(resolve, this.#returnMs));
    this.returning = false;
    this.dragged = null;
  }
}
