import type { AttachmentView, MessageView, OutboxView } from "./types";

export function message(overrides: Partial<MessageView> = {}): MessageView {
  return {
    id: "m1",
    fromBuyer: true,
    text: "Hola",
    createdAt: "2025-03-03T15:00:00Z",
    read: true,
    status: "available",
    moderation: null,
    attachments: [],
    ...overrides,
  };
}

export function attachment(overrides: Partial<AttachmentView> = {}): AttachmentView {
  return { id: 1, originalName: "factura.pdf", mime: "application/pdf", size: 2_621_440, downloaded: true, path: "/cache/att-1.pdf", ...overrides };
}

export function draft(overrides: Partial<OutboxView> = {}): OutboxView {
  return {
    id: 9,
    leadId: 1,
    text: "Ya sale el envío",
    files: [],
    state: "pending",
    reason: null,
    createdAt: "2025-03-04T10:00:00Z",
    guideOptionId: null,
    ...overrides,
  };
}
