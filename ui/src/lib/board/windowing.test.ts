import { describe, expect, it } from "vitest";
import { nextRow, revealRow, visibleRange } from "./windowing";

describe("visibleRange", () => {
  it("renders the rows in view plus a few on each side", () => {
    expect(visibleRange(0, 400, 100, 20_000, 2)).toEqual({ start: 0, end: 6 });
    expect(visibleRange(1_000_000, 400, 100, 20_000, 2)).toEqual({ start: 9998, end: 10006 });
  });

  it("stays inside the list at both ends", () => {
    expect(visibleRange(1_999_900, 400, 100, 20_000, 3)).toEqual({ start: 19996, end: 20000 });
    expect(visibleRange(-50, 400, 100, 3, 3)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(0, 400, 100, 0)).toEqual({ start: 0, end: 0 });
  });

  it("never renders more than a screenful and the overscan", () => {
    for (const top of [0, 12_345, 777_777, 1_999_000]) {
      const { start, end } = visibleRange(top, 900, 132, 20_000, 4);
      expect(end - start).toBeLessThanOrEqual(Math.ceil(900 / 132) + 1 + 8);
    }
  });
});

describe("revealRow", () => {
  it("scrolls up or down just enough, and not at all when the row is in view", () => {
    expect(revealRow(2, 500, 400, 100)).toBe(200);
    expect(revealRow(10, 500, 400, 100)).toBe(700);
    expect(revealRow(6, 500, 400, 100)).toBe(500);
  });
});

describe("nextRow", () => {
  it("moves with j/k and the arrows, clamped to the list", () => {
    expect(nextRow("j", 0, 5, 3)).toBe(1);
    expect(nextRow("ArrowDown", 4, 5, 3)).toBe(4);
    expect(nextRow("k", 0, 5, 3)).toBe(0);
    expect(nextRow("ArrowUp", 3, 5, 3)).toBe(2);
    expect(nextRow("End", 0, 5, 3)).toBe(4);
    expect(nextRow("PageDown", 0, 5, 3)).toBe(3);
    expect(nextRow("x", 0, 5, 3)).toBeNull();
  });
});
