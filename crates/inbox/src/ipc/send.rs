//! A draft from the composer, and what the rules say about it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::OutboxItem;
use crate::lint::Finding;
use crate::rules::{GuideChoice, HeldBack, Refusal};

/// A file the seller attached: where it is on disk (from the file picker or a drop) and
/// the name the buyer will see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "DraftFileDto.ts")]
pub struct DraftFileDto {
    pub path: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "DraftDto.ts")]
pub struct DraftDto {
    pub text: String,
    pub files: Vec<DraftFileDto>,
    /// A reason to communicate, when the seller starts the conversation.
    pub guide: Option<GuideChoice>,
}

/// The answer the composer shows before Send is enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SendCheck.ts")]
pub struct SendCheck {
    /// `null` when the draft may go.
    pub refusal: Option<Refusal>,
    /// The text may go but the files stay in the draft, for this reason.
    pub held_back: Option<HeldBack>,
    /// What in the text Mercado Libre would likely moderate ([`crate::lint::check`]): a
    /// warning, not a refusal. The composer underlines each and asks before sending.
    pub findings: Vec<Finding>,
}

/// The draft is in the outbox; `heldBack` says the files stayed in the composer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Queued.ts")]
pub struct Queued {
    pub item: OutboxItem,
    pub held_back: Option<HeldBack>,
}
