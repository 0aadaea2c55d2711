//! The sync health view: one account's engine, tokens, request budget, chats that fail to
//! read and conversations Mercado Libre blocked.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ChatReadFailure;

/// One account's sync, as the health panel shows it. Times are RFC 3339 (UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SyncHealth.ts")]
pub struct SyncHealth {
    #[ts(type = "number")]
    pub account_id: i64,
    pub nickname: Option<String>,
    /// `MLA`, `MLB`, …
    pub site_id: String,
    pub engine: EngineHealth,
    /// The end of the last pass that went well (this run).
    pub last_success: Option<String>,
    /// When the engine runs its next pass; `null` while one runs or when it is stopped.
    pub next_poll: Option<String>,
    pub import: ImportHealth,
    /// `null`: the engine is not running, so the tokens are not at hand.
    pub token: Option<TokenHealth>,
    /// The application's budget (shared by every account); `null` when the engine is stopped.
    pub budget: Option<BudgetHealth>,
    pub messages: MessagesAccess,
    pub failing_chats: Vec<ChatReadFailure>,
    /// Blocked conversations by Mercado Libre's substatus, the largest group first.
    pub blocked: Vec<BlockedGroup>,
    /// The `blocked_by_time` conversations with the date each closes, soonest first.
    pub closing: Vec<ClosingChat>,
}

/// What the account's engine is doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export, export_to = "EngineHealth.ts")]
pub enum EngineHealth {
    /// Not running (disconnected, or not resumed this run).
    Stopped,
    Starting,
    Syncing {
        done: u32,
        total: u32,
    },
    Online,
    Offline {
        since: String,
    },
    MessagesRefused,
    AuthExpired,
}

/// Whether the first import finished, and how far the running one is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ImportHealth.ts")]
pub struct ImportHealth {
    pub finished: bool,
    /// Steps done and in all (pages of orders, then chats) while it runs; 0 of 0 otherwise.
    pub done: u32,
    pub total: u32,
}

/// The access token's times; never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "TokenHealth.ts")]
pub struct TokenHealth {
    pub expires_at: String,
    /// When this run last refreshed it; `null`: not yet.
    pub last_refresh: Option<String>,
}

/// Requests of the last minute against the application's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "BudgetHealth.ts")]
pub struct BudgetHealth {
    pub reads_last_minute: u32,
    pub reads_per_minute: u32,
    pub writes_last_minute: u32,
    pub writes_per_minute: u32,
}

/// Whether Mercado Libre lets the application read this seller's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "MessagesAccess.ts")]
pub enum MessagesAccess {
    Allowed,
    /// Every messaging call of the last pass was refused (the Messages permission).
    Refused,
    /// No pass finished yet this run.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "BlockedGroup.ts")]
pub struct BlockedGroup {
    /// Mercado Libre's substatus (`blocked_by_time`, `blocked_by_mediation`, …); `null` when
    /// it gave none.
    pub substatus: Option<String>,
    pub count: u32,
}

/// A conversation Mercado Libre blocked for time: it closes 30 days after its last message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ClosingChat.ts")]
pub struct ClosingChat {
    #[ts(type = "number")]
    pub lead_id: i64,
    /// The pack or order number.
    pub name: String,
    pub buyer: Option<String>,
    pub last_message_at: Option<String>,
    pub closes_at: String,
    /// Closes within three days (or already closed): listed first, marked.
    pub closes_soon: bool,
}
