import { fireEvent, render, screen } from "@testing-library/svelte";
import { tick } from "svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { SearchHit } from "../ipc/SearchHit";
import type { SearchResults } from "../ipc/SearchResults";
import { testIds } from "../testids";
import SearchPalette from "./SearchPalette.svelte";

function hit(overrides: Partial<SearchHit> = {}): SearchHit {
  return {
    kind: "message",
    leadId: 1,
    accountId: 7,
    leadName: "2000001",
    buyer: "Ana",
    messageId: "m1",
    questionId: null,
    snippet: "¿Llega el \u0002martes\u0003?",
    at: "2025-03-03T12:00:00Z",
    ...overrides,
  };
}

const results: SearchResults = {
  leads: [hit({ kind: "lead", leadId: 5, messageId: null, snippet: "Zapatillas \u0002Martes\u0003 42" })],
  messages: [hit({ leadId: 1 }), hit({ leadId: 2, messageId: "m2", snippet: "<img src=x onerror=alert(1)> \u0002martes\u0003" })],
  questions: [],
  nextCursor: null,
};

describe("SearchPalette", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("opens with Ctrl+K or Cmd+K and closes with Escape", async () => {
    render(SearchPalette, {});
    expect(screen.queryByTestId(testIds.searchPalette)).toBeNull();
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    await tick();
    expect(screen.getByTestId(testIds.searchPalette)).toBeInTheDocument();
    expect(document.activeElement).toBe(screen.getByTestId(testIds.searchInput));
    await fireEvent.keyDown(screen.getByTestId(testIds.searchInput), { key: "Escape" });
    expect(screen.queryByTestId(testIds.searchPalette)).toBeNull();
    await fireEvent.keyDown(window, { key: "k", metaKey: true });
    expect(screen.getByTestId(testIds.searchPalette)).toBeInTheDocument();
  });

  it("gives focus back to where it was when it closes", async () => {
    const button = document.createElement("button");
    document.body.append(button);
    button.focus();
    render(SearchPalette, {});
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    await tick();
    expect(document.activeElement).toBe(screen.getByTestId(testIds.searchInput));
    await fireEvent.keyDown(screen.getByTestId(testIds.searchInput), { key: "Escape" });
    expect(document.activeElement).toBe(button);
    button.remove();
  });

  it("takes focus when opened through its prop, as from a button", async () => {
    const { rerender } = render(SearchPalette, { open: false });
    await rerender({ open: true });
    expect(document.activeElement).toBe(screen.getByTestId(testIds.searchInput));
  });

  it("highlights matches with <mark> and keeps markup in snippets as text", () => {
    render(SearchPalette, { open: true, query: "martes", results });
    const rows = screen.getAllByTestId(testIds.searchResult);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.querySelector("mark")).toHaveTextContent("Martes");
    const hostile = rows[2]!;
    expect(hostile.querySelector("img")).toBeNull();
    expect(hostile).toHaveTextContent("<img src=x onerror=alert(1)> martes");
    expect([...hostile.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["martes"]);
  });

  it("groups leads and messages, and walks them with the arrows to open one with Enter", async () => {
    const onselect = vi.fn();
    render(SearchPalette, { open: true, query: "martes", results, onselect });
    expect(screen.getByRole("group", { name: "Leads" })).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Messages" })).toBeInTheDocument();
    const box = screen.getByTestId(testIds.searchInput);
    await fireEvent.keyDown(box, { key: "ArrowDown" });
    await fireEvent.keyDown(box, { key: "ArrowDown" });
    expect(screen.getAllByRole("option")[2]).toHaveAttribute("aria-selected", "true");
    await fireEvent.keyDown(box, { key: "Enter" });
    expect(onselect).toHaveBeenCalledWith(expect.objectContaining({ leadId: 2, messageId: "m2" }));
    expect(screen.queryByTestId(testIds.searchPalette)).toBeNull();
  });

  it("says when nothing was found", () => {
    i18n.locale = "es";
    render(SearchPalette, { open: true, query: "xyz", results: { leads: [], messages: [], questions: [], nextCursor: null } });
    expect(screen.getByText("No se encontró nada para «xyz»")).toBeInTheDocument();
  });
});
