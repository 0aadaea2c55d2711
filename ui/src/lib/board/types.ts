// View models of the board. They mirror the core's IPC DTOs (crates/inbox/src/ipc/board.rs)
// field for field, so the generated `LeadSummary` can be passed in as is once it lands in
// lib/ipc; until then the board is filled through these shapes.
import type { Money } from "../i18n/format";

export type MoneyView = Money;

/** A card on the board; the same shape as the core's `LeadSummary`. */
export interface LeadSummary {
  id: number;
  accountId: number;
  /** The pack or order number. */
  name: string;
  /** The buyer's name, else nickname; `null` until known. */
  buyer: string | null;
  buyerNickname: string | null;
  total: MoneyView | null;
  tags: string[];
  unreadCount: number;
  /** The start of the last message (buyer text: untrusted, shown as text). */
  lastMessage: string | null;
  lastMessageAt: string | null;
  /** The buyer wrote last: the seller owes an answer. */
  waitingForYou: boolean;
  /** The column key (`system:paid`, `custom:7`). */
  stageKey: string;
  archived: boolean;
}
