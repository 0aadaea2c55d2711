//! The chat pane: messages, attachments and drafts waiting in the outbox.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "Moderation.ts")]
pub struct Moderation {
    pub status: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AttachmentDto.ts")]
pub struct AttachmentDto {
    #[ts(type = "number")]
    pub id: i64,
    /// The name the sender gave the file; shown as text only.
    pub original_name: Option<String>,
    pub mime: Option<String>,
    #[ts(type = "number | null")]
    pub size: Option<i64>,
    /// The file is in the app's cache and can be opened.
    pub downloaded: bool,
    /// Where the cached copy is, once downloaded (images show from it as thumbnails).
    pub path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "MessageDto.ts")]
pub struct MessageDto {
    /// Mercado Libre's message id.
    pub id: String,
    pub from_buyer: bool,
    pub text: String,
    pub created_at: String,
    /// A buyer's message the seller has read (here or on Mercado Libre); a seller's message
    /// the buyer has read.
    pub read: bool,
    /// `available`, `moderated`, `rejected`, … as Mercado Libre sent it, lower case.
    pub status: String,
    pub moderation: Option<Moderation>,
    pub attachments: Vec<AttachmentDto>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "OutboxState.ts")]
pub enum OutboxState {
    /// Saved, waiting to go out (offline, or queued behind another send).
    Pending,
    Uploading,
    Sending,
    Sent,
    /// Mercado Libre refused it or a rule no longer allows it; `reason` says why.
    Failed,
    /// The request may or may not have arrived: the conversation is read again a few times
    /// to find it. Never posted again by itself.
    Ambiguous,
    /// Mercado Libre never showed it, after every read: the seller checks the chat on Mercado
    /// Libre and sends it again or discards it. Nothing happens to it by itself.
    NotConfirmed,
}

impl OutboxState {
    pub fn key(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Uploading => "uploading",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Ambiguous => "ambiguous",
            OutboxState::NotConfirmed => "not_confirmed",
        }
    }

    pub fn from_key(key: &str) -> Option<OutboxState> {
        [
            OutboxState::Pending,
            OutboxState::Uploading,
            OutboxState::Sending,
            OutboxState::Sent,
            OutboxState::Failed,
            OutboxState::Ambiguous,
            OutboxState::NotConfirmed,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// A draft in the outbox, shown in the chat after the messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "OutboxItem.ts")]
pub struct OutboxItem {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub lead_id: i64,
    pub text: String,
    /// The names of the files it carries.
    pub files: Vec<String>,
    pub state: OutboxState,
    pub reason: Option<String>,
    pub created_at: String,
    /// The reason to communicate it goes through, when it starts the conversation that way
    /// (a template's draft has no text of its own).
    pub guide_option_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ConversationPage.ts")]
pub struct ConversationPage {
    /// Oldest first, as the chat shows them.
    pub messages: Vec<MessageDto>,
    /// Pass back for the 50 messages before these; `null` at the start of the conversation.
    pub older_cursor: Option<String>,
    /// Drafts not yet sent (or failed), oldest first.
    pub outbox: Vec<OutboxItem>,
}
