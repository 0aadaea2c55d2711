//! Types that cross the IPC boundary. ts-rs generates their TypeScript twins into
//! `ui/src/lib/ipc/` when this crate's tests run; `cargo xtask test` fails if the committed
//! files drift from these definitions.

mod board;
mod chat;
mod codes;
mod connect;
mod guide;
mod health;
mod questions;
mod quick_replies;
mod search;
mod send;
mod settings;
mod startup;

pub use board::{
    AccountDto, BoardFilter, CardOrder, ChatReadFailure, ColumnPage, LeadCard, LeadSummary,
    MoneyDto, OrderLine, ShipmentDto, StageCount, Stats,
};
pub use chat::{AttachmentDto, ConversationPage, MessageDto, Moderation, OutboxItem, OutboxState};
pub use codes::{FilePathRefusal, MeliErrorCode};
pub use connect::{
    CheckedForm, ConnectForm, ConnectProgress, FormProblem, KnownApplication, RedirectRule,
    SiteOption,
};
pub use guide::{guide_options, GuideKind, GuideOptionDto, GuideTemplateDto};
pub use health::{
    BlockedGroup, BudgetHealth, ClosingChat, EngineHealth, ImportHealth, MessagesAccess,
    SyncHealth, TokenHealth,
};
pub use questions::{
    AnswerDto, AnswerOutboxDto, AnswerTimes, ListingDto, MeliResponseTime, QuestionDetail,
    QuestionDto, QuestionFilter, QuestionGroup, QuestionStats, QuestionStatusFilter, QuestionsPage,
};
pub use quick_replies::{QuickReplyDto, QuickReplyInput};
pub use search::{SearchHit, SearchHitKind, SearchResults, MARK_END, MARK_START};
pub use send::{DraftDto, DraftFileDto, Queued, SendCheck};
pub use settings::{LanguageChoice, Settings, ThemeChoice};
pub use startup::{FirstScreen, StartupProblem, StartupReport};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::pipeline::SystemStage;

/// An error as the UI receives it: `code` is stable and selects the translated sentence;
/// `message` is the English text for logs; `details` carries values the sentence needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ErrorPayload.ts")]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    #[ts(type = "Record<string, string> | null")]
    pub details: Option<serde_json::Value>,
}

/// When the page reached each step of its first paint, in milliseconds since the Unix epoch by
/// the page's clock (`performance.timeOrigin + performance.now()`): the shell logs them
/// against its own start, so a slow start shows where it went.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "PageMarks.ts")]
pub struct PageMarks {
    /// The page began to load (the web process was up).
    pub page_at: f64,
    /// The UI's script began to run (the bundle loaded and parsed).
    pub script_at: f64,
    /// The board's data and the app's state had arrived.
    pub data_at: f64,
}

/// What the app tells the UI about itself at start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AppInfo.ts")]
pub struct AppInfo {
    pub version: String,
    /// Running against the built-in simulator with a demo seller.
    pub demo: bool,
    /// Whether secrets go to the OS keychain; when false they last for this run only and the UI
    /// says so before a seller connects an account.
    pub secrets_persistent: bool,
    /// The application the last connection used, to fill the connect form again.
    pub known_application: Option<KnownApplication>,
    /// The Mercado Libre-compatible server chosen at launch (`--api-base`), when not Mercado
    /// Libre itself.
    pub api_base: Option<String>,
    /// The program that opens Mercado Libre's pages, when one was chosen at launch
    /// (`--browser`); `None`: the system's browser.
    pub browser: Option<String>,
}

/// One column of the board, with its first page of leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "StageColumn.ts")]
pub struct StageColumn {
    /// `system:<stage>` for Mercado Libre's stages, `custom:<id>` for the seller's own.
    pub key: String,
    /// Set for system stages; the UI translates their names.
    pub system: Option<SystemStage>,
    /// The seller's name for a custom stage.
    pub name: Option<String>,
    pub lead_count: u32,
    /// Most recent activity first.
    pub leads: Vec<LeadSummary>,
    /// Pass to the column page query for the next leads; `null` at the end.
    pub next_cursor: Option<String>,
}

/// The sync engine's state, as the header's indicator shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export, export_to = "SyncStatus.ts")]
pub enum SyncStatus {
    /// No account is connected yet.
    NoAccount,
    Online {
        #[ts(type = "string")]
        last_sync: String,
    },
    Syncing {
        done: u32,
        total: u32,
    },
    Offline {
        #[ts(type = "string")]
        since: String,
    },
    AuthExpired {
        account: String,
    },
    /// Mercado Libre does not let the application read messages for this account: the
    /// seller gives it the Messages permission in the developer center, then retries.
    MessagesRefused {
        account: String,
    },
}

/// Builds the board's columns: the system stages in their fixed order, with no leads yet.
pub fn empty_board() -> Vec<StageColumn> {
    SystemStage::ALL
        .into_iter()
        .map(|stage| StageColumn {
            key: format!(
                "system:{}",
                serde_json::to_value(stage)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            system: Some(stage),
            name: None,
            lead_count: 0,
            leads: Vec::new(),
            next_cursor: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_lists_system_stages_in_order() {
        let keys: Vec<_> = empty_board().into_iter().map(|c| c.key).collect();
        assert_eq!(
            keys,
            [
                "system:payment_required",
                "system:payment_in_process",
                "system:paid",
                "system:canceled",
                "system:invalid"
            ]
        );
    }

    #[test]
    fn sync_status_is_tagged_for_the_ui() {
        let json = serde_json::to_value(SyncStatus::Syncing { done: 3, total: 10 }).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"state": "syncing", "done": 3, "total": 10})
        );
    }
}
