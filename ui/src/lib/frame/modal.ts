// What every modal dialog of the app does with the keyboard, in one place: the element the
// caller names takes the focus when the dialog opens, Tab and Shift+Tab stay inside it, Escape
// closes it and goes no further (the board's own Escape must not also close the lead behind it),
// and the focus goes back where it was when the dialog closes.
import type { Action } from "svelte/action";

export interface ModalOptions {
  /** Called on Escape. */
  onclose: () => void;
  /** The element focused on open; the dialog itself when absent. */
  initial?: () => HTMLElement | null | undefined;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export const modal: Action<HTMLElement, ModalOptions> = (node, initialOptions) => {
  let options = initialOptions;
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;

  function keydown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      options.onclose();
    } else if (event.key === "Tab") {
      const inside = [...node.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = inside[0];
      const last = inside[inside.length - 1];
      if (first === undefined || last === undefined) {
        event.preventDefault();
        return;
      }
      const active = document.activeElement;
      const outside = !(active instanceof Node) || !node.contains(active);
      if (event.shiftKey && (active === first || outside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || outside)) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  // The window's capture phase runs before any other handler, wherever the focus is.
  window.addEventListener("keydown", keydown, true);
  if (!node.hasAttribute("tabindex")) node.tabIndex = -1;
  // After the mount: the caller's `bind:this` is set by then.
  queueMicrotask(() => (options.initial?.() ?? node).focus());

  return {
    update(next: ModalOptions) {
      options = next;
    },
    destroy() {
      window.removeEventListener("keydown", keydown, true);
      if (before?.isConnected) before.focus();
    },
  };
};
