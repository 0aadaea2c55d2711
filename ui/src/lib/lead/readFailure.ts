// The lead pane's words for a chat the sync could not read, in the seller's language.
import { formatTime, t } from "../i18n/index.svelte";
import type { ChatReadFailure } from "../ipc/ChatReadFailure";

/** Why, from the error's stable code and the status Mercado Libre answered. */
export function readFailureReason(failure: ChatReadFailure): string {
  switch (failure.code) {
    case "server":
      return t("read_failure.server", { status: failure.status ?? 500 });
    case "decode":
      return t("read_failure.decode");
    case "buyer_unavailable":
      return t("read_failure.buyer_unavailable");
    default:
      return failure.status === null ? t("read_failure.other") : t("read_failure.refused", { status: failure.status });
  }
}

/** "This chat could not be read from Mercado Libre: <reason>. Next try 16:40" */
export function readFailureMessage(failure: ChatReadFailure): string {
  return t("lead.read_failed", { reason: readFailureReason(failure), time: formatTime(failure.nextTryAt) });
}
