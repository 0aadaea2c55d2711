import { describe, expect, it, vi } from "vitest";
import type { StageColumn } from "../ipc/StageColumn";
import { lead } from "./fixtures";
import { ColumnPages } from "./pages.svelte";

const column: StageColumn = {
  key: "system:paid",
  system: "paid",
  name: null,
  leadCount: 6,
  leads: [lead({ id: 1 }), lead({ id: 2 })],
  nextCursor: "c1",
};

describe("ColumnPages", () => {
  it("follows the cursors page after page, one request at a time", async () => {
    const load = vi.fn(async (_key: string, cursor: string) =>
      cursor === "c1"
        ? { leads: [lead({ id: 3 }), lead({ id: 4 })], nextCursor: "c2" }
        : { leads: [lead({ id: 5 }), lead({ id: 6 })], nextCursor: null },
    );
    const pages = new ColumnPages(load);
    await Promise.all([pages.more(column), pages.more(column)]);
    expect(load).toHaveBeenCalledTimes(1);
    await pages.more(column);
    await pages.more(column);
    expect(load.mock.calls.map((c) => c[1])).toEqual(["c1", "c2"]);
    expect(pages.leads(column).map((l) => l.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("starts over after a reset, and retries after a failure", async () => {
    const load = vi
      .fn()
      .mockRejectedValueOnce(new Error("offline"))
      .mockResolvedValue({ leads: [lead({ id: 3 })], nextCursor: null });
    const pages = new ColumnPages(load);
    await expect(pages.more(column)).rejects.toThrow("offline");
    await pages.more(column);
    expect(pages.leads(column)).toHaveLength(3);
    pages.reset();
    expect(pages.leads(column)).toHaveLength(2);
  });

  it("drops a page of the previous board that lands after a reset", async () => {
    let answer!: (page: { leads: ReturnType<typeof lead>[]; nextCursor: string | null }) => void;
    const load = vi
      .fn()
      .mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
      .mockResolvedValue({ leads: [lead({ id: 7 })], nextCursor: null });
    const pages = new ColumnPages(load);
    const stale = pages.more(column);
    // The filter changed while the page was on its way: the board is fetched again.
    pages.reset();
    const fresh: StageColumn = { ...column, leads: [lead({ id: 5 })], leadCount: 2, nextCursor: "f1" };
    // The new board's column loads its own next page at once, not after the stale one.
    await pages.more(fresh);
    expect(load.mock.calls.map((c) => c[1])).toEqual(["c1", "f1"]);
    answer({ leads: [lead({ id: 3 }), lead({ id: 4 })], nextCursor: "c2" });
    await stale;
    expect(pages.leads(fresh).map((l) => l.id)).toEqual([5, 7]);
  });
});
