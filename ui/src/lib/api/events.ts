// Events the shell emits; names match src-tauri/src/events.rs.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { SyncStatus } from "../ipc/SyncStatus";

export const EVENT_SYNC_STATUS = "sync-status";

export function onSyncStatus(handler: (status: SyncStatus) => void): Promise<UnlistenFn> {
  return listen<SyncStatus>(EVENT_SYNC_STATUS, (event) => handler(event.payload));
}
