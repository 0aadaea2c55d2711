import { describe, expect, it } from "vitest";
import { flatten, move, waitedSeconds } from "./navigation";
import type { QuestionDto } from "../ipc/QuestionDto";

const q = (id: number): QuestionDto => ({
  id,
  accountId: 1,
  itemId: "MLA1",
  buyerId: 2,
  buyer: null,
  buyerFirstName: null,
  status: "unanswered",
  text: "¿Hay stock?",
  askedAt: "2026-11-20T10:00:00.000Z",
  hold: false,
  answerable: true,
  answer: null,
  leadId: null,
  seen: false,
  outbox: null,
});

describe("questions navigation", () => {
  it("walks the groups in the order shown and stays within the list", () => {
    const listing = (itemId: string) => ({ itemId, title: null, picture: null, permalink: null, status: null });
    const ids = flatten([
      { listing: listing("MLA1"), questions: [q(5), q(3)] },
      { listing: listing("MLA2"), questions: [q(9)] },
    ]).map((x) => x.id);
    expect(ids).toEqual([5, 3, 9]);
    expect(move(ids, null, 1)).toBe(5);
    expect(move(ids, 5, 1)).toBe(3);
    expect(move(ids, 9, 1)).toBe(9);
    expect(move(ids, 5, -1)).toBe(5);
    expect(move(ids, 42, -1)).toBe(5);
    expect(move([], 5, 1)).toBeNull();
  });

  it("measures the wait from the question's time", () => {
    const now = new Date("2026-11-20T11:30:00.000Z");
    expect(waitedSeconds("2026-11-20T10:00:00.000Z", now)).toBe(5400);
    expect(waitedSeconds(null, now)).toBe(0);
    expect(waitedSeconds("2026-11-21T10:00:00.000Z", now)).toBe(0);
  });
});
