//! Pre-sale questions as the Questions view sees them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which questions the view lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "QuestionStatusFilter.ts")]
pub enum QuestionStatusFilter {
    /// Waiting for the seller's answer (the default).
    #[default]
    Unanswered,
    Answered,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuestionFilter.ts")]
pub struct QuestionFilter {
    #[serde(default)]
    pub status: QuestionStatusFilter,
    /// Only this listing.
    #[serde(default)]
    pub item_id: Option<String>,
    /// Only this account.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
}

/// A listing questions were asked on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ListingDto.ts")]
pub struct ListingDto {
    pub item_id: String,
    pub title: Option<String>,
    /// The listing's picture in the local cache (a file path, shown through the asset
    /// protocol), `null` until downloaded or when it has none: never a remote address.
    pub picture: Option<String>,
    pub permalink: Option<String>,
    /// `active`, `closed`, … as Mercado Libre says.
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AnswerDto.ts")]
pub struct AnswerDto {
    /// Empty when Mercado Libre banned it and the cache never had it.
    pub text: String,
    /// `active`, `banned`, `disabled` (lower case).
    pub status: String,
    pub at: Option<String>,
}

/// Where the seller's answer stands on its way to Mercado Libre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AnswerOutboxDto.ts")]
pub struct AnswerOutboxDto {
    #[ts(type = "number")]
    pub id: i64,
    pub text: String,
    /// `pending`, `sending`, `sent`, `failed`, `ambiguous`.
    pub state: String,
    /// A stable code when it failed.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuestionDto.ts")]
pub struct QuestionDto {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    pub item_id: String,
    #[ts(type = "number")]
    pub buyer_id: i64,
    /// The buyer's nickname or name when the cache knows it.
    pub buyer: Option<String>,
    /// The buyer's first name when the cache knows it (from `/users/{id}` or a sale of
    /// theirs): what `{buyer_first_name}` fills with.
    pub buyer_first_name: Option<String>,
    /// Mercado Libre's status in lower case: `unanswered`, `answered`, `banned`, `deleted`,
    /// `closed_unanswered`, `under_review`, `disabled`, or an unknown one as sent.
    pub status: String,
    /// Empty when Mercado Libre banned it and the cache never had it.
    pub text: String,
    pub asked_at: Option<String>,
    pub hold: bool,
    /// Unanswered, not on hold, and no answer of ours on its way.
    pub answerable: bool,
    pub answer: Option<AnswerDto>,
    /// The lead of this buyer's purchase of this listing.
    #[ts(type = "number | null")]
    pub lead_id: Option<i64>,
    /// The seller opened it in the app.
    pub seen: bool,
    /// Our latest answer on its way (or refused), if any.
    pub outbox: Option<AnswerOutboxDto>,
}

/// A listing with its questions in the view's filter, the longest-waiting first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuestionGroup.ts")]
pub struct QuestionGroup {
    pub listing: ListingDto,
    pub questions: Vec<QuestionDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuestionsPage.ts")]
pub struct QuestionsPage {
    pub groups: Vec<QuestionGroup>,
    /// Unanswered questions (all accounts, or the filter's).
    pub unanswered: u32,
    /// Unanswered questions the seller has not opened: the header's count.
    pub unread: u32,
    /// Listings that have questions, for the listing filter.
    pub listings: Vec<ListingDto>,
}

/// One question opened: the buyer's other questions on that listing and the listing's earlier
/// answered questions, for reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuestionDetail.ts")]
pub struct QuestionDetail {
    pub question: QuestionDto,
    pub listing: ListingDto,
    pub same_buyer: Vec<QuestionDto>,
    pub earlier_answered: Vec<QuestionDto>,
}

/// Mercado Libre's response-time bands, in minutes (`None` where it has no figure).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "MeliResponseTime.ts")]
pub struct MeliResponseTime {
    pub total: Option<f64>,
    pub weekdays_working_hours: Option<f64>,
    pub weekdays_extra_hours: Option<f64>,
    pub weekend: Option<f64>,
    /// The largest `sales_percent_increase` Mercado Libre promises for answering faster.
    pub sales_percent_increase: Option<f64>,
}

/// Mostrador's own measure from the cache, over a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AnswerTimes.ts")]
pub struct AnswerTimes {
    pub days: u32,
    pub asked: u32,
    pub answered: u32,
    /// Median minutes to the answer, of those answered.
    pub median_minutes: Option<f64>,
    /// Share (0–1) answered within an hour, of those asked.
    pub within_hour: Option<f64>,
    /// Median minutes by the hour of day (local to the machine, 0–23) the question came in.
    pub median_by_hour: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuestionStats.ts")]
pub struct QuestionStats {
    /// From `/users/{id}/questions/response_time`; `None` when Mercado Libre has none or the
    /// account could not be asked.
    pub meli: Option<MeliResponseTime>,
    pub last7: AnswerTimes,
    pub last30: AnswerTimes,
}
