import { t, type MessageKey } from "../i18n/index.svelte";
import type { MeliErrorCode } from "../ipc/MeliErrorCode";

/**
 * Every code of Mercado Libre's failures (generated from Rust) with its own sentence, or null
 * for the generic one with the error's message. A code added in Rust fails `svelte-check` here
 * until it is given one or the other.
 */
const SENTENCES: Record<MeliErrorCode, MessageKey | null> = {
  invalid_grant: "connect.error.invalid_grant",
  oauth: "connect.error.oauth",
  authorization_denied: "connect.error.authorization_denied",
  state_mismatch: "connect.error.state_mismatch",
  callback_timeout: "connect.error.callback_timeout",
  port_in_use: "connect.error.port_in_use",
  invalid_paste: "connect.error.invalid_paste",
  network: "connect.error.network",
  cancelled: "connect.error.cancelled",
  // Not expected while connecting, or nothing the seller can do but read the message.
  unauthorized: null,
  not_connected: null,
  token_store: null,
  forbidden: null,
  not_found: null,
  text_too_long: null,
  cap_exhausted: null,
  conversation_blocked: null,
  action_guide_required: null,
  open_conversation: null,
  excepted_case: null,
  invalid_option: null,
  invalid_template: null,
  conflict: null,
  buyer_unavailable: null,
  attachment_invalid: null,
  attachment_rejected: null,
  bad_request: null,
  rate_limited: null,
  server: null,
  http: null,
  send_outcome_unknown: null,
  decode: null,
  body_too_large: null,
  picture_refused: null,
  question_not_answerable: null,
  invalid_config: null,
  listener: null,
};

function isMeliErrorCode(code: string): code is MeliErrorCode {
  return Object.prototype.hasOwnProperty.call(SENTENCES, code);
}

/** The connect form's and the shell's own codes (not Mercado Libre's), each with its sentence. */
const FORM_CODES = new Set([
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
  if (FORM_CODES.has(code)) return t(`connect.error.${code}` as MessageKey, { message });
  const key = isMeliErrorCode(code) ? SENTENCES[code] : null;
  return key ? t(key, { message }) : t("connect.error.other", { message });
}
