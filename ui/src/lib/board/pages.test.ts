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
});
