import type { LeadSummary } from "./types";

/** A lead for tests; override what a test is about. */
export function lead(overrides: Partial<LeadSummary> = {}): LeadSummary {
  return {
    id: 1,
    accountId: 7,
    name: "2000004567891",
    buyer: "Ana Pérez",
    buyerNickname: "ANAPEREZ77",
    total: { currency: "ARS", amount: "15999.50" },
    tags: ["paid", "not_delivered"],
    unreadCount: 0,
    lastMessage: "Hola, ¿cuándo llega?",
    lastMessageAt: "2025-03-03T12:00:00Z",
    waitingForYou: false,
    stageKey: "system:paid",
    archived: false,
    ...overrides,
  };
}
