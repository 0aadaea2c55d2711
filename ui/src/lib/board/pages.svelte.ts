// The leads of each column beyond the first page the board came with, loaded as the seller
// scrolls (column_page with the column's cursor).
import type { ColumnPage } from "../ipc/ColumnPage";
import type { LeadSummary } from "../ipc/LeadSummary";
import type { StageColumn } from "../ipc/StageColumn";
import { Latest } from "../latest";

export type PageLoader = (key: string, cursor: string) => Promise<ColumnPage>;

interface Loaded {
  leads: LeadSummary[];
  cursor: string | null;
}

export class ColumnPages {
  #loaded = $state<Record<string, Loaded>>({});
  #busy = new Set<string>();
  #load: PageLoader;
  /** One ticket per board: a page asked for before the last reset belongs to another board. */
  #boards = new Latest();
  #board = this.#boards.take();

  constructor(load: PageLoader) {
    this.#load = load;
  }

  /** The column's first page and what was loaded after it, each lead once. */
  leads(column: StageColumn): LeadSummary[] {
    const more = this.#loaded[column.key];
    if (!more) return column.leads;
    const seen = new Set(column.leads.map((l) => l.id));
    return [...column.leads, ...more.leads.filter((l) => !seen.has(l.id) && seen.add(l.id))];
  }

  /** Loads the next page of `column`, unless one is loading or there is none. */
  async more(column: StageColumn): Promise<void> {
    const loaded = this.#loaded[column.key];
    const cursor = loaded ? loaded.cursor : column.nextCursor;
    const busy = this.#busy;
    if (!cursor || busy.has(column.key)) return;
    const sameBoard = this.#board;
    busy.add(column.key);
    try {
      const page = await this.#load(column.key, cursor);
      if (!sameBoard()) return;
      this.#loaded[column.key] = { leads: [...(loaded?.leads ?? []), ...page.leads], cursor: page.nextCursor };
    } finally {
      busy.delete(column.key);
    }
  }

  /** Forgets the loaded pages (the board was fetched again); pages still on their way are dropped. */
  reset(): void {
    this.#loaded = {};
    this.#busy = new Set();
    this.#board = this.#boards.take();
  }
}
