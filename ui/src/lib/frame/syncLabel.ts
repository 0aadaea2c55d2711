import type { SyncStatus } from "../ipc/SyncStatus";
import { formatTime, t } from "../i18n/index.svelte";

export type SyncTone = "idle" | "ok" | "busy" | "warn" | "error";

/** The header indicator's words and colour for a sync state. */
export function describeSync(status: SyncStatus): { label: string; tone: SyncTone } {
  switch (status.state) {
    case "no_account":
      return { label: t("sync.no_account"), tone: "idle" };
    case "online":
      return { label: t("sync.online", { time: formatTime(status.last_sync) }), tone: "ok" };
    case "syncing":
      return { label: t("sync.syncing", { done: status.done, total: status.total }), tone: "busy" };
    case "offline":
      return { label: t("sync.offline", { time: formatTime(status.since) }), tone: "warn" };
    case "auth_expired":
      return { label: t("sync.auth_expired", { account: status.account }), tone: "error" };
    case "messages_refused":
      return { label: t("sync.messages_refused", { account: status.account }), tone: "error" };
  }
}
