import { describe, expect, it } from "vitest";
import { highlightRuns } from "./highlight";

describe("highlightRuns", () => {
  it("splits on the core's markers", () => {
    expect(highlightRuns("¿Llega el \u0002martes\u0003 o el \u0002miércoles\u0003?")).toEqual([
      { text: "¿Llega el ", mark: false },
      { text: "martes", mark: true },
      { text: " o el ", mark: false },
      { text: "miércoles", mark: true },
      { text: "?", mark: false },
    ]);
  });

  it("copes with missing or stray markers", () => {
    expect(highlightRuns("a\u0002b")).toEqual([
      { text: "a", mark: false },
      { text: "b", mark: true },
    ]);
    expect(highlightRuns("a\u0003b")).toEqual([
      { text: "a", mark: false },
      { text: "b", mark: false },
    ]);
    expect(highlightRuns("")).toEqual([]);
  });

  it("keeps markup as text", () => {
    expect(highlightRuns("<mark>\u0002<img src=x>\u0003")).toEqual([
      { text: "<mark>", mark: false },
      { text: "<img src=x>", mark: true },
    ]);
  });
});
