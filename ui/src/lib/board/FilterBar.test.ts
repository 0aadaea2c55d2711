import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import FilterBar from "./FilterBar.svelte";
import FilteredEmpty from "./FilteredEmpty.svelte";
import { BoardFilters } from "./filters.svelte";

const tagChip = (tag: string) =>
  screen.getAllByTestId(testIds.filterTag).find((chip) => chip.dataset.tag === tag)!;

describe("FilterBar", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("toggles Unread only, Waiting for you and tags as pressed buttons", async () => {
    const filters = new BoardFilters();
    render(FilterBar, { filters });
    const unread = screen.getByTestId(testIds.filterUnread);
    const waiting = screen.getByTestId(testIds.filterWaiting);
    expect(unread).toHaveAttribute("aria-pressed", "false");
    await fireEvent.click(unread);
    await fireEvent.click(waiting);
    await fireEvent.click(tagChip("not_delivered"));
    await fireEvent.click(tagChip("paid"));
    expect(unread).toHaveAttribute("aria-pressed", "true");
    expect(waiting).toHaveAttribute("aria-pressed", "true");
    expect(tagChip("paid")).toHaveAttribute("aria-pressed", "true");
    expect(tagChip("delivered")).toHaveAttribute("aria-pressed", "false");
    expect(filters.value).toEqual({
      tags: ["not_delivered", "paid"],
      unreadOnly: true,
      waitingForYou: true,
      text: "",
      archived: false,
    });
    await fireEvent.click(tagChip("paid"));
    await fireEvent.click(unread);
    expect(filters.value.tags).toEqual(["not_delivered"]);
    expect(filters.unreadOnly).toBe(false);
  });

  it("shows the tags as the cards name them, in the seller's language", () => {
    i18n.locale = "pt-BR";
    render(FilterBar, { filters: new BoardFilters() });
    expect(tagChip("not_paid")).toHaveTextContent("Não pago");
    expect(screen.getByTestId(testIds.filterWaiting)).toHaveTextContent("Aguardando você");
    expect(screen.getByRole("group", { name: "Filtrar o quadro" })).toBeInTheDocument();
  });

  it("takes the typed text after a pause, at once on Enter, and Escape empties it", async () => {
    vi.useFakeTimers();
    const filters = new BoardFilters();
    render(FilterBar, { filters, debounceMs: 250 });
    const box = screen.getByTestId(testIds.filterText);
    await fireEvent.input(box, { target: { value: "mat" } });
    await vi.advanceTimersByTimeAsync(100);
    await fireEvent.input(box, { target: { value: "mate " } });
    await vi.advanceTimersByTimeAsync(200);
    expect(filters.text).toBe("");
    await vi.advanceTimersByTimeAsync(100);
    expect(filters.text).toBe("mate ");
    expect(filters.value.text).toBe("mate");

    await fireEvent.input(box, { target: { value: "yerba" } });
    await fireEvent.keyDown(box, { key: "Enter" });
    expect(filters.text).toBe("yerba");

    await fireEvent.keyDown(box, { key: "Escape" });
    expect(filters.text).toBe("");
    expect(box).toHaveValue("");
  });

  it("offers to clear only while a filter is on, then clears them all and the box", async () => {
    const filters = new BoardFilters();
    const view = render(FilterBar, { filters, shown: null });
    expect(screen.queryByTestId(testIds.filterClear)).toBeNull();
    filters.waitingForYou = true;
    filters.text = "Pérez";
    filters.toggleTag("paid");
    await view.rerender({ filters, shown: 1234 });
    expect(screen.getByTestId(testIds.filterText)).toHaveValue("Pérez");
    expect(screen.getByTestId(testIds.filterBar)).toHaveTextContent("1,234 leads match");
    await fireEvent.click(screen.getByTestId(testIds.filterClear));
    expect(filters.active).toBe(false);
    expect(filters.value).toEqual({ tags: [], unreadOnly: false, waitingForYou: false, text: "", archived: false });
    expect(screen.getByTestId(testIds.filterText)).toHaveValue("");
    expect(screen.queryByTestId(testIds.filterClear)).toBeNull();
  });

  it("keeps the filters when the bar is shown again, with text typed just before it left", async () => {
    vi.useFakeTimers();
    const filters = new BoardFilters();
    const first = render(FilterBar, { filters, debounceMs: 250 });
    await fireEvent.click(screen.getByTestId(testIds.filterUnread));
    await fireEvent.click(tagChip("pack_order"));
    await fireEvent.input(screen.getByTestId(testIds.filterText), { target: { value: "Gómez" } });
    first.unmount();
    expect(filters.text).toBe("Gómez");

    render(FilterBar, { filters });
    expect(screen.getByTestId(testIds.filterText)).toHaveValue("Gómez");
    expect(screen.getByTestId(testIds.filterUnread)).toHaveAttribute("aria-pressed", "true");
    expect(tagChip("pack_order")).toHaveAttribute("aria-pressed", "true");
  });

  it("counts blank text as no filter", () => {
    const filters = new BoardFilters();
    filters.text = "   ";
    expect(filters.active).toBe(false);
  });
});

describe("FilteredEmpty", () => {
  it("says nothing matches and clears the filters from its button", async () => {
    i18n.locale = "es";
    const onclear = vi.fn();
    render(FilteredEmpty, { onclear });
    const empty = screen.getByTestId(testIds.filterEmpty);
    expect(empty).toHaveTextContent("Ningún lead coincide con estos filtros");
    await fireEvent.click(screen.getByRole("button", { name: "Quitar filtros" }));
    expect(onclear).toHaveBeenCalledTimes(1);
  });
});
