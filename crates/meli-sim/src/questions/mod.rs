//! Pre-sale questions: a store per listing with the whole life of a question (unanswered,
//! answered, under review, banned, deleted, closed unanswered, on hold), the sellers' questions
//! blacklists and the response-time metric (meli-api-questions-claims.md §1).
//!
//! Where the documentation is silent the stricter reading holds: a second answer, an answer to a
//! question that is closed, banned, deleted, under review or on hold, and an unknown question
//! are all `400 invalid_question`; `limit` is 1..=50 and `offset` at most 1,000; searches need
//! `api_version=4`.

pub mod api;
pub mod control;
pub mod items;
pub mod pictures;
pub mod seed;

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::state::World;
use crate::time_fmt::local;

/// "To answer or ask questions, the maximum number of characters is 2,000."
pub const MAX_TEXT_CHARS: usize = 2_000;
/// "The offset maximum number is 1000."
pub const MAX_OFFSET: usize = 1_000;
pub const MAX_LIMIT: usize = 50;
/// Unanswered questions count with this much waiting at most in the response time.
const RESPONSE_TIME_CAP_MINUTES: i64 = 7 * 24 * 60;

/// A question's status as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QuestionStatus {
    Unanswered,
    Answered,
    ClosedUnanswered,
    UnderReview,
    Banned,
    Deleted,
    Disabled,
}

impl QuestionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionStatus::Unanswered => "UNANSWERED",
            QuestionStatus::Answered => "ANSWERED",
            QuestionStatus::ClosedUnanswered => "CLOSED_UNANSWERED",
            QuestionStatus::UnderReview => "UNDER_REVIEW",
            QuestionStatus::Banned => "BANNED",
            QuestionStatus::Deleted => "DELETED",
            QuestionStatus::Disabled => "DISABLED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            QuestionStatus::Unanswered,
            QuestionStatus::Answered,
            QuestionStatus::ClosedUnanswered,
            QuestionStatus::UnderReview,
            QuestionStatus::Banned,
            QuestionStatus::Deleted,
            QuestionStatus::Disabled,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AnswerStatus {
    Active,
    Disabled,
    Banned,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimAnswer {
    pub text: String,
    pub status: AnswerStatus,
    pub date_created: DateTime<Utc>,
    /// Written through the API (`POST /answers`) rather than on Mercado Libre's site.
    pub via_api: bool,
}

/// One question as the simulator keeps it (the text is kept even when banned; the API hides it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimQuestion {
    pub id: u64,
    pub seller: u64,
    pub buyer: u64,
    pub item_id: String,
    pub text: String,
    pub status: QuestionStatus,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub hold: bool,
    pub deleted_from_listing: bool,
    pub answer: Option<SimAnswer>,
    /// How many `POST /answers` for this question Mercado Libre accepted (tests check "once").
    pub answers_accepted: u32,
    /// How many `POST /answers` for this question arrived at all, accepted or refused.
    pub answer_posts: u32,
}

impl SimQuestion {
    /// Why `POST /answers` refuses this question, if it does.
    pub fn refusal(&self) -> Option<&'static str> {
        if self.hold {
            return Some("The question is on hold and cannot be answered yet.");
        }
        match self.status {
            QuestionStatus::Unanswered if self.deleted_from_listing => {
                Some("The question was deleted from the listing.")
            }
            QuestionStatus::Unanswered => None,
            QuestionStatus::Answered => Some("The question is already answered."),
            QuestionStatus::ClosedUnanswered => Some("The listing is closed."),
            QuestionStatus::UnderReview => Some("The question is under review."),
            QuestionStatus::Banned => Some("The question was banned."),
            QuestionStatus::Deleted => Some("The question was deleted."),
            QuestionStatus::Disabled => Some("The question is disabled."),
        }
    }
}

/// Every question of the world, indexed by id and by seller, the blacklists and closed listings.
#[derive(Debug, Default)]
pub struct QuestionStore {
    list: Vec<SimQuestion>,
    index: HashMap<u64, usize>,
    by_seller: HashMap<u64, Vec<usize>>,
    /// Seller → users blocked from asking.
    pub blacklist: HashMap<u64, BTreeSet<u64>>,
    pub closed_items: HashSet<String>,
    /// Listings whose picture a test changed (the rest serve a real one).
    pub pictures: HashMap<String, pictures::PictureKind>,
    /// Listings the multiget answers with 403 (hidden from this application).
    pub hidden_items: HashSet<String>,
    next_id: u64,
}

impl QuestionStore {
    pub fn new() -> Self {
        Self {
            next_id: 11_436_370_301,
            ..Self::default()
        }
    }

    pub fn get(&self, id: u64) -> Option<&SimQuestion> {
        self.index.get(&id).and_then(|&i| self.list.get(i))
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut SimQuestion> {
        let i = *self.index.get(&id)?;
        self.list.get_mut(i)
    }

    /// A seller's questions, in the order they were asked.
    pub fn of_seller(&self, seller: u64) -> impl Iterator<Item = &SimQuestion> {
        self.by_seller
            .get(&seller)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.list.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = &SimQuestion> {
        self.list.iter()
    }

    pub fn is_blocked(&self, seller: u64, buyer: u64) -> bool {
        self.blacklist
            .get(&seller)
            .is_some_and(|set| set.contains(&buyer))
    }

    /// Adds a question; ids grow with time as Mercado Libre's do.
    pub fn insert(
        &mut self,
        seller: u64,
        buyer: u64,
        item_id: &str,
        text: &str,
        at: DateTime<Utc>,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1 + (id % 7);
        let i = self.list.len();
        self.list.push(SimQuestion {
            id,
            seller,
            buyer,
            item_id: item_id.to_owned(),
            text: text.to_owned(),
            status: QuestionStatus::Unanswered,
            date_created: at,
            last_updated: at,
            hold: false,
            deleted_from_listing: false,
            answer: None,
            answers_accepted: 0,
            answer_posts: 0,
        });
        self.index.insert(id, i);
        self.by_seller.entry(seller).or_default().push(i);
        id
    }

    /// Answers a question (on the site or through the API).
    pub fn answer(&mut self, id: u64, text: &str, at: DateTime<Utc>, via_api: bool) {
        if let Some(q) = self.get_mut(id) {
            q.status = QuestionStatus::Answered;
            q.last_updated = at;
            q.answer = Some(SimAnswer {
                text: text.to_owned(),
                status: AnswerStatus::Active,
                date_created: at,
                via_api,
            });
        }
    }

    /// A listing closes: its unanswered questions become `CLOSED_UNANSWERED`.
    pub fn close_item(&mut self, item_id: &str, at: DateTime<Utc>) -> usize {
        self.closed_items.insert(item_id.to_owned());
        let mut closed = 0;
        for q in self.list.iter_mut().filter(|q| q.item_id == item_id) {
            if q.status == QuestionStatus::Unanswered {
                q.status = QuestionStatus::ClosedUnanswered;
                q.last_updated = at;
                closed += 1;
            }
        }
        closed
    }
}

/// A question as `api_version=4` renders it. `detail` adds what only `GET /questions/{id}`
/// carries (`buyer_id`, `last_updated`, `app_id`, the asker's answered questions).
pub fn question_json(world: &World, q: &SimQuestion, detail: bool) -> Value {
    let site = world
        .users
        .get(&q.seller)
        .map_or(&crate::model::SITES[0], |u| u.site);
    let banned = q.status == QuestionStatus::Banned;
    let answer = q.answer.as_ref().map(|a| {
        json!({
            "text": if a.status == AnswerStatus::Banned { "" } else { a.text.as_str() },
            "status": a.status,
            "date_created": local(a.date_created, site),
        })
    });
    let mut v = json!({
        "date_created": local(q.date_created, site),
        "item_id": q.item_id,
        "seller_id": q.seller,
        "status": q.status.as_str(),
        // "We return empty text in questions and answers with status: BANNED."
        "text": if banned { "" } else { q.text.as_str() },
        "id": q.id,
        "deleted_from_listing": q.deleted_from_listing,
        "hold": q.hold,
        "suspected_spam": false,
        "answer": answer,
        "from": {"id": q.buyer},
    });
    if detail {
        let answered = world
            .questions
            .iter()
            .filter(|o| o.buyer == q.buyer && o.status == QuestionStatus::Answered)
            .count();
        v["buyer_id"] = json!(q.buyer);
        v["last_updated"] = json!(local(q.last_updated, site));
        v["app_id"] = json!(world.app.client_id);
        v["from"]["answered_questions"] = json!(answered);
    }
    v
}

/// The documented band of a question's local time: weekdays 09–18, weekdays 18–00, weekends;
/// weekdays 00–09 count only in `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Band {
    Working,
    Extra,
    Weekend,
    Night,
}

fn band(t: DateTime<Utc>, offset_hours: i32) -> Band {
    let local = t + TimeDelta::hours(i64::from(offset_hours));
    if matches!(local.weekday(), Weekday::Sat | Weekday::Sun) {
        return Band::Weekend;
    }
    match local.hour() {
        9..=17 => Band::Working,
        18..=23 => Band::Extra,
        _ => Band::Night,
    }
}

/// `GET /users/{id}/questions/response_time` by the documented rules: the last 14 days, only
/// the first question a buyer asked about an item, unanswered ones counted as answered now with
/// a one-week cap, minutes; `sales_percent_increase` only where a band is over 60. `None` when
/// the seller has no question in the window (the API's 404).
pub fn response_time(world: &World, seller: u64, now: DateTime<Utc>) -> Option<Value> {
    let offset = world
        .users
        .get(&seller)
        .map_or(-3, |u| u.site.utc_offset_hours);
    let since = now - TimeDelta::days(14);
    let mut firsts: HashMap<(u64, &str), &SimQuestion> = HashMap::new();
    for q in world.questions.of_seller(seller) {
        if q.date_created < since || q.date_created > now {
            continue;
        }
        let slot = firsts.entry((q.buyer, q.item_id.as_str())).or_insert(q);
        if q.date_created < slot.date_created {
            *slot = q;
        }
    }
    if firsts.is_empty() {
        return None;
    }
    let mut sums: HashMap<&'static str, (i64, i64)> = HashMap::new();
    for q in firsts.values() {
        let answered_at = q.answer.as_ref().map_or(now, |a| a.date_created).min(now);
        let minutes = (answered_at - q.date_created)
            .num_minutes()
            .clamp(0, RESPONSE_TIME_CAP_MINUTES);
        let mut add = |name: &'static str| {
            let e = sums.entry(name).or_insert((0, 0));
            e.0 += minutes;
            e.1 += 1;
        };
        add("total");
        match band(q.date_created, offset) {
            Band::Working => add("weekdays_working_hours"),
            Band::Extra => add("weekdays_extra_hours"),
            Band::Weekend => add("weekend"),
            Band::Night => {}
        }
    }
    let average = |name: &str| sums.get(name).map(|(sum, n)| sum / n.max(&1));
    let mut out =
        json!({"user_id": seller, "total": {"response_time": average("total").unwrap_or(0)}});
    for name in ["weekend", "weekdays_working_hours", "weekdays_extra_hours"] {
        let rt = average(name).unwrap_or(0);
        // Answering within the hour is what Mercado Libre says sells more; the further over, the
        // more it promises, up to 30 %.
        let increase = (rt > 60).then(|| ((rt - 60) / 30 + 5).min(30));
        out[name] = json!({"response_time": rt, "sales_percent_increase": increase});
    }
    Some(out)
}
