// The chat pane's data comes straight from the core's generated IPC types
// (crates/inbox/src/ipc/chat.rs); the aliases name them as the components use them.
import type { HeldBack } from "../ipc/HeldBack";
import type { Refusal } from "../ipc/Refusal";
export type { AttachmentDto as AttachmentView } from "../ipc/AttachmentDto";
export type { MessageDto as MessageView } from "../ipc/MessageDto";
export type { Moderation } from "../ipc/Moderation";
export type { OutboxItem as OutboxView } from "../ipc/OutboxItem";
export type { OutboxState } from "../ipc/OutboxState";

/** A file in the composer's draft; `rejected` says why it cannot go (the core checks content). */
export interface ComposerFile {
  id: string;
  name: string;
  size: number | null;
  rejected: "type" | "size" | null;
}

/** The core's answer to "may this draft be sent now?"; `null` while it is being asked. */
export type SendVerdict = { ok: true; heldBack: HeldBack | null } | { ok: false; refusal: Refusal } | null;
