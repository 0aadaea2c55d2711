import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { i18n } from "../i18n/index.svelte";
import { testIds } from "../testids";
import ImportProgress from "./ImportProgress.svelte";

describe("ImportProgress", () => {
  it("shows a bar with the counts while the history is imported", () => {
    i18n.locale = "es";
    render(ImportProgress, { status: { state: "syncing", done: 1250, total: 5000 } });
    const bar = screen.getByRole("progressbar", { name: "Sincronizando 1250 de 5000" });
    expect(bar).toHaveAttribute("aria-valuenow", "1250");
    expect(bar).toHaveAttribute("aria-valuemax", "5000");
    expect(bar.querySelector<HTMLElement>(".fill")!.style.width).toBe("25%");
  });

  it("is absent when not importing", () => {
    render(ImportProgress, { status: { state: "online", last_sync: "2025-03-03T10:00:00Z" } });
    expect(screen.queryByTestId(testIds.importProgress)).toBeNull();
  });

  it("caps the bar at full when the engine reports more done than planned", () => {
    i18n.locale = "en";
    render(ImportProgress, { status: { state: "syncing", done: 12, total: 10 } });
    expect(screen.getByRole("progressbar").querySelector<HTMLElement>(".fill")!.style.width).toBe("100%");
  });
});
