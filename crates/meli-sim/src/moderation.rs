//! What Mercado Libre checks in a message's text: its length and alphabet (latin1 plus emoji for
//! sellers), and contact data or shortened links, which get a message moderated.

use crate::model::Moderation;

pub const SELLER_MAX_CHARS: usize = 350;
pub const BUYER_MAX_CHARS: usize = 3_500;

const SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "t.co",
    "ow.ly",
    "is.gd",
    "cutt.ly",
    "rebrand.ly",
    "shorturl.at",
    "buff.ly",
    "tiny.cc",
    "rb.gy",
];

pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// The first character a seller may not send: neither ISO-8859-1 nor an emoji.
pub fn unsupported_char(text: &str) -> Option<char> {
    text.chars().find(|&c| u32::from(c) > 0xFF && !is_emoji(c))
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c),
        0x1F000..=0x1FAFF   // pictographs, emoticons, transport, symbols, flags
        | 0x2600..=0x27BF   // miscellaneous symbols and dingbats
        | 0x2190..=0x21FF   // arrows used as emoji
        | 0x2B00..=0x2BFF   // stars, squares
        | 0x2300..=0x23FF   // watch, hourglass
        | 0x200D            // zero-width joiner of composed emoji
        | 0xFE0F            // emoji presentation selector
        | 0x20E3            // keycap
        | 0x3030 | 0x303D | 0x3297 | 0x3299)
}

/// Moderation of a text, with the documented reason when it is rejected.
pub fn moderate(text: &str) -> Moderation {
    if has_short_link(text) {
        Moderation::Rejected("link_short_url")
    } else if has_email(text) || has_phone(text) {
        Moderation::Rejected("personal_data")
    } else {
        Moderation::Clean
    }
}

fn has_short_link(text: &str) -> bool {
    let lower = text.to_lowercase();
    SHORTENERS.iter().any(|domain| {
        lower.match_indices(domain).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + domain.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric() && c != '.')
                && after.is_none_or(|c| c == '/' || c.is_whitespace() || c == '"')
        })
    })
}

fn has_email(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .any(|word| {
            let Some((user, domain)) = word.split_once('@') else {
                return false;
            };
            !user.is_empty()
                && user
                    .chars()
                    .all(|c| c.is_alphanumeric() || "._%+-".contains(c))
                && domain
                    .trim_end_matches(['.', ',', ';', ')'])
                    .split_once('.')
                    .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2)
        })
}

/// 8 to 13 digits in a row, allowing the separators people type in phone numbers. Longer runs
/// are order or tracking numbers and pass.
fn has_phone(text: &str) -> bool {
    let mut digits = 0;
    let mut in_run = false;
    let check = |digits: usize| (8..=13).contains(&digits);
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            in_run = true;
        } else if in_run && matches!(c, ' ' | '-' | '.' | '(' | ')' | '+') {
            continue;
        } else {
            if check(digits) {
                return true;
            }
            digits = 0;
            in_run = false;
        }
        if c == '+' {
            in_run = true;
        }
    }
    check(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_data_and_short_links_are_moderated() {
        assert_eq!(
            moderate("Llamame al 11 4555-1234"),
            Moderation::Rejected("personal_data")
        );
        assert_eq!(
            moderate("escribime a ana.perez@gmail.com"),
            Moderation::Rejected("personal_data")
        );
        assert_eq!(
            moderate("mirá https://bit.ly/abc"),
            Moderation::Rejected("link_short_url")
        );
        assert_eq!(
            moderate("Tu pedido 2000009000000001 sale hoy"),
            Moderation::Clean
        );
        assert_eq!(
            moderate("Son 2 unidades, llegan en 48 h"),
            Moderation::Clean
        );
        assert_eq!(moderate("habit.lyrics"), Moderation::Clean);
    }

    #[test]
    fn sellers_may_use_latin1_and_emoji_only() {
        assert_eq!(unsupported_char("¡Hola! Ñandú, ação 😊👍🏽"), None);
        assert_eq!(unsupported_char("price €5"), Some('€'));
        assert_eq!(unsupported_char("你好"), Some('你'));
    }
}
