// The board's data comes straight from the core's generated IPC types.
export type { LeadSummary } from "../ipc/LeadSummary";
export type { MoneyDto as MoneyView } from "../ipc/MoneyDto";
