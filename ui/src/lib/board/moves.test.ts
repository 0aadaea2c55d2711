import { describe, expect, it } from "vitest";
import { lead } from "./fixtures";
import { withMoves, type ShownMove } from "./moves";

const paid = [lead({ id: 1 }), lead({ id: 2 }), lead({ id: 3 })];
const move: ShownMove = { lead: lead({ id: 2 }), from: "system:paid", to: "custom:7", settled: false };

describe("withMoves", () => {
  it("takes a moved card out of its column and puts it first in the target, counts following", () => {
    const from = withMoves("system:paid", paid, 40, [move]);
    expect(from.leads.map((l) => l.id)).toEqual([1, 3]);
    expect(from.count).toBe(39);
    const to = withMoves("custom:7", [lead({ id: 9 })], 1, [move]);
    expect(to.leads.map((l) => l.id)).toEqual([2, 9]);
    expect(to.leads[0]!.stageKey).toBe("custom:7");
    expect(to.count).toBe(2);
  });

  it("leaves other columns and a column that already has the card alone", () => {
    const canceled = [lead({ id: 5 })];
    expect(withMoves("system:canceled", canceled, 1, [move])).toEqual({ leads: canceled, count: 1 });
    const already = withMoves("custom:7", [lead({ id: 2 })], 1, [move]);
    expect(already.leads.map((l) => l.id)).toEqual([2]);
  });
});
