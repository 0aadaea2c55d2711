/**
 * The one notice the window shows at the bottom: what became of the seller's last action
 * (a move, an archive, a refusal). It lives above the views, so a notice outlasts the view that
 * told it (an archive that empties a filtered board replaces the board, not the notice).
 */
export type NoticeTone = "error" | "info";

export interface Notice {
  text: string;
  tone: NoticeTone;
}

/** How long a notice stays: an error is read more slowly than a confirmation. */
const SHOWN_MS: Record<NoticeTone, number> = { error: 8000, info: 4000 };

export class Notices {
  current = $state<Notice | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;

  tell(text: string, tone: NoticeTone) {
    this.current = { text, tone };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.current = null), SHOWN_MS[tone]);
  }

  dismiss() {
    clearTimeout(this.#timer);
    this.current = null;
  }
}

export const notices = new Notices();
