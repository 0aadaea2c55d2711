// The chat pane's data comes straight from the core's generated IPC types
// (crates/inbox/src/ipc/chat.rs); the aliases name them as the components use them.
import type { SendCheck } from "../ipc/SendCheck";
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

/** The core's answer to "may this draft be sent now?" (`check_send`); `null` while it is asked. */
export type SendVerdict = SendCheck | null;

/** One of Mercado Libre's fixed texts for a reason to communicate. */
export interface GuideTemplate {
  id: string;
  /** The text as Mercado Libre will send it (read-only for the seller); `null` when the guide did not give it. */
  text: string | null;
  /** Its text takes values (the delivery promise's times) Mostrador cannot fill yet. */
  needsValues: boolean;
}

/** A reason to communicate as the action guide lists it for this sale. */
export interface GuideOptionView {
  /** `REQUEST_VARIANTS`, `REQUEST_BILLING_INFO`, `SEND_INVOICE_LINK`, `DELIVERY_PROMISE`, `OTHER`, … */
  id: string;
  enabled: boolean;
  kind: "template" | "free_text";
  /** Messages left for this reason; 0 = wait for the buyer's reply. */
  capAvailable: number;
  /** For free text: the character limit (350). */
  charLimit: number | null;
  templates: GuideTemplate[];
}
