import { t, type MessageKey } from "../i18n/index.svelte";

const KNOWN = new Set([
  "invalid_grant",
  "oauth",
  "authorization_denied",
  "state_mismatch",
  "callback_timeout",
  "port_in_use",
  "invalid_paste",
  "network",
  "cancelled",
  "invalid_site",
  "invalid_client_id",
  "invalid_client_secret",
  "redirect_missing",
  "redirect_not_https",
  "redirect_fragment",
  "redirect_spaces",
  "redirect_invalid",
  "no_attempt",
]);

/** A connect failure as a sentence in the seller's language, by its stable code. */
export function connectError(code: string, message: string): string {
  if (KNOWN.has(code)) return t(`connect.error.${code}` as MessageKey, { message });
  return t("connect.error.other", { message });
}
