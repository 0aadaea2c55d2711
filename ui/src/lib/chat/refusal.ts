// The core's refusals (crates/inbox/src/rules) as sentences in the seller's language.
import { formatBytes } from "../i18n/format";
import { t, tOr, type MessageKey } from "../i18n/index.svelte";
import type { Refusal } from "../ipc/Refusal";

/** Mercado Libre's limit for one file; the core enforces it, the UI only says it. */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;
/** Mercado Libre's limit for a seller's message and a free-text reason to communicate. */
export const SELLER_MAX_CHARS = 350;

/** A refusal as a sentence; the switch covers every code of `Refusal` (svelte-check fails otherwise). */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.code) {
    case "conversation_blocked": {
      const why = refusal.substatus ? tOr(`blocked.${refusal.substatus}`, "") : "";
      return why ? t("refusal.conversation_blocked_because", { reason: why }) : t("refusal.conversation_blocked");
    }
    case "text_too_long":
      return t("refusal.text_too_long", { chars: refusal.chars, max: refusal.max });
    case "text_charset":
      return t("refusal.text_charset", { character: refusal.character });
    case "variable_unfilled":
      return t("refusal.variable_unfilled", { variable: refusal.variable });
    case "file_type":
    case "file_name":
      return t(`refusal.${refusal.code}`, { file: refusal.file });
    case "file_too_large":
      return t("refusal.file_too_large", { file: refusal.file, max: formatBytes(Number(refusal.max)) });
    case "too_many_files":
      return t("refusal.too_many_files", { max: refusal.max });
    case "source_disabled":
    case "payment_not_confirmed":
    case "order_cancelled":
    case "awaiting_buyer_reply":
    case "action_guide_required":
    case "action_guide_not_allowed":
    case "option_unavailable":
    case "cap_exhausted":
    case "template_required":
    case "template_text_fixed":
    case "template_needs_values":
    case "text_empty":
    case "file_only_first_message":
      // Each code's key is checked against the catalog: a code without a sentence fails here.
      return t(`refusal.${refusal.code}`);
    default:
      // A refusal added in Rust (Refusal.ts is generated) and not handled above fails here.
      return unhandled(refusal);
  }
}

function unhandled(refusal: never): string {
  return t(`refusal.${(refusal as Refusal).code}` as MessageKey);
}

/**
 * A refusal known by its code alone (a draft's failure reason, a command's error code): Mercado
 * Libre's answers read as the action guide's sentences, the rules' own as theirs, anything else
 * as a generic sentence rather than a code.
 */
export function describeFailure(code: string): string {
  return tOr(`guide.error.${code}`, tOr(`refusal.${code}`, t("guide.error.generic")));
}

/** Characters as Mercado Libre counts them (code points, as Rust's `chars()`), not UTF-16 units. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
