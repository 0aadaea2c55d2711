//! What a desktop notification says about a buyer's message or a question. Everything in it
//! but our own words comes from buyers or listings, so every part goes through
//! [`notification_text`]: some Linux notification servers render a subset of HTML.

use crate::events::{BuyerMessageNote, QuestionNote};
use crate::ipc::LanguageChoice;
use crate::untrusted::notification_text;

/// A notification's two lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub title: String,
    pub body: String,
}

/// The language notifications speak: the seller's choice, or the system's (a locale such as
/// `es_AR.UTF-8` or `pt-BR`) when they chose to follow it.
fn speaks(choice: LanguageChoice, system_locale: Option<&str>) -> LanguageChoice {
    match choice {
        LanguageChoice::System => {
            let locale = system_locale.unwrap_or_default().to_lowercase();
            if locale.starts_with("es") {
                LanguageChoice::Spanish
            } else if locale.starts_with("pt") {
                LanguageChoice::Portuguese
            } else {
                LanguageChoice::English
            }
        }
        chosen => chosen,
    }
}

/// A new buyer message; for a lead with an armed draft, that the answer can go now.
pub fn buyer_message(
    note: &BuyerMessageNote,
    language: LanguageChoice,
    system_locale: Option<&str>,
) -> Notification {
    let lead = notification_text(&note.lead_name);
    let title = if note.armed {
        match speaks(language, system_locale) {
            LanguageChoice::Spanish => format!("Tu respuesta a #{lead} ya puede salir"),
            LanguageChoice::Portuguese => format!("Sua resposta para #{lead} já pode ir"),
            _ => format!("Your answer to #{lead} can go now"),
        }
    } else {
        match &note.buyer {
            Some(buyer) => format!("{} · {lead}", notification_text(buyer)),
            None => lead,
        }
    };
    Notification {
        title,
        body: notification_text(&note.excerpt),
    }
}

/// A new question on a listing.
pub fn question(note: &QuestionNote) -> Notification {
    Notification {
        title: format!("? {}", notification_text(&note.listing)),
        body: notification_text(&note.excerpt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(buyer: &str, excerpt: &str, armed: bool) -> BuyerMessageNote {
        BuyerMessageNote {
            lead_id: 1,
            lead_name: "2000009000000371".into(),
            buyer: Some(buyer.into()),
            excerpt: excerpt.into(),
            armed,
        }
    }

    #[test]
    fn buyer_markup_reaches_the_notification_as_text() {
        let shown = buyer_message(
            &note(
                "<b>Ana</b>\u{202E}",
                "<a href=\"x\">clic</a> & listo",
                false,
            ),
            LanguageChoice::English,
            None,
        );
        assert_eq!(shown.title, "&lt;b&gt;Ana&lt;/b&gt; · 2000009000000371");
        assert_eq!(shown.body, "&lt;a href=\"x\"&gt;clic&lt;/a&gt; &amp; listo");
        let asked = question(&QuestionNote {
            question_id: 1,
            account_id: 1,
            listing: "Mate <i>x</i>".into(),
            excerpt: "¿<script>?".into(),
        });
        assert_eq!(asked.title, "? Mate &lt;i&gt;x&lt;/i&gt;");
        assert_eq!(asked.body, "¿&lt;script&gt;?");
    }

    #[test]
    fn the_armed_answer_is_announced_in_the_sellers_language() {
        let armed = note("Ana", "Dale", true);
        let title = |choice, system| buyer_message(&armed, choice, system).title;
        assert_eq!(
            title(LanguageChoice::Spanish, None),
            "Tu respuesta a #2000009000000371 ya puede salir"
        );
        assert_eq!(
            title(LanguageChoice::System, Some("pt_BR.UTF-8")),
            "Sua resposta para #2000009000000371 já pode ir"
        );
        assert_eq!(
            title(LanguageChoice::System, Some("de_DE.UTF-8")),
            "Your answer to #2000009000000371 can go now"
        );
        assert_eq!(
            title(LanguageChoice::English, Some("es_AR.UTF-8")),
            "Your answer to #2000009000000371 can go now"
        );
    }
}
