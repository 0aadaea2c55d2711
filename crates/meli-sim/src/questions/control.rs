//! What buyers and Mercado Libre do to questions: a buyer asks, the seller answers on the site, a
//! listing closes, a question or answer is banned, a question is deleted, put on hold or under
//! review. In process on [`Control`], over HTTP under `/_sim/questions` and `/_sim/items`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::TimeDelta;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::items::{listing, listings_of};
use super::{AnswerStatus, QuestionStatus, SimQuestion, MAX_TEXT_CHARS};
use crate::control::Control;
use crate::error::SimError;
use crate::state::Shared;

/// A question a buyer asks. Without `buyer_id` a new buyer of the listing's site asks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AskQuestion {
    pub item_id: String,
    pub buyer_id: Option<u64>,
    pub text: String,
    /// Asked this long ago (for seeding history); now when 0.
    pub minutes_ago: u32,
}

impl AskQuestion {
    pub fn new(item_id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            item_id: item_id.into(),
            text: text.into(),
            ..Self::default()
        }
    }

    pub fn buyer(mut self, buyer_id: u64) -> Self {
        self.buyer_id = Some(buyer_id);
        self
    }
}

/// What [`Control::ask_question`] created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskedQuestion {
    pub question_id: u64,
    pub seller_id: u64,
    pub buyer_id: u64,
}

/// A seller's listing, for tests that need an item to ask about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingInfo {
    pub id: String,
    pub title: String,
    pub closed: bool,
}

impl Control {
    /// A buyer asks on a listing. A buyer on the seller's questions blacklist cannot, nor can
    /// anyone on a closed listing.
    pub fn ask_question(&self, ask: AskQuestion) -> Result<AskedQuestion, SimError> {
        let now = self.shared().now();
        let mut world = self.shared().world();
        let l = listing(&world, &ask.item_id)
            .ok_or_else(|| SimError::InvalidControl(format!("no listing {}", ask.item_id)))?;
        let text = ask.text.trim();
        if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
            return Err(SimError::InvalidControl(format!(
                "a question has 1 to {MAX_TEXT_CHARS} characters"
            )));
        }
        if world.questions.closed_items.contains(&l.id) {
            return Err(SimError::NotAllowed(format!("listing {} is closed", l.id)));
        }
        let site = world
            .users
            .get(&l.seller)
            .map(|u| u.site)
            .ok_or(SimError::UnknownUser(l.seller))?;
        let buyer = match ask.buyer_id {
            Some(b) if world.users.contains_key(&b) => b,
            Some(b) => return Err(SimError::UnknownUser(b)),
            None => {
                let world = &mut *world;
                let mut rng = std::mem::replace(&mut world.rng, crate::rng::Rng::new(0));
                let id = world.new_buyer(site, &mut rng);
                world.rng = rng;
                id
            }
        };
        if world.questions.is_blocked(l.seller, buyer) {
            return Err(SimError::NotAllowed(format!(
                "buyer {buyer} is blocked from asking the seller {}",
                l.seller
            )));
        }
        let at = now - TimeDelta::minutes(i64::from(ask.minutes_ago));
        let question_id = world.questions.insert(l.seller, buyer, &l.id, text, at);
        Ok(AskedQuestion {
            question_id,
            seller_id: l.seller,
            buyer_id: buyer,
        })
    }

    fn with_question<T>(
        &self,
        id: u64,
        change: impl FnOnce(&mut SimQuestion) -> Result<T, SimError>,
    ) -> Result<T, SimError> {
        let now = self.shared().now();
        let mut world = self.shared().world();
        let q = world
            .questions
            .get_mut(id)
            .ok_or(SimError::UnknownQuestion(id))?;
        let out = change(q)?;
        q.last_updated = now;
        Ok(out)
    }

    /// The seller answers on Mercado Libre's site (not through the API).
    pub fn answer_on_site(&self, id: u64, text: &str) -> Result<(), SimError> {
        let now = self.shared().now();
        let mut world = self.shared().world();
        let q = world
            .questions
            .get(id)
            .ok_or(SimError::UnknownQuestion(id))?;
        if let Some(why) = q.refusal() {
            return Err(SimError::NotAllowed(why.to_owned()));
        }
        world.questions.answer(id, text, now, false);
        Ok(())
    }

    /// The listing closes: its unanswered questions become `CLOSED_UNANSWERED`. Returns how many.
    pub fn close_listing(&self, item_id: &str) -> Result<usize, SimError> {
        let now = self.shared().now();
        let mut world = self.shared().world();
        let l = listing(&world, item_id)
            .ok_or_else(|| SimError::InvalidControl(format!("no listing {item_id}")))?;
        Ok(world.questions.close_item(&l.id, now))
    }

    /// What a listing's picture URL serves from now on (a bad image, none at all…).
    pub fn set_picture(
        &self,
        item_id: &str,
        kind: super::pictures::PictureKind,
    ) -> Result<(), SimError> {
        let mut world = self.shared().world();
        let l = listing(&world, item_id)
            .ok_or_else(|| SimError::InvalidControl(format!("no listing {item_id}")))?;
        world.questions.pictures.insert(l.id, kind);
        Ok(())
    }

    /// The items endpoints answer this listing with 403 (hidden from the application).
    pub fn hide_listing(&self, item_id: &str) -> Result<(), SimError> {
        let mut world = self.shared().world();
        let l = listing(&world, item_id)
            .ok_or_else(|| SimError::InvalidControl(format!("no listing {item_id}")))?;
        world.questions.hidden_items.insert(l.id);
        Ok(())
    }

    /// Moderation bans the question: `BANNED`, its text returned empty.
    pub fn ban_question(&self, id: u64) -> Result<(), SimError> {
        self.with_question(id, |q| {
            q.status = QuestionStatus::Banned;
            Ok(())
        })
    }

    /// Moderation bans the answer: `answer.status` `BANNED`, its text returned empty.
    pub fn ban_answer(&self, id: u64) -> Result<(), SimError> {
        self.with_question(id, |q| match q.answer.as_mut() {
            Some(a) => {
                a.status = AnswerStatus::Banned;
                Ok(())
            }
            None => Err(SimError::NotAllowed(format!("question {id} has no answer"))),
        })
    }

    /// The question is deleted (by the seller on the site, or Mercado Libre).
    pub fn delete_question(&self, id: u64) -> Result<(), SimError> {
        self.with_question(id, |q| {
            q.status = QuestionStatus::Deleted;
            q.deleted_from_listing = true;
            Ok(())
        })
    }

    /// Puts the question on hold (it cannot be answered yet) or releases it.
    pub fn hold_question(&self, id: u64, hold: bool) -> Result<(), SimError> {
        self.with_question(id, |q| {
            q.hold = hold;
            Ok(())
        })
    }

    /// The listing went under review, and the question with it.
    pub fn review_question(&self, id: u64) -> Result<(), SimError> {
        self.with_question(id, |q| {
            q.status = QuestionStatus::UnderReview;
            Ok(())
        })
    }

    pub fn question(&self, id: u64) -> Option<SimQuestion> {
        self.shared().world().questions.get(id).cloned()
    }

    /// A seller's questions, oldest first.
    pub fn questions_of(&self, seller: u64) -> Vec<SimQuestion> {
        self.shared()
            .world()
            .questions
            .of_seller(seller)
            .cloned()
            .collect()
    }

    /// How many questions a seller has in each status (`UNANSWERED` → 12, …).
    pub fn question_counts(&self, seller: u64) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for q in self.shared().world().questions.of_seller(seller) {
            *out.entry(q.status.as_str().to_owned()).or_insert(0) += 1;
        }
        out
    }

    /// A seller's listings.
    pub fn listings(&self, seller: u64) -> Vec<ListingInfo> {
        let world = self.shared().world();
        listings_of(&world, seller)
            .into_iter()
            .map(|l| ListingInfo {
                closed: world.questions.closed_items.contains(&l.id),
                id: l.id,
                title: l.title.to_owned(),
            })
            .collect()
    }

    /// Users a seller blocked from asking.
    pub fn blocked_askers(&self, seller: u64) -> Vec<u64> {
        self.shared()
            .world()
            .questions
            .blacklist
            .get(&seller)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }
}

type Ctl = State<Arc<Shared>>;
type Done = Result<Json<Value>, SimError>;

fn control(shared: Arc<Shared>) -> Control {
    Control::new(shared)
}

fn ok() -> Done {
    Ok(Json(json!({ "ok": true })))
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/questions", post(ask).get(list))
        .route("/_sim/questions/{id}", get(one))
        .route("/_sim/questions/{id}/answer", post(answer))
        .route("/_sim/questions/{id}/ban", post(ban))
        .route("/_sim/questions/{id}/delete", post(delete))
        .route("/_sim/questions/{id}/hold", post(hold))
        .route("/_sim/questions/{id}/review", post(review))
        .route("/_sim/items/{id}/close", post(close))
        .route("/_sim/sellers/{id}/listings", get(listings))
}

async fn ask(
    State(s): Ctl,
    Json(body): Json<AskQuestion>,
) -> Result<Json<AskedQuestion>, SimError> {
    control(s).ask_question(body).map(Json)
}

#[derive(Deserialize)]
struct SellerQuery {
    seller_id: u64,
}

async fn list(State(s): Ctl, Query(q): Query<SellerQuery>) -> Json<Vec<SimQuestion>> {
    Json(control(s).questions_of(q.seller_id))
}

async fn one(State(s): Ctl, Path(id): Path<u64>) -> Result<Json<SimQuestion>, SimError> {
    control(s)
        .question(id)
        .map(Json)
        .ok_or(SimError::UnknownQuestion(id))
}

#[derive(Deserialize)]
struct TextBody {
    text: String,
}

async fn answer(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<TextBody>) -> Done {
    control(s).answer_on_site(id, &body.text)?;
    ok()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BanBody {
    /// Ban the answer rather than the question.
    answer: bool,
}

async fn ban(State(s): Ctl, Path(id): Path<u64>, body: Option<Json<BanBody>>) -> Done {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    if body.answer {
        control(s).ban_answer(id)?;
    } else {
        control(s).ban_question(id)?;
    }
    ok()
}

async fn delete(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).delete_question(id)?;
    ok()
}

#[derive(Deserialize)]
struct HoldBody {
    hold: bool,
}

async fn hold(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<HoldBody>) -> Done {
    control(s).hold_question(id, body.hold)?;
    ok()
}

async fn review(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).review_question(id)?;
    ok()
}

async fn close(State(s): Ctl, Path(id): Path<String>) -> Done {
    let closed = control(s).close_listing(&id)?;
    Ok(Json(json!({ "ok": true, "closed_questions": closed })))
}

async fn listings(State(s): Ctl, Path(id): Path<u64>) -> Json<Vec<ListingInfo>> {
    Json(control(s).listings(id))
}
