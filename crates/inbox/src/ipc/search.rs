//! Search results.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Starts a highlighted match in [`SearchHit::snippet`]. Control characters that Mercado
/// Libre's text cannot contain (the store strips them), so the UI can HTML-escape the snippet
/// first and then turn these markers into `<mark>` and `</mark>` safely.
pub const MARK_START: char = '\u{2}';
/// Ends a highlighted match; see [`MARK_START`].
pub const MARK_END: char = '\u{3}';

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "SearchHitKind.ts")]
pub enum SearchHitKind {
    /// The buyer's name or nickname, an order or pack number, or an item title matched.
    Lead,
    /// A message's text matched.
    Message,
    /// A pre-sale question or its answer matched.
    Question,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SearchHit.ts")]
pub struct SearchHit {
    pub kind: SearchHitKind,
    #[ts(type = "number")]
    pub lead_id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    pub lead_name: String,
    pub buyer: Option<String>,
    /// Set for message hits.
    pub message_id: Option<String>,
    /// Set for question hits; `lead_id` is then the buyer's lead of that listing, or 0.
    #[ts(type = "number | null")]
    pub question_id: Option<i64>,
    /// Text around the match, the matches between U+0002 and U+0003.
    pub snippet: String,
    /// The message's time, or the lead's sale date.
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "SearchResults.ts")]
pub struct SearchResults {
    /// Leads whose buyer, numbers or items match, newest sale first (first page only).
    pub leads: Vec<SearchHit>,
    /// Messages, newest first.
    pub messages: Vec<SearchHit>,
    /// Pre-sale questions and their answers, newest first (first page only).
    pub questions: Vec<SearchHit>,
    /// Pass back for older message hits; `null` when there are no more.
    pub next_cursor: Option<String>,
}
