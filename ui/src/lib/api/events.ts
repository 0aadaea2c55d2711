// Events the shell emits; names match src-tauri/src/events.rs.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ConnectProgress } from "../ipc/ConnectProgress";
import type { InboxEvents } from "../ipc/InboxEvents";
import type { SyncStatus } from "../ipc/SyncStatus";

export const EVENT_SYNC_STATUS = "sync-status";
export const EVENT_INBOX = "inbox-events";
export const EVENT_INBOX_RELOAD = "inbox-reload";

export function onSyncStatus(handler: (status: SyncStatus) => void): Promise<UnlistenFn> {
  return listen<SyncStatus>(EVENT_SYNC_STATUS, (event) => handler(event.payload));
}

/** Batches of changes: which leads changed, which chats got messages, the sync state. */
export function onInboxEvents(handler: (batch: InboxEvents) => void): Promise<UnlistenFn> {
  return listen<InboxEvents>(EVENT_INBOX, (event) => handler(event.payload));
}

/** Some batches were missed: reload whatever is shown. */
export function onInboxReload(handler: () => void): Promise<UnlistenFn> {
  return listen(EVENT_INBOX_RELOAD, () => handler());
}

export const EVENT_CONNECT_PROGRESS = "connect-progress";

/** The connection under way is waiting for the browser, or exchanging the code. */
export function onConnectProgress(handler: (progress: ConnectProgress) => void): Promise<UnlistenFn> {
  return listen<ConnectProgress>(EVENT_CONNECT_PROGRESS, (event) => handler(event.payload));
}
