import { t, tOr } from "../i18n/index.svelte";
import type { MessageView } from "./types";

/** What to say about a message Mercado Libre's moderation touched, or `null` for a clean one. */
export function moderationNote(message: MessageView): { status: string; reason: string | null } | null {
  const modStatus = message.moderation?.status.toLowerCase() ?? "";
  const status = message.status.toLowerCase();
  let label: string;
  if (status === "rejected" || modStatus === "rejected") label = t("chat.moderation.rejected");
  else if (status === "moderated") label = t("chat.moderation.moderated");
  else if (modStatus === "pending") label = t("chat.moderation.pending");
  else if (status !== "available" && status !== "") label = t("chat.moderation.other", { status });
  else return null;
  const code = message.moderation?.reason;
  const reason = code ? t("chat.moderation.reason", { reason: tOr(`moderation.${code}`, code) }) : null;
  return { status: label, reason };
}
