import { render, screen, within } from "@testing-library/svelte";
import { beforeEach, describe, expect, it } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { Stats } from "../ipc/Stats";
import { testIds } from "../testids";
import StatsView from "./StatsView.svelte";

const stats: Stats = {
  leadsPerStage: [
    { key: "system:payment_required", count: 12 },
    { key: "system:paid", count: 240 },
    { key: "custom:7", count: 60 },
    { key: "system:canceled", count: 0 },
  ],
  paidAmounts: [
    { currency: "ARS", amount: "1520000.50" },
    { currency: "BRL", amount: "980.00" },
  ],
  medianFirstReplySecs: 3 * 3600 + 20 * 60,
  waitingForSeller: 78,
};

function bar(key: string) {
  return screen.getByTestId(testIds.stats).querySelector<HTMLElement>(`[data-bar="${key}"]`)!;
}

describe("StatsView", () => {
  beforeEach(() => {
    i18n.locale = "en";
  });

  it("draws leads per stage as bars proportional to the counts, with stage names", () => {
    render(StatsView, { stats, stageNames: { "custom:7": "Packed" } });
    const width = (key: string) => parseFloat(bar(key).querySelectorAll("rect")[1]!.getAttribute("width")!);
    expect(width("system:paid")).toBe(100);
    expect(width("custom:7")).toBe(25);
    expect(width("system:payment_required")).toBe(5);
    expect(width("system:canceled")).toBe(0);
    expect(bar("custom:7")).toHaveTextContent("Packed");
    expect(bar("system:payment_required")).toHaveTextContent("Payment Required");
  });

  it("formats amounts per currency and the reply time in the chosen language", () => {
    i18n.locale = "pt-BR";
    render(StatsView, { stats });
    expect(bar("BRL")).toHaveTextContent("R$ 980,00");
    expect(bar("ARS")).toHaveTextContent("1.520.000,50");
    const reply = screen.getByTestId(testIds.stats).querySelector('[data-stat="first-reply"]')!;
    expect(reply).toHaveTextContent("3 h 20 min");
  });

  it("shows how many conversations wait for the seller out of all leads", () => {
    render(StatsView, { stats });
    const waiting = screen.getByTestId(testIds.stats).querySelector<HTMLElement>('[data-stat="waiting"]')!;
    expect(within(waiting).getByText("78 of 312 leads")).toBeInTheDocument();
  });

  it("keeps the charts readable as named tables", () => {
    render(StatsView, { stats });
    const perStage = screen.getByRole("table", { name: "Leads per stage" });
    expect(within(perStage).getAllByRole("rowheader").map((h) => h.textContent)).toContain("Paid");
    expect(within(perStage).getByRole("row", { name: /Paid/ })).toHaveTextContent("240");
    expect(screen.getByRole("table", { name: "Paid amount by currency" })).toBeInTheDocument();
  });

  it("has an empty state and no reply time when there is no data", () => {
    render(StatsView, { stats: { leadsPerStage: [], paidAmounts: [], medianFirstReplySecs: null, waitingForSeller: 0 } });
    expect(screen.getAllByText("No data yet")).toHaveLength(2);
    expect(screen.getByText("Not enough conversations yet")).toBeInTheDocument();
  });
});
