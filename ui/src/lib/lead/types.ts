import type { commands } from "../api/commands";

/** The shell commands the lead pane uses; tests pass their own. */
export type LeadApi = Pick<typeof commands, "leadCard" | "conversation" | "openChat" | "checkSend" | "sendDraft">;
