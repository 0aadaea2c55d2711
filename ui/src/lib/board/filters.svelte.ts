// The board's filters. One instance lives for the whole run, so leaving the board for Stats or
// Settings and coming back keeps them; they are not saved across restarts.
import type { BoardFilter } from "../ipc/BoardFilter";

/** The order tags offered as chips: the ones the cards show and Mercado Libre sets most. */
export const FILTER_TAGS = ["paid", "not_paid", "delivered", "not_delivered", "pack_order"] as const;

export class BoardFilters {
  tags = $state<string[]>([]);
  unreadOnly = $state(false);
  waitingForYou = $state(false);
  text = $state("");
  /** Only the archived leads, which the board otherwise leaves out. */
  archived = $state(false);

  /** What the shell receives: text trimmed, tags in a stable order. */
  get value(): BoardFilter {
    return {
      tags: [...this.tags].sort(),
      unreadOnly: this.unreadOnly,
      waitingForYou: this.waitingForYou,
      text: this.text.trim(),
      archived: this.archived,
    };
  }

  get active(): boolean {
    return this.tags.length > 0 || this.unreadOnly || this.waitingForYou || this.text.trim() !== "" || this.archived;
  }

  toggleTag(tag: string): void {
    this.tags = this.tags.includes(tag) ? this.tags.filter((t) => t !== tag) : [...this.tags, tag];
  }

  clear(): void {
    this.tags = [];
    this.unreadOnly = false;
    this.waitingForYou = false;
    this.text = "";
    this.archived = false;
  }
}

export const boardFilters = new BoardFilters();
