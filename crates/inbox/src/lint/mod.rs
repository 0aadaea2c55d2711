//! Warnings before sending: what in a draft would likely get it moderated by Mercado Libre.
//!
//! One pure function, [`check`]. It is a linter, not a block: the composer underlines each
//! [`Finding`] and the seller may still send. Each finding carries the moderation reason
//! Mercado Libre would give, spelled as Mercado Libre spells it (`moderation.reason` of a
//! message), so a warning and a later moderation speak of the same thing:
//!
//! - [`PERSONAL_DATA`]: phone numbers in the shapes of the 14 sites (country codes, area codes
//!   in brackets, digits split by spaces, dots or dashes), e-mail addresses and their spelled-out
//!   forms ("arroba", "punto com", "ponto com"), and invitations to talk elsewhere ("whatsapp",
//!   "me liga", "mi número");
//! - [`SOCIAL_NETWORK_LINK`]: social networks by name or link (wa.me, t.me, linktr.ee…) and
//!   "@handle";
//! - [`LINK_SHORT_URL`]: the shorteners Mercado Libre says it moderates (Bitly, Bl.ink, Polr,
//!   Rebrandly, T2M, TinyURL, Zapier's, Yourls);
//! - [`LINK_MERCADOPAGO`] / [`ML_LINKS_PAYPAL`]: payment links off the sale;
//! - [`EVASION_CLAIM_SELLER`]: asking the buyer not to open (or to close) a claim, or offering
//!   to settle outside Mercado Libre.
//!
//! Mercado Libre publishes the codes, not its patterns (meli-api-questions-claims.md §3): the
//! patterns here are ours, tuned on the table in `tests.rs` so that what sellers write every
//! day — order and pack numbers, shipment and tracking numbers, prices, dates, CEP and postal
//! codes, sizes, Mercado Libre's own links — does not warn.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(test)]
mod tests;

pub const PERSONAL_DATA: &str = "PERSONAL_DATA";
pub const SOCIAL_NETWORK_LINK: &str = "SOCIAL_NETWORK_LINK";
pub const LINK_SHORT_URL: &str = "LINK_SHORT_URL";
pub const LINK_MERCADOPAGO: &str = "LINK_MERCADOPAGO";
pub const ML_LINKS_PAYPAL: &str = "ML_LINKS_PAYPAL";
pub const EVASION_CLAIM_SELLER: &str = "EVASION_CLAIM_SELLER";

/// Where a finding is, in characters (Unicode scalar values, as Rust's `chars()` counts them),
/// end exclusive. The UI indexes `Array.from(text)`, which counts the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "CharSpan.ts")]
pub struct CharSpan {
    pub start: u32,
    pub end: u32,
}

/// One thing in a draft Mercado Libre would likely moderate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "Finding.ts")]
pub struct Finding {
    /// Mercado Libre's moderation reason, e.g. `PERSONAL_DATA`.
    pub code: String,
    pub span: CharSpan,
}

/// What in `text` would likely get it moderated, in order of position. `site` is Mercado
/// Libre's site id ("MLA", "MLB"…): it decides the shortest phone number and the postal codes
/// that are not phones.
pub fn check(text: &str, site: &str) -> Vec<Finding> {
    let mut raw: Vec<(Range<usize>, &'static str)> = Vec::new();

    let urls: Vec<Range<usize>> = URL
        .find_iter(text)
        .map(|m| trim_url(text, m.range()))
        .collect();
    for range in &urls {
        if let Some(code) = classify_url(&text[range.clone()]) {
            raw.push((range.clone(), code));
        }
    }
    let mut emails = Vec::new();
    for m in EMAIL.find_iter(text) {
        raw.push((m.range(), PERSONAL_DATA));
        emails.push(m.range());
    }
    for (re, code) in PATTERNS.iter() {
        for m in re.find_iter(text) {
            raw.push((m.range(), code));
        }
    }
    for m in HANDLE.captures_iter(text) {
        if let Some(handle) = m.get(1) {
            // "@" plus the name; an e-mail's "@" has a word before it and never matches here.
            raw.push((handle.start() - 1..handle.end(), SOCIAL_NETWORK_LINK));
        }
    }
    let taken: Vec<Range<usize>> = urls.iter().chain(&emails).cloned().collect();
    for m in PHONE.find_iter(text) {
        let range = trim_phone(text, m.range());
        if taken.iter().any(|t| overlaps(t, &range)) {
            continue;
        }
        if is_phone(text, range.clone(), site) {
            raw.push((range, PERSONAL_DATA));
        }
    }
    resolve(text, raw)
}

/// Drops findings inside a larger one and joins overlapping findings of the same code, then
/// turns byte ranges into character spans.
fn resolve(text: &str, mut raw: Vec<(Range<usize>, &'static str)>) -> Vec<Finding> {
    raw.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut kept: Vec<(Range<usize>, &'static str)> = Vec::new();
    for (range, code) in raw {
        if kept
            .iter()
            .any(|(k, _)| k.start <= range.start && range.end <= k.end)
        {
            continue;
        }
        if let Some(last) = kept
            .iter_mut()
            .rev()
            .find(|(k, c)| *c == code && overlaps(k, &range))
        {
            last.0.end = last.0.end.max(range.end);
            continue;
        }
        kept.push((range, code));
    }
    kept.into_iter()
        .map(|(range, code)| Finding {
            code: code.to_owned(),
            span: CharSpan {
                start: char_index(text, range.start),
                end: char_index(text, range.end),
            },
        })
        .collect()
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn char_index(text: &str, byte: usize) -> u32 {
    u32::try_from(text[..byte].chars().count()).unwrap_or(u32::MAX)
}

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this file, checked by its tests.
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("lint pattern")
}

/// Something shaped like a link: a host with a known-looking top-level domain, maybe a scheme
/// and a path.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{2,5})?(?:/[^\s<>]*)?",
    )
});

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"));

/// "@handle" after a space, a bracket or the start; not an e-mail's "@".
static HANDLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:^|[\s(¡¿:,;])@([a-z0-9_][a-z0-9_.]{1,29})"));

/// A run of digits with the separators phone numbers are written with. Slashes (dates),
/// commas (decimals) and colons (times) end a run.
static PHONE: LazyLock<Regex> = LazyLock::new(|| re(r"\+?\(?\d(?:[ .\-()\u{a0}]{0,3}\d)*\)?"));

/// Words and phrases, each with its code.
static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let personal = [
        // e-mail spelled out: "juan arroba gmail punto com", "juan (at) gmail (dot) com", "juan @ gmail . com"
        r"(?i)\b[a-z0-9._-]+\s*(?:\(\s*(?:arroba|at)\s*\)|\[\s*(?:arroba|at)\s*\]|\barroba\b|\s@\s)\s*[a-z0-9-]+(?:\s*(?:\(\s*(?:punto|ponto|dot)\s*\)|\[\s*(?:punto|ponto|dot)\s*\]|\b(?:punto|ponto|dot)\b|\.)\s*[a-z]{2,4}\b)*",
        r"(?i)\b(?:punto|ponto)\s*(?:com|net|org)\b",
        r"(?i)\b(?:gmail|hotmail|yahoo|outlook|icloud)\b",
        // an invitation to talk elsewhere
        r"(?i)\b(?:whats\s?app|whats|wpp|wsp|zap|zapzap|ll[aá]mame|ll[aá]manos|me\s+liga|liga\s+pra\s+mim|me\s+chama\s+no|mi\s+n[uú]mero|meu\s+n[uú]mero|mi\s+cel(?:ular)?|meu\s+cel(?:ular)?|mi\s+tel[eé]fono|meu\s+telefone)\b",
    ];
    let social =
        [r"(?i)\b(?:instagram|insta|facebook|tik\s?tok|twitter|telegram|linktree|kwai|snapchat)\b"];
    let paypal = [r"(?i)\bpay\s?pal\b"];
    let mercadopago = [r"(?i)\blinks?\s+de\s+(?:pago|pagamento)\b"];
    let evasion = [
        // es
        r"(?i)\bno\s+(?:abras|abra|abrás|inicies|inicie|inici[eé]s|hagas|haga|generes|genere|pongas|ponga|presentes|presente|realices|realice|levantes|levante|abran|inicien)\s+(?:(?:un|el|ningún|ningun|una|la|ninguna|ese|esa|otro)\s+)?(?:reclamo|reclamos|reclamación|reclamacion|disputa|mediación|mediacion|queja)\b",
        r"(?i)\b(?:cerr[aá]|cierr[ae]|cerrar|cerralo|cancel[aá]|cancele|cancelar|retir[aá]|retire|retirar|baj[aá]|sac[aá]|desist[ií])\s+(?:el|la|tu|su|ese|esa|del)\s+(?:reclamo|reclamación|reclamacion|disputa|mediación|mediacion)\b",
        r"(?i)\bsin\s+(?:abrir|iniciar|hacer|generar)\s+(?:un\s+|el\s+|ningún\s+|ningun\s+)?reclamo\b",
        r"(?i)\b(?:te\s+|le\s+)?(?:devuelvo|reembolso|reintegro|devolvemos|reembolsamos|pago|arreglamos|solucionamos)\s+(?:el\s+dinero\s+|la\s+plata\s+|el\s+importe\s+)?por\s+fuera\b",
        r"(?i)\b(?:por\s+)?fuera\s+de\s+(?:mercado\s*libre|la\s+plataforma)\b",
        // pt
        r"(?i)\bn[ãa]o\s+(?:abra|abre|abrir|abram|fa[çc]a|faz|inicie|crie|registre|coloque)\s+(?:(?:uma|a|nenhuma|essa)\s+)?(?:reclama[çc][ãa]o|reclama[çc][õo]es|disputa|media[çc][ãa]o)\b",
        r"(?i)\b(?:feche|fecha|fechar|cancele|cancela|cancelar|retire|retira|retirar|tire)\s+(?:a|sua|essa)\s+(?:reclama[çc][ãa]o|disputa|media[çc][ãa]o)\b",
        r"(?i)\bsem\s+(?:abrir|fazer|registrar)\s+(?:uma\s+|a\s+|nenhuma\s+)?reclama[çc][ãa]o\b",
        r"(?i)\b(?:devolvo|reembolso|devolvemos|reembolsamos|pago|resolvemos)\s+(?:o\s+dinheiro\s+|o\s+valor\s+)?por\s+fora\b",
        r"(?i)\b(?:por\s+)?fora\s+(?:do\s+mercado\s*livre|da\s+plataforma)\b",
    ];
    let mut all = Vec::new();
    for (list, code) in [
        (&personal[..], PERSONAL_DATA),
        (&social[..], SOCIAL_NETWORK_LINK),
        (&paypal[..], ML_LINKS_PAYPAL),
        (&mercadopago[..], LINK_MERCADOPAGO),
        (&evasion[..], EVASION_CLAIM_SELLER),
    ] {
        for pattern in list {
            all.push((re(pattern), code));
        }
    }
    all
});

/// A link ends before the punctuation that closes its sentence.
fn trim_url(text: &str, range: Range<usize>) -> Range<usize> {
    let trimmed =
        text[range.clone()].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']);
    range.start..range.start + trimmed.len()
}

/// A run keeps its brackets only when they pair up: "(011) 4567-8901" keeps both, "(al
/// 11 2345 6789)" loses the closing one.
fn trim_phone(text: &str, range: Range<usize>) -> Range<usize> {
    let mut s = &text[range.clone()];
    let mut start = range.start;
    loop {
        let opens = s.matches('(').count();
        let closes = s.matches(')').count();
        let before = s.len();
        if closes > opens {
            s = s.strip_suffix(')').unwrap_or(s);
        } else if opens > closes {
            if let Some(rest) = s.strip_prefix('(') {
                start += 1;
                s = rest;
            }
        }
        s = s.trim_end_matches([' ', '.', '-', '\u{a0}']);
        if s.len() == before {
            break;
        }
    }
    start..start + s.len()
}

/// Shorteners Mercado Libre names (Bitly, Bl.ink, Polr, Rebrandly, T2M, TinyURL, URL Shortener
/// by Zapier, Yourls), by the hosts they serve links from.
const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "j.mp",
    "bl.ink",
    "polr.me",
    "rebrand.ly",
    "rebrandly.com",
    "t2m.io",
    "t2mio.com",
    "tinyurl.com",
    "tiny.one",
    "zpr.io",
    "yourls.org",
];

const SOCIAL_HOSTS: &[&str] = &[
    "instagram.com",
    "instagr.am",
    "facebook.com",
    "fb.com",
    "fb.me",
    "m.me",
    "tiktok.com",
    "twitter.com",
    "x.com",
    "t.me",
    "telegram.me",
    "wa.me",
    "whatsapp.com",
    "linktr.ee",
    "youtube.com",
    "youtu.be",
];

fn host_is(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// The moderation code a link would get, if any. Mercado Libre's and Mercado Pago's own pages
/// (listings, help, tracking) get none.
fn classify_url(url: &str) -> Option<&'static str> {
    let lower = url.to_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let (host, path) = rest.split_at(rest.find(['/', ':']).unwrap_or(rest.len()));
    let host = host.strip_prefix("www.").unwrap_or(host);
    if SHORTENERS.iter().any(|d| host_is(host, d))
        || host
            .split('.')
            .any(|label| label == "polr" || label == "yourls")
    {
        return Some(LINK_SHORT_URL);
    }
    if host_is(host, "mpago.la")
        || host_is(host, "mpago.li")
        || host.starts_with("link.mercadopago.")
        || (host.contains("mercadopago.")
            && ["checkout", "/link", "payment-link", "/pay", "/sec/"]
                .iter()
                .any(|p| path.contains(p)))
    {
        return Some(LINK_MERCADOPAGO);
    }
    if host_is(host, "paypal.me") || host_is(host, "paypal.com") || host_is(host, "py.pl") {
        return Some(ML_LINKS_PAYPAL);
    }
    if SOCIAL_HOSTS.iter().any(|d| host_is(host, d)) {
        return Some(SOCIAL_NETWORK_LINK);
    }
    None
}

/// Words before a number that say it is one (a phone) or is not (an order, a shipment, a
/// price, a postal code). The last one before the number wins: "celular, pedido 123…" is an
/// order. "Número" says neither: "número de envío", "mi número".
static CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?P<phone>whats\s?app|escrib[ií]me|escreva|ligue|chama|llam[aá]|marc[aá]|whats|wpp|wsp|zap|tel|tel[eé]fono|telefone|fone|cel|celular|m[oó]vil|llam[aá]me|llamar|ligar|liga|contacto|contato|fijo|fixo)|(?P<other>orden|order|pedido|venta|venda|compra|pack|paquete|pacote|env[ií]o|envio|shipment|seguimiento|rastreo|rastreio|rastreamento|tracking|gu[ií]a|c[oó]digo|factura|nota|nf|nfe|cep|cp|postal|boleta|comprobante|operaci[oó]n|opera[çc][ãa]o|transacci[oó]n|transa[çc][ãa]o|referencia|refer[eê]ncia|ref|id|publicaci[oó]n|an[uú]ncio|art[ií]culo|item|sku|mla|mlb|mlm|mlc|mco|lote|serie|s[eé]rie|modelo|cuit|cnpj|dni|rut))\b",
    )
});

/// Is this digit run a phone number, read with what surrounds it?
fn is_phone(text: &str, range: Range<usize>, site: &str) -> bool {
    let s = &text[range.clone()];
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let plus = s.starts_with('+');
    // Glued to letters or to a link, a code or an order mark: "MEL123…AR", "#2000…", "NF-e 123…".
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    if before.is_some_and(|c| c.is_alphanumeric() || "#/_@=&?-".contains(c))
        || after.is_some_and(|c| c.is_alphanumeric() || "/_@%".contains(c))
    {
        return false;
    }
    // Mercado Libre's order, pack and shipment numbers are longer than any phone (13 digits
    // with the country code at most).
    if digits > 13 {
        return false;
    }
    // A decimal part makes it an amount: "1.234.567,89".
    if text[range.end..].starts_with(',')
        && text[range.end + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    {
        return false;
    }
    let groups: Vec<usize> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    // Dates: "12.05.2025", "2025-05-12".
    if !plus && groups.len() == 3 && {
        let (a, b, c) = (groups[0], groups[1], groups[2]);
        (a <= 2 && b <= 2 && (c == 2 || c == 4)) || (a == 4 && b <= 2 && c <= 2)
    } {
        return false;
    }
    // Sizes and quantities listed one after another: "38 39 40 41 42", "2 4 6". A phone
    // written in pairs ("55 12 34 56 78") does not climb.
    if !plus && groups.len() >= 3 && groups.iter().all(|&g| g <= 2) {
        let values: Vec<u32> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|g| g.parse().ok())
            .collect();
        if digits < 10 || values.windows(2).all(|w| w[0] < w[1]) {
            return false;
        }
    }
    // Thousands separators: "1.250.000" (a phone split by dots is grouped otherwise, or longer).
    if !plus
        && digits <= 7
        && groups.len() >= 2
        && groups[0] <= 3
        && groups[1..].iter().all(|&g| g == 3)
        && s.contains('.')
    {
        return false;
    }
    // Brazil's CEP "01310-100" (five digits, a dash, three): no phone is written so.
    if !plus && groups.as_slice() == [5, 3] && s.contains('-') {
        return false;
    }
    if amount_around(text, &range) {
        return false;
    }
    let window = context_window(text, range.start);
    let context = CONTEXT
        .captures_iter(window)
        .last()
        .map(|c| c.name("phone").is_some());
    match context {
        Some(false) => false,
        Some(true) => digits >= 6,
        None => plus && digits >= 8 || digits >= min_digits(site),
    }
}

/// The words read before a number: up to 32 bytes of its own sentence.
fn context_window(text: &str, end: usize) -> &str {
    static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| re(r"[!?\n]|\.\s+\p{Lu}"));
    let start = floor_char_boundary(text, end.saturating_sub(32));
    let window = &text[start..end];
    match SENTENCE_END.find_iter(window).last() {
        // Each sentence end starts with a one-byte mark.
        Some(m) => &window[m.start() + 1..],
        None => window,
    }
}

/// The fewest digits a phone number is written with on the site, area code included where
/// sellers write it: Peru's landlines have seven ("234-5678"), the others eight or more.
fn min_digits(site: &str) -> usize {
    match site {
        "MPE" => 7,
        _ => 8,
    }
}

/// A currency sign or name before the number, or a currency word after it.
fn amount_around(text: &str, range: &Range<usize>) -> bool {
    static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:\$|€|₡|s/\.?|\b(?:ars|brl|mxn|cop|clp|pen|uyu|usd|u\$s|us\$|r\$|rd\$|bs|crc|dop|eur|pesos|reais|reales))\s*$",
        )
    });
    static AFTER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)^\s*(?:pesos|reales|reais|d[oó]lares|soles|colones|bol[ií]vares|mil\b|millones|milh[õo]es|usd|ars|brl|mxn|cop|clp|€|\$)",
        )
    });
    let start = floor_char_boundary(text, range.start.saturating_sub(8));
    BEFORE.is_match(&text[start..range.start]) || AFTER.is_match(&text[range.end..])
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
