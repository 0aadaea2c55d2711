//! Quick replies as the composer's picker and Settings see them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A saved answer. `body` may hold variables the composer fills from the lead or question:
/// `{buyer_first_name}`, `{order_number}`, `{item_title}`, `{total}`, `{tracking_number}`,
/// `{seller_nickname}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuickReplyDto.ts")]
pub struct QuickReplyDto {
    #[ts(type = "number")]
    pub id: i64,
    /// `null`: offered for every account.
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
    /// "es" or "pt".
    pub language: String,
    pub title: String,
    pub body: String,
}

/// A reply to add (`id` null) or to change; also one entry of an exported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuickReplyInput.ts")]
pub struct QuickReplyInput {
    #[serde(default)]
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
    pub language: String,
    pub title: String,
    pub body: String,
}

impl From<QuickReplyDto> for QuickReplyInput {
    fn from(reply: QuickReplyDto) -> Self {
        QuickReplyInput {
            id: Some(reply.id),
            account_id: reply.account_id,
            language: reply.language,
            title: reply.title,
            body: reply.body,
        }
    }
}
