import { render, screen } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { i18n } from "../i18n/index.svelte";
import SyncIndicator from "./SyncIndicator.svelte";

describe("SyncIndicator", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("shows import progress with counts", () => {
    render(SyncIndicator, { status: { state: "syncing", done: 40, total: 250 } });
    const status = screen.getByRole("status");
    expect(status).toHaveTextContent("Syncing 40 of 250");
    expect(status).toHaveAttribute("data-tone", "busy");
  });

  it("names the account that must be reconnected, in the seller's language", () => {
    i18n.locale = "es";
    render(SyncIndicator, { status: { state: "auth_expired", account: "TIENDA_SUR" } });
    expect(screen.getByRole("status")).toHaveTextContent("Vuelve a conectar TIENDA_SUR");
    expect(screen.getByRole("status")).toHaveAttribute("data-tone", "error");
  });

  it("renders an account name as text, never as markup", () => {
    render(SyncIndicator, { status: { state: "auth_expired", account: "<img src=x onerror=alert(1)>" } });
    const status = screen.getByRole("status");
    expect(status.querySelector("img")).toBeNull();
    expect(status).toHaveTextContent("<img src=x onerror=alert(1)>");
  });
});
