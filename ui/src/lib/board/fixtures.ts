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
    readFailed: false,
    armedDraft: null,
    firstItem: "Zapatillas Running",
    moreItems: 0,
    picture: null,
    ...overrides,
  };
}

/** jsdom has no PointerEvent: a mouse event with a pointer id stands in for it in tests. */
export function installPointerEvents(): void {
  if (typeof window.PointerEvent === "function") return;
  class TestPointerEvent extends MouseEvent {
    readonly pointerId: number;
    constructor(type: string, init: PointerEventInit = {}) {
      super(type, init);
      this.pointerId = init.pointerId ?? 1;
    }
  }
  window.PointerEvent = TestPointerEvent as unknown as typeof PointerEvent;
}
