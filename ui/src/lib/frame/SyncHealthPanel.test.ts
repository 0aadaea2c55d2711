import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { SyncHealth } from "../ipc/SyncHealth";
import { testIds } from "../testids";
import Header from "./Header.svelte";
import SyncHealthPanel from "./SyncHealthPanel.svelte";

const NOW = new Date("2026-11-20T15:00:00Z");

function health(overrides: Partial<SyncHealth> = {}): SyncHealth {
  return {
    accountId: 1,
    nickname: "TIENDA_SUR",
    siteId: "MLA",
    engine: { state: "online" },
    lastSuccess: "2026-11-20T14:58:00Z",
    nextPoll: "2026-11-20T15:00:30Z",
    import: { finished: true, done: 0, total: 0 },
    token: { expiresAt: "2026-11-20T20:00:00Z", lastRefresh: null },
    budget: { readsLastMinute: 100, readsPerMinute: 400, writesLastMinute: 4, writesPerMinute: 400 },
    messages: "allowed",
    failingChats: [
      {
        leadId: 9,
        accountId: 1,
        name: "2000001234",
        code: "server",
        status: 500,
        detail: "HTTP 500",
        failures: 3,
        firstFailedAt: "2026-11-20T14:00:00Z",
        lastFailedAt: "2026-11-20T14:50:00Z",
        nextTryAt: "2026-11-20T15:10:00Z",
      },
    ],
    blocked: [
      { substatus: "blocked_by_time", count: 2 },
      { substatus: "blocked_by_mediation", count: 1 },
    ],
    closing: [
      {
        leadId: 3,
        name: "2000000003",
        buyer: "Ana",
        lastMessageAt: "2026-10-23T10:00:00Z",
        closesAt: "2026-11-22T10:00:00Z",
        closesSoon: true,
      },
      {
        leadId: 4,
        name: "2000000004",
        buyer: null,
        lastMessageAt: "2026-11-20T13:00:00Z",
        closesAt: "2026-12-20T13:00:00Z",
        closesSoon: false,
      },
    ],
    ...overrides,
  };
}

describe("SyncHealthPanel", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("lists each part of the account's health, the soonest closing chat first", async () => {
    render(SyncHealthPanel, { load: () => Promise.resolve([health()]), onclose: () => {}, now: () => NOW });
    const panel = await screen.findByTestId(testIds.syncHealthAccount);
    expect(panel).toHaveTextContent("TIENDA_SUR");
    expect(screen.getByTestId(testIds.syncHealthEngine)).toHaveTextContent("Up to date");
    expect(screen.getByTestId(testIds.syncHealthToken)).toHaveTextContent("Expires");
    expect(screen.getByTestId(testIds.syncHealthToken)).toHaveTextContent("not refreshed in this session");
    expect(screen.getByTestId(testIds.syncHealthBudget)).toHaveTextContent("25% in use: 100 of 400 reads and 4 of 400 writes");
    expect(screen.getByTestId(testIds.syncHealthMessages)).toHaveTextContent("Allowed");
    expect(screen.getByTestId(testIds.syncHealthFailing)).toHaveTextContent(
      "#2000001234: Mercado Libre answered with an error (500)",
    );
    const blocked = within(screen.getByTestId(testIds.syncHealthBlocked)).getAllByRole("listitem");
    expect(blocked[0]).toHaveTextContent("2 too much time has passed since the sale");
    expect(blocked[1]).toHaveTextContent("1 a mediation is open");
    const closing = screen.getAllByTestId(testIds.syncHealthClosingChat);
    expect(closing).toHaveLength(2);
    expect(closing[0]).toHaveTextContent("#2000000003, Ana: closes Nov 22, 2026");
    expect(closing[0]).toHaveTextContent("closes soon");
    expect(closing[1]).toHaveTextContent("#2000000004, —: closes Dec 20, 2026");
    expect(closing[1]).not.toHaveTextContent("closes soon");
    expect(screen.getByTestId(testIds.syncHealthNextPoll)).not.toHaveTextContent("Nov");
  });

  it("gives the next sync its date when it is not today", async () => {
    render(SyncHealthPanel, {
      load: () => Promise.resolve([health({ nextPoll: "2026-11-21T09:00:00Z" })]),
      onclose: () => {},
      now: () => NOW,
    });
    expect(await screen.findByTestId(testIds.syncHealthNextPoll)).toHaveTextContent("Nov 21, 2026");
  });

  it("says when messages are refused and the sync is stopped, in Spanish and Portuguese", async () => {
    i18n.locale = "es";
    const stopped = health({ engine: { state: "stopped" }, token: null, budget: null, messages: "refused", closing: [] });
    const first = render(SyncHealthPanel, { load: () => Promise.resolve([stopped]), onclose: () => {}, now: () => NOW });
    expect(await screen.findByTestId(testIds.syncHealthEngine)).toHaveTextContent("Detenida");
    expect(screen.getByTestId(testIds.syncHealthMessages)).toHaveTextContent("permiso de Mensajes");
    expect(screen.getByTestId(testIds.syncHealthAccount)).toHaveTextContent("Ninguna");
    first.unmount();
    i18n.locale = "pt-BR";
    render(SyncHealthPanel, { load: () => Promise.resolve([health()]), onclose: () => {}, now: () => NOW });
    const closing = await screen.findAllByTestId(testIds.syncHealthClosingChat);
    expect(closing[0]).toHaveTextContent("fecha em breve");
  });

  it("reads the state again when the sync status changes", async () => {
    const load = vi
      .fn<() => Promise<SyncHealth[]>>()
      .mockResolvedValueOnce([health({ engine: { state: "syncing", done: 3, total: 9 } })])
      .mockResolvedValueOnce([health()]);
    const panel = render(SyncHealthPanel, { load, onclose: () => {}, now: () => NOW, watch: "syncing" });
    expect(await screen.findByTestId(testIds.syncHealthEngine)).toHaveTextContent("Importing (3 of 9)");
    await panel.rerender({ load, onclose: () => {}, now: () => NOW, watch: "online" });
    await vi.waitFor(() => expect(screen.getByTestId(testIds.syncHealthEngine)).toHaveTextContent("Up to date"));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("shows why when the state cannot be read", async () => {
    render(SyncHealthPanel, { load: () => Promise.reject(new Error("database busy")), onclose: () => {} });
    expect(await screen.findByRole("alert")).toHaveTextContent("database busy");
  });

  it("opens from the header's status and closes with Escape, focus back on the status", async () => {
    const load = vi.fn(() => Promise.resolve([health()]));
    render(Header, { status: { state: "online", last_sync: "2026-11-20T14:58:00Z" }, demo: false, loadHealth: load });
    const open = screen.getByTestId(testIds.syncHealthOpen);
    expect(screen.queryByTestId(testIds.syncHealthPanel)).toBeNull();
    open.focus();
    await fireEvent.click(open);
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(load).toHaveBeenCalledOnce();
    await screen.findAllByTestId(testIds.syncHealthClosingChat);
    expect(document.activeElement).toBe(screen.getByTestId(testIds.syncHealthClose));
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.queryByTestId(testIds.syncHealthPanel)).toBeNull();
    expect(document.activeElement).toBe(open);
  });
});
