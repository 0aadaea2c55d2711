import { render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { Stats as StatsDto } from "../ipc/Stats";
import Stats from "./Stats.svelte";

const figures: StatsDto = {
  leadsPerStage: [{ key: "custom:4", count: 3 }],
  paidAmounts: [],
  medianFirstReplySecs: null,
  waitingForSeller: 1,
};

describe("Stats", () => {
  it("loads the figures for the account and names custom stages from the board", async () => {
    i18n.locale = "en";
    const load = vi.fn(async () => figures);
    render(Stats, {
      account: 5,
      load,
      columns: [{ key: "custom:4", system: null, name: "Packed", leadCount: 3, leads: [], nextCursor: null }],
    });
    expect(await screen.findByRole("rowheader", { name: "Packed" })).toBeInTheDocument();
    expect(load).toHaveBeenCalledWith(5);
  });

  it("reloads when leads change, and says when loading fails", async () => {
    const load = vi.fn().mockResolvedValueOnce(figures).mockRejectedValueOnce(new Error("busy"));
    const { rerender } = render(Stats, { load });
    await screen.findByText("1 of 3 leads");
    await rerender({ load, revision: 1 });
    expect(await screen.findByRole("alert")).toHaveTextContent("busy");
    expect(load).toHaveBeenCalledTimes(2);
  });
});
