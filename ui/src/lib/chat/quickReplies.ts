// Quick replies in the composer: filling their variables and finding them as the seller types.
// Pure, so the chat's composer and a question's answer composer share them.
import { formatMoney } from "../i18n/format";
import type { LeadCard } from "../ipc/LeadCard";
import type { QuickReplyDto } from "../ipc/QuickReplyDto";
import type { QuickReplyVariable } from "../ipc/QuickReplyVariable";

// Keyed by the core's union, so a variable added to or dropped from the core fails the type
// check here until this list follows.
const VARIABLE_SET: Record<QuickReplyVariable, true> = {
  buyer_first_name: true,
  order_number: true,
  item_title: true,
  total: true,
  tracking_number: true,
  seller_nickname: true,
};
export const VARIABLES = Object.keys(VARIABLE_SET) as QuickReplyVariable[];
export type Variable = QuickReplyVariable;
export type Vars = Partial<Record<Variable, string>>;

/**
 * The reply's text with its variables filled. A variable with no value here stays as written
 * ("{tracking_number}"), so the seller sees what is left to complete before sending.
 */
export function fillVariables(body: string, vars: Vars): string {
  return body.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = (vars as Record<string, string | undefined>)[name];
    return value && value.trim() ? value : whole;
  });
}

/** What a lead knows of the variables. */
export function leadVars(card: LeadCard, sellerNickname: string | null): Vars {
  const buyer = card.summary.buyer ?? card.summary.buyerNickname ?? "";
  const vars: Vars = {
    buyer_first_name: buyer.trim().split(/\s+/)[0] ?? "",
    order_number: card.summary.name,
    item_title: card.orders[0]?.items[0]?.title ?? "",
    total: card.summary.total ? formatMoney(card.summary.total) : "",
  };
  if (sellerNickname) vars.seller_nickname = sellerNickname;
  return vars;
}

/** What a pre-sale question knows of the variables: who asked, on which listing, for which seller. */
export function questionVars(asker: string | null, listingTitle: string | null, sellerNickname: string | null): Vars {
  const vars: Vars = {};
  const first = asker?.trim().split(/\s+/)[0];
  if (first) vars.buyer_first_name = first;
  if (listingTitle) vars.item_title = listingTitle;
  if (sellerNickname) vars.seller_nickname = sellerNickname;
  return vars;
}

/** The language a Mercado Libre site's buyers write in, for ordering quick replies. */
export function siteLanguage(siteId: string): "es" | "pt" {
  return ["MLB", "MPT"].includes(siteId) ? "pt" : "es";
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * The replies that fit: this account's and everyone's, whose title or text holds every word
 * typed (accents ignored), the seller's language first, then in the seller's order.
 */
export function matchReplies(
  replies: readonly QuickReplyDto[],
  query: string,
  options: { accountId?: number | null; language?: string | null } = {},
): QuickReplyDto[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const fits = replies.filter((reply) => {
    if (reply.accountId !== null && options.accountId != null && reply.accountId !== options.accountId) return false;
    const haystack = fold(`${reply.title} ${reply.body}`);
    return words.every((w) => haystack.includes(w));
  });
  if (!options.language) return fits;
  const first = fits.filter((r) => r.language === options.language);
  return [...first, ...fits.filter((r) => r.language !== options.language)];
}

/**
 * A "/" the seller is typing a quick reply's name after: at the start of the text or after a
 * space, with no space since. Returns where the "/" is and the words after it.
 */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([^\s/]{0,40})$/.exec(before);
  if (!match) return null;
  const query = match[2] ?? "";
  return { start: before.length - query.length - 1, query };
}
