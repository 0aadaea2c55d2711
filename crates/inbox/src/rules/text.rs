//! What Mercado Libre accepts as message text: at most 350 characters from sellers, written
//! in ISO-8859-1 (latin1) plus emoji.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Mercado Libre's limit for a seller's message (`seller_max_message_length`).
pub const SELLER_MAX_CHARS: usize = 350;

/// Characters, not bytes: "ç" or "🙂" count once. (Mercado Libre's backend may count UTF-16
/// units; the simulator and the published limit speak of characters.)
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// A variable a quick reply may hold (`{buyer_first_name}`…), which the composer fills from the
/// lead or the question. One the composer could not fill stays as written for the seller to
/// complete. Exported to the UI, whose list of variables must name exactly these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "QuickReplyVariable.ts")]
pub enum QuickReplyVariable {
    BuyerFirstName,
    OrderNumber,
    ItemTitle,
    Total,
    TrackingNumber,
    SellerNickname,
}

impl QuickReplyVariable {
    pub const ALL: [QuickReplyVariable; 6] = [
        Self::BuyerFirstName,
        Self::OrderNumber,
        Self::ItemTitle,
        Self::Total,
        Self::TrackingNumber,
        Self::SellerNickname,
    ];

    /// The name between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Self::BuyerFirstName => "buyer_first_name",
            Self::OrderNumber => "order_number",
            Self::ItemTitle => "item_title",
            Self::Total => "total",
            Self::TrackingNumber => "tracking_number",
            Self::SellerNickname => "seller_nickname",
        }
    }
}

impl std::fmt::Display for QuickReplyVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The first quick-reply variable left in the text as written (`{tracking_number}`), if any:
/// sent like that it would read as a form letter to the buyer (and, in an answer, to everyone).
pub fn unfilled_variable(text: &str) -> Option<QuickReplyVariable> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            if let Some(variable) = QuickReplyVariable::ALL
                .into_iter()
                .find(|v| v.name().eq_ignore_ascii_case(rest[..close].trim()))
            {
                return Some(variable);
            }
        }
    }
    None
}

/// The first character Mercado Libre would reject, if any.
pub fn first_unsupported_char(text: &str) -> Option<char> {
    text.chars().find(|c| !is_supported(*c))
}

fn is_supported(c: char) -> bool {
    let code = c as u32;
    // latin1 minus its control characters, keeping tab and line breaks
    matches!(c, '\t' | '\n' | '\r')
        || (0x20..=0x7E).contains(&code)
        || (0xA0..=0xFF).contains(&code)
        || is_emoji(code)
}

/// Emoji as the emoji-java list Mercado Libre cites covers them: the pictographic blocks,
/// the symbols with emoji presentation, and the joiners and modifiers that build sequences.
fn is_emoji(code: u32) -> bool {
    matches!(code,
        0x1F000..=0x1FAFF      // mahjong … symbols and pictographs extended-A (incl. flags, skin tones)
        | 0x2600..=0x27BF      // misc symbols, dingbats
        | 0x2300..=0x23FF      // ⌚ ⏰ and friends
        | 0x2B00..=0x2BFF      // ⬆ ⭐ ⭕
        | 0x2190..=0x21FF      // arrows with emoji presentation
        | 0x2934 | 0x2935 | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x24C2 | 0x25AA..=0x25FE
        | 0x200D               // zero-width joiner
        | 0x20E3               // combining keycap
        | 0xFE0E | 0xFE0F      // variation selectors
        | 0xE0020..=0xE007F    // tag characters (subdivision flags)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_left_as_written_is_found_and_other_braces_are_not() {
        assert_eq!(
            unfilled_variable("Hola {buyer_first_name}, gracias"),
            Some(QuickReplyVariable::BuyerFirstName)
        );
        assert_eq!(
            unfilled_variable("Seguimiento: { Tracking_Number }."),
            Some(QuickReplyVariable::TrackingNumber)
        );
        assert_eq!(unfilled_variable("Hola Ana, código {ABC} y {}"), None);
        assert_eq!(unfilled_variable("{ sin cerrar"), None);
        assert_eq!(
            unfilled_variable("{{total}}"),
            Some(QuickReplyVariable::Total)
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(char_count("ação"), 4);
        assert_eq!(char_count("🙂🙂"), 2);
        assert_eq!("ação".len(), 6);
    }

    #[test]
    fn latin1_text_with_accents_and_emoji_is_supported() {
        for text in [
            "Hola, ¿cómo estás? Tu envío ya salió 🚚",
            "Olá! Obrigado pela compra ❤️ ação",
        ] {
            assert_eq!(first_unsupported_char(text), None, "{text}");
        }
        assert_eq!(first_unsupported_char("👍🏽 ok"), None, "skin tone modifier");
        assert_eq!(first_unsupported_char("🇦🇷"), None, "flag");
        assert_eq!(first_unsupported_char("1️⃣"), None, "keycap");
        assert_eq!(first_unsupported_char("línea 1\nlínea 2\ttab"), None);
    }

    #[test]
    fn characters_outside_latin1_and_emoji_are_found() {
        assert_eq!(first_unsupported_char("price — 10"), Some('—'));
        assert_eq!(first_unsupported_char("€ 10"), Some('€'));
        assert_eq!(first_unsupported_char("привет"), Some('п'));
        assert_eq!(first_unsupported_char("你好"), Some('你'));
        assert_eq!(first_unsupported_char("bell\u{7}"), Some('\u{7}'));
        assert_eq!(first_unsupported_char("nul\u{0}"), Some('\u{0}'));
    }
}
