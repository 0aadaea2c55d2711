import { render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { i18n } from "../i18n/index.svelte";
import type { AnswerTimes } from "../ipc/AnswerTimes";
import { testIds } from "../testids";
import ResponseTimes from "./ResponseTimes.svelte";

const times = (days: number, asked: number): AnswerTimes => ({
  days,
  asked,
  answered: asked,
  medianMinutes: 25,
  withinHour: 0.75,
  medianByHour: Array.from({ length: 24 }, (_, h) => (h === 10 ? 25 : null)),
});

describe("ResponseTimes", () => {
  it("shows Mercado Libre's bands beside the cache's medians, with plural forms", () => {
    i18n.locale = "es";
    render(ResponseTimes, {
      stats: {
        meli: { total: 22, weekdaysWorkingHours: 8, weekdaysExtraHours: 72, weekend: 8, salesPercentIncrease: 10 },
        last7: times(7, 1),
        last30: times(30, 12),
      },
    });
    const text = screen.getByTestId(testIds.questionStats).textContent ?? "";
    expect(text).toContain("Días hábiles 18–24 h");
    expect(text).toContain("Respondiendo más rápido podrías vender hasta un 10% más.");
    expect(text).toContain("Últimos 7 días · 1 pregunta");
    expect(text).toContain("Últimos 30 días · 12 preguntas");
    expect(text).toContain("75");
  });

  it("says when Mercado Libre has no figure", () => {
    i18n.locale = "pt-BR";
    render(ResponseTimes, { stats: { meli: null, last7: times(7, 0), last30: times(30, 0) } });
    expect(screen.getByText("O Mercado Livre ainda não tem um dado para esta conta.")).toBeInTheDocument();
  });
});
