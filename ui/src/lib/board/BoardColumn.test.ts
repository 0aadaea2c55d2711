import { fireEvent, render, screen } from "@testing-library/svelte";
import { tick } from "svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { StageColumn } from "../ipc/StageColumn";
import { testIds } from "../testids";
import BoardColumn from "./BoardColumn.svelte";
import { lead } from "./fixtures";

const column: StageColumn = { key: "system:paid", system: "paid", name: null, leadCount: 20_000, leads: [], nextCursor: null };
const leads = Array.from({ length: 20_000 }, (_, i) => lead({ id: i + 1, name: `20000${i + 1}` }));
const now = new Date("2025-03-03T13:00:00Z");

function cards() {
  return screen.getAllByTestId(testIds.leadCard);
}

describe("BoardColumn", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("renders a window of cards, not all 20,000", () => {
    render(BoardColumn, { column, leads, now });
    const rendered = cards();
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(30);
    expect(rendered[0]).toHaveAttribute("data-lead-id", "1");
    expect(screen.getByTestId(testIds.leadList).style.height).toBe(`${20_000 * 152}px`);
    expect(screen.getAllByRole("listitem")[0]).toHaveAttribute("aria-setsize", "20000");
  });

  it("renders other cards after scrolling far down", async () => {
    render(BoardColumn, { column, leads, now });
    const body = screen.getByTestId(testIds.leadList).parentElement!;
    body.scrollTop = 152 * 15_000;
    await fireEvent.scroll(body);
    const ids = cards().map((card) => Number(card.dataset.leadId));
    expect(ids).toContain(15_001);
    expect(ids).not.toContain(1);
    expect(ids.length).toBeLessThan(30);
  });

  it("moves focus with j/k and arrows, and opens with Enter", async () => {
    const onopen = vi.fn();
    render(BoardColumn, { column, leads, now, onopen });
    const first = cards()[0]!;
    expect(first).toHaveAttribute("tabindex", "0");
    first.focus();
    await fireEvent.keyDown(first, { key: "j" });
    await tick();
    expect(document.activeElement).toHaveAttribute("data-lead-id", "2");
    await fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    await tick();
    await fireEvent.keyDown(document.activeElement!, { key: "k" });
    await tick();
    expect(document.activeElement).toHaveAttribute("data-lead-id", "2");
    expect(document.activeElement).toHaveAttribute("tabindex", "0");
    await fireEvent.keyDown(document.activeElement!, { key: "Enter" });
    expect(onopen).toHaveBeenCalledWith(2);
  });

  it("keeps the focused card rendered when the keyboard walks past the window", async () => {
    render(BoardColumn, { column, leads, now });
    cards()[0]!.focus();
    await fireEvent.keyDown(document.activeElement!, { key: "End" });
    await tick();
    expect(document.activeElement).toHaveAttribute("data-lead-id", "20000");
  });

  it("shows the first page the column came with", () => {
    render(BoardColumn, { column: { ...column, leads: leads.slice(0, 2) }, now });
    expect(cards().map((card) => card.dataset.leadId)).toEqual(["1", "2"]);
  });

  it("keeps one card reachable with Tab after the focused one scrolls away", async () => {
    render(BoardColumn, { column, leads, now });
    const body = screen.getByTestId(testIds.leadList).parentElement!;
    body.scrollTop = 152 * 9_000;
    await fireEvent.scroll(body);
    const tabbable = cards().filter((card) => card.getAttribute("tabindex") === "0");
    expect(tabbable).toHaveLength(1);
  });

  it("asks for more leads when the end of what is loaded comes into view", () => {
    const onendreached = vi.fn();
    render(BoardColumn, { column, leads: leads.slice(0, 3), now, onendreached });
    expect(onendreached).toHaveBeenCalled();
  });

  it("shows the empty state for an empty stage", () => {
    render(BoardColumn, { column: { ...column, leadCount: 0 }, leads: [], now });
    expect(screen.getByText("No leads here yet")).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.leadList)).toBeNull();
  });
});
