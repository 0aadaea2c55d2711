//! Pre-sale questions (api_version=4): `GET /questions/search`, `GET /questions/{id}`,
//! `POST /answers`, the seller's questions blacklist and the response-time metric
//! (meli-api-questions-claims.md §1).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::de;
use super::macros::{raw_record, tolerant_enum};
use super::{IdRef, Paging, UserId};

pub type QuestionId = i64;

tolerant_enum! {
    /// A question's status (§1.4). The API spells them in upper case.
    pub enum QuestionStatus {
        Unanswered = "UNANSWERED",
        Answered = "ANSWERED",
        ClosedUnanswered = "CLOSED_UNANSWERED",
        UnderReview = "UNDER_REVIEW",
        Banned = "BANNED",
        Deleted = "DELETED",
        Disabled = "DISABLED",
    }
}

impl QuestionStatus {
    /// Every documented status, in the order of `available_filters`.
    pub const ALL: [QuestionStatus; 7] = [
        QuestionStatus::Answered,
        QuestionStatus::Banned,
        QuestionStatus::ClosedUnanswered,
        QuestionStatus::Deleted,
        QuestionStatus::Disabled,
        QuestionStatus::Unanswered,
        QuestionStatus::UnderReview,
    ];
}

tolerant_enum! {
    /// An answer's status: `ACTIVE`, `DISABLED`, or `BANNED` (then its text is empty).
    pub enum AnswerStatus {
        Active = "ACTIVE",
        Disabled = "DISABLED",
        Banned = "BANNED",
    }
}

raw_record! {
    /// One question, as `/questions/search`, `GET /questions/{id}` and `POST /answers` return it.
    pub struct Question {
        #[serde(deserialize_with = "de::id")]
        pub id: QuestionId,
        #[serde(default, deserialize_with = "de::opt_id")]
        pub seller_id: Option<UserId>,
        /// Only in `GET /questions/{id}`; `from.id` elsewhere.
        #[serde(default, deserialize_with = "de::opt_id")]
        pub buyer_id: Option<UserId>,
        /// `MLA903218023`.
        #[serde(default, deserialize_with = "de::opt_string")]
        pub item_id: Option<String>,
        #[serde(default)]
        pub status: Option<QuestionStatus>,
        /// Empty when the question is banned ("We return empty text in questions and answers with
        /// status: BANNED").
        #[serde(default, deserialize_with = "text")]
        pub text: String,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub date_created: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub last_updated: Option<DateTime<Utc>>,
        /// On hold: it cannot be answered yet.
        #[serde(default, deserialize_with = "de::opt_bool")]
        pub hold: Option<bool>,
        #[serde(default, deserialize_with = "de::opt_bool")]
        pub deleted_from_listing: Option<bool>,
        #[serde(default, deserialize_with = "de::opt_bool")]
        pub suspected_spam: Option<bool>,
        #[serde(default, deserialize_with = "de::opt_id")]
        pub app_id: Option<i64>,
        #[serde(default)]
        pub answer: Option<Answer>,
        #[serde(default)]
        pub from: Option<Asker>,
    }
}

impl Question {
    /// The buyer who asked: `from.id`, else `buyer_id`.
    pub fn asker_id(&self) -> Option<UserId> {
        self.from.as_ref().and_then(|f| f.id).or(self.buyer_id)
    }

    pub fn is_on_hold(&self) -> bool {
        self.hold == Some(true)
    }

    /// Whether Mercado Libre would take an answer now: unanswered, not on hold, not deleted from
    /// the listing. Anything else (answered elsewhere, closed, banned, deleted, under review) is
    /// refused by `POST /answers` with `invalid_question`.
    pub fn is_answerable(&self) -> bool {
        self.status == Some(QuestionStatus::Unanswered)
            && !self.is_on_hold()
            && self.deleted_from_listing != Some(true)
            && self.answer.is_none()
    }
}

/// A question's answer; `text` is empty when it was banned.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Answer {
    #[serde(default, deserialize_with = "text")]
    pub text: String,
    #[serde(default)]
    pub status: Option<AnswerStatus>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub date_created: Option<DateTime<Utc>>,
}

/// `from` of a question: the asking buyer. Contact fields appear only in some examples
/// (vehicles).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Asker {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<UserId>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub answered_questions: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub email: Option<String>,
}

/// Null text is the same as empty (banned questions and answers).
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::String(s) => s,
        _ => String::new(),
    })
}

/// One page of `/questions/search` or `/my/received_questions/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionSearch {
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub total: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub limit: Option<u64>,
    #[serde(default, deserialize_with = "de::nullable")]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub filters: Option<QuestionFilters>,
}

/// `filters` of a search answer: what the server understood.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuestionFilters {
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub limit: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub offset: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub api_version: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub caller: Option<UserId>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub seller: Option<UserId>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub item: Option<String>,
}

/// `GET /users/{seller}/questions_blacklist`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuestionsBlacklist {
    #[serde(default, deserialize_with = "de::nullable")]
    pub paging: Paging,
    #[serde(default, deserialize_with = "de::nullable")]
    pub users: Vec<IdRef>,
}

/// `GET /users/{id}/questions/response_time`: minutes, over the last 14 days, first question
/// per buyer and item only, updated once a day.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResponseTime {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<UserId>,
    /// Every hour of the 14 days, without bands.
    #[serde(default)]
    pub total: Option<ResponseBand>,
    /// Saturday and Sunday.
    #[serde(default)]
    pub weekend: Option<ResponseBand>,
    /// Weekdays 09–18.
    #[serde(default)]
    pub weekdays_working_hours: Option<ResponseBand>,
    /// Weekdays 18–00.
    #[serde(default)]
    pub weekdays_extra_hours: Option<ResponseBand>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResponseBand {
    /// Minutes.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub response_time: Option<f64>,
    /// Only where `response_time` is over 60: how much sales would grow answering faster.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub sales_percent_increase: Option<f64>,
}

/// A listing's title and picture, from `GET /items?ids=…` (at most 20 ids a call).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ListingSummary {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub thumbnail: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub secure_thumbnail: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub permalink: Option<String>,
    /// `active`, `paused`, `closed`, `under_review`, …
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub seller_id: Option<UserId>,
}

impl ListingSummary {
    /// The HTTPS picture when there is one.
    pub fn picture(&self) -> Option<&str> {
        self.secure_thumbnail
            .as_deref()
            .or(self.thumbnail.as_deref())
            .filter(|s| !s.is_empty())
    }
}

/// One entry of a multiget answer: `{code, body}`; `body` is an error body when `code` is not 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultigetEntry {
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub code: Option<u64>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}
