// The chat pane's data comes straight from the core's generated IPC types
// (crates/inbox/src/ipc/chat.rs); the aliases name them as the components use them.
export type { AttachmentDto as AttachmentView } from "../ipc/AttachmentDto";
export type { MessageDto as MessageView } from "../ipc/MessageDto";
export type { Moderation } from "../ipc/Moderation";
export type { OutboxItem as OutboxView } from "../ipc/OutboxItem";
export type { OutboxState } from "../ipc/OutboxState";
