import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import OfflineBanner from "./OfflineBanner.svelte";

describe("OfflineBanner", () => {
  it("says what the seller is looking at while offline, with the time in their locale", () => {
    i18n.locale = "en";
    const since = "2025-03-03T14:05:00Z";
    render(OfflineBanner, { status: { state: "offline", since } });
    const expected = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit" }).format(new Date(since));
    expect(screen.getByTestId(testIds.offlineBanner)).toHaveTextContent(`Offline — showing what was saved at ${expected}`);
  });

  it("prefers the last save time when it is known, and speaks Portuguese", () => {
    i18n.locale = "pt-BR";
    const savedAt = "2025-03-03T13:30:00Z";
    render(OfflineBanner, { status: { state: "offline", since: "2025-03-03T14:05:00Z" }, savedAt });
    const expected = new Intl.DateTimeFormat("pt-BR", { hour: "2-digit", minute: "2-digit" }).format(new Date(savedAt));
    expect(screen.getByTestId(testIds.offlineBanner)).toHaveTextContent(`Offline — mostrando o que foi salvo às ${expected}`);
  });

  it("is absent while online or syncing", () => {
    render(OfflineBanner, { status: { state: "online", last_sync: "2025-03-03T14:05:00Z" } });
    expect(screen.queryByTestId(testIds.offlineBanner)).toBeNull();
  });
});
