import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { StageColumn } from "../ipc/StageColumn";
import { testIds } from "../testids";
import Board from "./Board.svelte";
import { lead } from "./fixtures";

function column(key: string, ids: number[]): StageColumn {
  return {
    key,
    system: key.startsWith("system:") ? (key.slice(7) as StageColumn["system"]) : null,
    name: key.startsWith("custom:") ? "Packed" : null,
    leadCount: ids.length,
    leads: ids.map((id) => lead({ id, lastMessageAt: "2025-03-03T12:00:00Z" })),
    nextCursor: null,
  };
}

const columns = [
  column("system:payment_required", [1, 2]),
  column("system:paid", []),
  column("custom:7", [30, 31]),
];

describe("Board", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("moves between columns with the left and right arrows, skipping empty ones", async () => {
    render(Board, { columns, now: new Date("2025-03-03T12:10:00Z") });
    const first = screen.getAllByTestId(testIds.leadCard)[0]!;
    first.focus();
    await fireEvent.keyDown(first, { key: "ArrowRight" });
    expect(document.activeElement).toHaveAttribute("data-lead-id", "30");
    await fireEvent.keyDown(document.activeElement!, { key: "h" });
    expect(document.activeElement).toHaveAttribute("data-lead-id", "1");
  });

  it("formats large counts in the seller's language", () => {
    i18n.locale = "pt-BR";
    render(Board, { columns: [{ ...column("system:paid", [1]), leadCount: 20_000 }] });
    expect(screen.getByTestId(testIds.boardColumn)).toHaveTextContent("20.000");
  });

  it("keeps the time since the last message current", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    vi.setSystemTime(new Date("2025-03-03T12:05:00Z"));
    render(Board, { columns: [column("system:paid", [1])] });
    const card = screen.getByTestId(testIds.leadCard);
    expect(card).toHaveTextContent("5 min. ago");
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(card).toHaveTextContent("1 hr. ago");
  });
});

describe("Board paging", () => {
  it("loads a column's next page, with the board's filter, when its end comes into view, each lead once", async () => {
    i18n.locale = "en";
    const first = { ...column("system:paid", [1, 2, 3]), leadCount: 5, nextCursor: "c1" };
    const loadPage = vi.fn(async () => ({
      leads: [lead({ id: 3 }), lead({ id: 4 }), lead({ id: 5 })],
      nextCursor: null,
    }));
    const filter = { tags: ["paid"], unreadOnly: false, waitingForYou: true, text: "mate", archived: false };
    render(Board, { columns: [first], now: new Date("2025-03-03T12:10:00Z"), account: 9, filter, loadPage });
    await vi.waitFor(() => expect(screen.getAllByTestId(testIds.leadCard)).toHaveLength(5));
    expect(loadPage).toHaveBeenCalledTimes(1);
    expect(loadPage).toHaveBeenCalledWith("system:paid", 9, "c1", filter);
    expect(screen.getAllByTestId(testIds.leadCard).map((c) => c.dataset.leadId)).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("does not ask for more when the column has no next page", async () => {
    const loadPage = vi.fn();
    render(Board, { columns: [column("system:paid", [1])], now: new Date(), loadPage });
    await Promise.resolve();
    expect(loadPage).not.toHaveBeenCalled();
  });
});
