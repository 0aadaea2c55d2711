// Buyer text is untrusted. It is only ever rendered as text nodes; the one thing made of it is a
// link, and only when the address is Mercado Libre's own.

import meliHosts from "./meliHosts.json";

export type Segment = { text: string; href?: undefined } | { text: string; href: string };

/** http(s) addresses and bare `www.` ones; anything else (javascript:, data:, …) stays text. */
const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}»”’]+$/;
/** Mercado Libre's own hosts, the same list the app's link scope allows (capabilities/default.json;
 *  a Rust test keeps the three in step with the sites the client knows). */
const MELI_HOSTS: ReadonlySet<string> = new Set(meliHosts);

/** The address when `raw` points to a Mercado Libre site over http(s), else `null`. */
export function meliHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(/^www\./i.test(raw) ? `https://${raw}` : raw);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password || url.port) return null;
  if (!MELI_HOSTS.has(url.hostname.toLowerCase())) return null;
  url.protocol = "https:";
  return url.href;
}

/** Splits text into plain runs and Mercado Libre links. Joined back, the texts are the input. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const candidate = match[0].replace(TRAILING, "");
    const start = match.index;
    const href = meliHref(candidate);
    if (!href) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
