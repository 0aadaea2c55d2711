//! The seller's preferences, as the settings view edits them and the shell stores them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "LanguageChoice.ts")]
pub enum LanguageChoice {
    /// Follow the operating system's language.
    #[serde(rename = "system")]
    System,
    #[serde(rename = "es")]
    Spanish,
    #[serde(rename = "pt-BR")]
    Portuguese,
    #[serde(rename = "en")]
    English,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "ThemeChoice.ts")]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

/// Every field has a default, so a settings file from an older version (or a damaged one) still
/// loads: what is missing or unreadable falls back instead of failing the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, export_to = "Settings.ts")]
pub struct Settings {
    pub language: LanguageChoice,
    pub theme: ThemeChoice,
    /// How often the sync engine polls Mercado Libre.
    pub poll_seconds: u32,
    /// How far back the first import of an account reads.
    pub history_days: u32,
    /// Desktop notifications for buyer messages while the window is in the background.
    pub notifications: bool,
    /// The lead pane's share of the window's width beside the board, in thousandths (the
    /// seller drags the divider; a share keeps it right when the window changes size).
    pub lead_pane_permille: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: LanguageChoice::System,
            theme: ThemeChoice::System,
            poll_seconds: 30,
            history_days: 90,
            notifications: true,
            lead_pane_permille: 500,
        }
    }
}

impl Settings {
    pub const POLL_SECONDS: std::ops::RangeInclusive<u32> = 15..=3_600;
    /// Mercado Libre keeps orders for 12 months; a longer window would only cost requests.
    pub const HISTORY_DAYS: std::ops::RangeInclusive<u32> = 1..=365;
    /// Narrower, the chat wraps every few words; wider, the board shows no column.
    pub const LEAD_PANE_PERMILLE: std::ops::RangeInclusive<u32> = 300..=750;

    /// Brings numbers from an edited or damaged file back into the ranges the engine supports.
    pub fn sanitized(mut self) -> Settings {
        self.poll_seconds = self
            .poll_seconds
            .clamp(*Self::POLL_SECONDS.start(), *Self::POLL_SECONDS.end());
        self.history_days = self
            .history_days
            .clamp(*Self::HISTORY_DAYS.start(), *Self::HISTORY_DAYS.end());
        self.lead_pane_permille = self.lead_pane_permille.clamp(
            *Self::LEAD_PANE_PERMILLE.start(),
            *Self::LEAD_PANE_PERMILLE.end(),
        );
        self
    }

    /// Reads stored settings leniently: unknown fields are ignored, bad values fall back.
    pub fn from_stored(value: serde_json::Value) -> Settings {
        match serde_json::from_value::<Settings>(value.clone()) {
            Ok(settings) => settings.sanitized(),
            Err(err) => {
                tracing::warn!(%err, "stored settings unreadable; keeping what can be read");
                let mut settings = Settings::default();
                let field = |name: &str| value.get(name).cloned();
                if let Some(v) = field("language").and_then(|v| serde_json::from_value(v).ok()) {
                    settings.language = v;
                }
                if let Some(v) = field("theme").and_then(|v| serde_json::from_value(v).ok()) {
                    settings.theme = v;
                }
                if let Some(v) = field("pollSeconds").and_then(|v| v.as_u64()) {
                    settings.poll_seconds = u32::try_from(v).unwrap_or(u32::MAX);
                }
                if let Some(v) = field("historyDays").and_then(|v| v.as_u64()) {
                    settings.history_days = u32::try_from(v).unwrap_or(u32::MAX);
                }
                if let Some(v) = field("notifications").and_then(|v| v.as_bool()) {
                    settings.notifications = v;
                }
                if let Some(v) = field("leadPanePermille").and_then(|v| v.as_u64()) {
                    settings.lead_pane_permille = u32::try_from(v).unwrap_or(u32::MAX);
                }
                settings.sanitized()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_follow_the_system_and_poll_every_30_seconds() {
        let s = Settings::default();
        assert_eq!(s.language, LanguageChoice::System);
        assert_eq!(s.poll_seconds, 30);
        assert_eq!(s.history_days, 90);
        assert!(s.notifications);
    }

    #[test]
    fn serializes_as_the_ui_expects() {
        let json = serde_json::to_value(Settings {
            language: LanguageChoice::Portuguese,
            theme: ThemeChoice::Dark,
            ..Settings::default()
        })
        .expect("json");
        assert_eq!(
            json,
            json!({"language": "pt-BR", "theme": "dark", "pollSeconds": 30, "historyDays": 90, "notifications": true, "leadPanePermille": 500})
        );
    }

    #[test]
    fn missing_fields_take_defaults_and_numbers_are_clamped() {
        let s = Settings::from_stored(
            json!({"language": "es", "pollSeconds": 1, "historyDays": 9999, "leadPanePermille": 990}),
        );
        assert_eq!(s.language, LanguageChoice::Spanish);
        assert_eq!(s.theme, ThemeChoice::System);
        assert_eq!(s.poll_seconds, 15);
        assert_eq!(s.history_days, 365);
        assert_eq!(s.lead_pane_permille, 750);
        assert_eq!(Settings::from_stored(json!({})).lead_pane_permille, 500);
    }

    #[test]
    fn a_damaged_field_does_not_lose_the_others() {
        let s = Settings::from_stored(
            json!({"language": "klingon", "theme": "dark", "pollSeconds": "often", "notifications": false, "leadPanePermille": 100}),
        );
        assert_eq!(s.lead_pane_permille, 300);
        assert_eq!(s.language, LanguageChoice::System);
        assert_eq!(s.theme, ThemeChoice::Dark);
        assert_eq!(s.poll_seconds, 30);
        assert!(!s.notifications);
    }

    #[test]
    fn not_an_object_at_all_gives_defaults() {
        assert_eq!(Settings::from_stored(json!("garbage")), Settings::default());
    }
}
