import { fireEvent, render, screen } from "@testing-library/svelte";
import { tick } from "svelte";
import { describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { SearchResults } from "../ipc/SearchResults";
import { testIds } from "../testids";
import Search from "./Search.svelte";

function results(word: string): SearchResults {
  return {
    leads: [],
    messages: [
      {
        kind: "message",
        leadId: 4,
        accountId: 1,
        leadName: "2000004",
        buyer: "Ana",
        messageId: "m9",
        questionId: null,
        snippet: `el \u0002${word}\u0003 llega`,
        at: null,
      },
    ],
    questions: [],
    nextCursor: null,
  };
}

describe("Search", () => {
  it("asks the shell as the seller types and opens the chosen lead at its message", async () => {
    i18n.locale = "en";
    const search = vi.fn(async (query: string) => results(query));
    const onselect = vi.fn();
    render(Search, { account: 3, search, onselect });
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    await tick();
    await fireEvent.input(screen.getByTestId(testIds.searchInput), { target: { value: "  martes " } });
    const hit = await screen.findByTestId(testIds.searchResult);
    expect(search).toHaveBeenCalledWith("martes", 3);
    expect(hit.querySelector("mark")).toHaveTextContent("martes");
    await fireEvent.keyDown(screen.getByTestId(testIds.searchInput), { key: "Enter" });
    expect(onselect).toHaveBeenCalledWith(expect.objectContaining({ leadId: 4, messageId: "m9" }));
  });

  it("waits for a pause in typing before asking", async () => {
    vi.useFakeTimers();
    try {
      const search = vi.fn(async (query: string) => results(query));
      render(Search, { search });
      await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
      const box = screen.getByTestId(testIds.searchInput);
      for (const value of ["m", "ma", "mar", "mart"]) {
        await fireEvent.input(box, { target: { value } });
        await vi.advanceTimersByTimeAsync(50);
      }
      await vi.advanceTimersByTimeAsync(200);
      expect(search).toHaveBeenCalledTimes(1);
      expect(search).toHaveBeenCalledWith("mart", null);
    } finally {
      vi.useRealTimers();
    }
  });
  it("Enter pressed before the answer to the new query opens the new answer, not the old one", async () => {
    vi.useFakeTimers();
    try {
      const search = vi.fn(async (query: string) => {
        const found = results(query);
        found.messages[0]!.leadId = query === "martes" ? 4 : 8;
        return found;
      });
      const onselect = vi.fn();
      render(Search, { search, onselect });
      await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
      const box = screen.getByTestId(testIds.searchInput);
      await fireEvent.input(box, { target: { value: "martes" } });
      await vi.advanceTimersByTimeAsync(200);
      expect(screen.getByTestId(testIds.searchResult)).toHaveAttribute("data-lead-id", "4");

      await fireEvent.input(box, { target: { value: "jueves" } });
      await fireEvent.keyDown(box, { key: "Enter" });
      expect(onselect).not.toHaveBeenCalled();
      expect(screen.getByRole("listbox")).toHaveAttribute("aria-busy", "true");
      await vi.advanceTimersByTimeAsync(200);
      expect(onselect).toHaveBeenCalledTimes(1);
      expect(onselect).toHaveBeenCalledWith(expect.objectContaining({ leadId: 8 }));
    } finally {
      vi.useRealTimers();
    }
  });
});
