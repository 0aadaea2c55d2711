// Archiving from the board: the card's menu and the `e` key, and the Archived filter.
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { StageColumn } from "../ipc/StageColumn";
import { testIds } from "../testids";
import Notices from "../notice/Notices.svelte";
import { notices } from "../notice/notices.svelte";
import Board from "./Board.svelte";
import { BoardFilters } from "./filters.svelte";
import { lead } from "./fixtures";
import type { BoardApi } from "./stages";

function paid(ids: number[], archived = false): StageColumn {
  return {
    key: "system:paid",
    system: "paid",
    name: null,
    leadCount: ids.length,
    leads: ids.map((id) => ({ ...lead({ id, name: `200000${id}`, stageKey: "system:paid" }), archived })),
    nextCursor: null,
  };
}

function api(): BoardApi {
  return {
    moveLead: vi.fn(async () => undefined),
    archiveLead: vi.fn(async () => undefined),
    unarchiveLead: vi.fn(async () => undefined),
    addStage: vi.fn(async () => "custom:9"),
    renameStage: vi.fn(async () => undefined),
    reorderStages: vi.fn(async () => undefined),
    deleteStage: vi.fn(async () => 0),
  };
}

describe("Board: archive", () => {
  beforeEach(() => {
    i18n.locale = "en";
    // The notice shows above the views, in the window's own area.
    notices.dismiss();
    render(Notices);
  });

  it("`e` on a card archives it and says it comes back when the buyer writes", async () => {
    const board = api();
    const onchanged = vi.fn();
    const { unmount } = render(Board, { columns: [paid([10, 11])], now: new Date(), api: board, onchanged });
    const card = screen.getAllByTestId(testIds.leadCard)[1]!;
    await fireEvent.keyDown(card, { key: "e" });
    await vi.waitFor(() => expect(board.archiveLead).toHaveBeenCalledWith(11));
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalled());
    // A filtered board left empty is replaced by "no leads match": the notice stays.
    unmount();
    expect(screen.getByTestId(testIds.boardNotice)).toHaveTextContent("#20000011 archived: it comes back when the buyer writes.");
  });

  it("the card's menu archives, and unarchives an archived lead", async () => {
    const board = api();
    const { rerender } = render(Board, { columns: [paid([10])], now: new Date(), api: board });
    await fireEvent.click(screen.getByTestId(testIds.leadMove));
    const menu = screen.getByTestId(testIds.boardMenu);
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "Archive" }));
    await vi.waitFor(() => expect(board.archiveLead).toHaveBeenCalledWith(10));
    i18n.locale = "es";
    await rerender({ columns: [paid([10], true)] });
    await fireEvent.click(screen.getByTestId(testIds.leadMove));
    await fireEvent.click(within(screen.getByTestId(testIds.boardMenu)).getByRole("menuitem", { name: "Desarchivar" }));
    await vi.waitFor(() => expect(board.unarchiveLead).toHaveBeenCalledWith(10));
  });
});

describe("BoardFilters: archived", () => {
  it("is a filter like the others, cleared with them", () => {
    const filters = new BoardFilters();
    expect(filters.value.archived).toBe(false);
    filters.archived = true;
    expect(filters.active).toBe(true);
    expect(filters.value).toMatchObject({ archived: true });
    filters.clear();
    expect(filters.value.archived).toBe(false);
  });
});
