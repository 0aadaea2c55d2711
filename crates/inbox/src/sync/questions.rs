//! Pre-sale questions: the first import, the polls, the link to leads,
//! and the answers' outbox. Kept apart from the orders and chats sync so each can change
//! without the other.
//!
//! - First import: every unanswered question (newest first, up to the search's offset cap of
//!   1,000), then every question of the history window in any status.
//! - A poll (every `questions_every`, or at once after an answer was sent) asks for one page
//!   of unanswered questions. When that page holds only questions
//!   the cache has as unanswered and the total matches, nothing moved (a new question would
//!   be on it, one answered elsewhere would lower the total): an idle poll costs one request.
//!   Otherwise every unanswered page is read, and the cached ones no longer in it are read by
//!   id (answered on the site, banned, deleted, closed).
//! - Every `recent_every`, the questions of the last week in any status are read again: what
//!   only that shows (an answer banned after it was posted, a question asked and answered on
//!   the site between two polls) can wait that long.
//! - Answers: stored `pending`, marked `sending` before the one `POST /answers`, `sent` with
//!   the answered question. A lost response leaves the answer `ambiguous`; the next pass reads
//!   the question before anything is sent again, so an answer reaches Mercado Libre once.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use meli::client::MAX_QUESTIONS_OFFSET;
use meli::models::{Question, QuestionSearch, QuestionStatus};
use meli::{MeliError, QuestionQuery, SortDirection};

use super::account::AccountSync;
use crate::error::{InboxError, Result};
use crate::events::QuestionNote;
use crate::store::{cursors, listings, questions};

/// Questions per search page (the API's default and, in the simulator, its maximum).
pub(crate) const QUESTION_PAGE: u32 = 50;
/// How far back the periodic sweep reads every status.
const SWEEP_DAYS: i64 = 7;

mod cursor {
    /// Present once the first import of questions finished.
    pub const IMPORT_DONE: &str = "questions.import.done";
    /// RFC 3339: the last sweep over every status.
    pub const SWEEP: &str = "questions.sweep";
    /// The highest lead id questions were linked against.
    pub const LINKED_LEAD: &str = "questions.linked_lead";
}

/// Where a page of questions stops being read.
#[derive(Debug, Clone, Copy)]
enum Until {
    /// Every page the offset cap allows.
    End,
    /// Until the questions are older than this.
    AskedBefore(DateTime<Utc>),
}

impl AccountSync {
    /// Questions' share of a pass: import once, send waiting answers, poll, link to leads.
    /// (Their listings and askers are read by [`super::listings`].)
    pub(crate) async fn sync_questions(&self) -> Result<()> {
        if !self.config.questions {
            return Ok(());
        }
        let account = self.account_id;
        let imported = self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::IMPORT_DONE))
            .await?
            .is_some();
        let started = self.now();
        if !imported {
            self.import_questions().await?;
            // The import read every unanswered question: the next poll is one cadence away.
            self.questions_polled(started);
        }
        let sent = self.send_answers().await?;
        // Their own, slower cadence when nothing suggests a change; an answer just sent may
        // have changed what is unanswered.
        if imported && (sent > 0 || self.questions_due(started)) {
            self.poll_questions().await?;
            self.questions_polled(started);
        }
        if sent > 0 {
            self.send_answers().await?;
        }
        // What changed goes out with the pass's final batch, not in batches of its own.
        self.link_questions().await
    }

    async fn import_questions(&self) -> Result<()> {
        let started = self.now();
        let since = started - Duration::days(i64::from(self.config.history_days));
        self.read_pages(Some(QuestionStatus::Unanswered), Until::End, false)
            .await?;
        self.read_pages(None, Until::AskedBefore(since), false)
            .await?;
        let (account, now) = (self.account_id, self.now());
        self.store
            .write_async(move |tx| {
                cursors::set(tx, account, cursor::IMPORT_DONE, "1", now)?;
                cursors::set(tx, account, cursor::SWEEP, &started.to_rfc3339(), now)
            })
            .await?;
        Ok(())
    }

    async fn search_page(
        &self,
        status: Option<&QuestionStatus>,
        offset: u32,
    ) -> Result<QuestionSearch> {
        let mut query = QuestionQuery::seller(self.seller_id);
        query.status = status.cloned();
        query.sort = SortDirection::Desc;
        query.offset = offset;
        query.limit = QUESTION_PAGE;
        self.request(|| self.client.search_questions(&query)).await
    }

    /// Reads search pages newest first and stores them; returns the ids seen.
    async fn read_pages(
        &self,
        status: Option<QuestionStatus>,
        until: Until,
        notify: bool,
    ) -> Result<HashSet<i64>> {
        let mut seen = HashSet::new();
        let mut offset = 0u32;
        loop {
            let page = self.search_page(status.as_ref(), offset).await?;
            let count = u32::try_from(page.questions.len()).unwrap_or(u32::MAX);
            let total = page.total.unwrap_or(0);
            let oldest = page.questions.iter().filter_map(|q| q.date_created).min();
            seen.extend(page.questions.iter().map(|q| q.id));
            self.store_questions(page.questions, notify).await?;
            offset = offset.saturating_add(count);
            let past = match until {
                Until::End => false,
                Until::AskedBefore(t) => oldest.is_some_and(|o| o < t),
            };
            if count == 0 || u64::from(offset) >= total || past || offset > MAX_QUESTIONS_OFFSET {
                return Ok(seen);
            }
        }
    }

    /// Writes questions in one transaction; new ones become notifications when `notify`.
    async fn store_questions(&self, page: Vec<Question>, notify: bool) -> Result<()> {
        if page.is_empty() {
            return Ok(());
        }
        let (account, now) = (self.account_id, self.now());
        let (changed, notes) = self
            .store
            .write_async(move |tx| {
                let mut changed = Vec::new();
                let mut notes = Vec::new();
                for q in &page {
                    let done = questions::upsert(tx, account, q, now)?;
                    if done.new {
                        questions::link_question(tx, q.id)?;
                        // Its listing's title and picture, and who asked: the fetcher's queue.
                        let asked = q.date_created.unwrap_or(now);
                        listings::want(tx, account, q.item_id.as_deref().unwrap_or(""), asked)?;
                    }
                    if done.new || done.changed {
                        changed.push(q.id);
                    }
                    if done.new && notify && q.status == Some(QuestionStatus::Unanswered) {
                        let listing =
                            questions::listing(tx, account, q.item_id.as_deref().unwrap_or(""))?;
                        notes.push(QuestionNote {
                            question_id: q.id,
                            account_id: account,
                            listing: listing.title.unwrap_or(listing.item_id),
                            excerpt: q.text.chars().take(140).collect(),
                        });
                    }
                }
                Ok((changed, notes))
            })
            .await?;
        if !changed.is_empty() {
            self.questions_changed();
        }
        for note in notes {
            self.question_note(note);
        }
        Ok(())
    }

    async fn poll_questions(&self) -> Result<()> {
        let started = self.now();
        let account = self.account_id;
        let cached: HashSet<i64> = self
            .store
            .read_async(move |c| questions::unanswered_ids(c, account))
            .await?
            .into_iter()
            .collect();
        let first = self
            .search_page(Some(&QuestionStatus::Unanswered), 0)
            .await?;
        let total = first.total.unwrap_or(0);
        let mut on_meli: HashSet<i64> = first.questions.iter().map(|q| q.id).collect();
        let unchanged = u64::try_from(cached.len()).is_ok_and(|n| n == total)
            && on_meli.iter().all(|id| cached.contains(id));
        let more = u64::from(QUESTION_PAGE) < total;
        self.store_questions(first.questions, true).await?;
        if !unchanged {
            if more {
                on_meli.extend(self.read_pages_from(QUESTION_PAGE).await?);
            }
            // Unanswered here, not there: read each to learn what became of it.
            let capped = total > u64::from(MAX_QUESTIONS_OFFSET + QUESTION_PAGE);
            for id in cached.difference(&on_meli) {
                if capped {
                    // Past the offset cap the list is incomplete; the sweep settles the rest.
                    break;
                }
                self.refresh_question(*id).await?;
            }
        }
        self.sweep_if_due(started).await
    }

    /// The unanswered pages after the first.
    async fn read_pages_from(&self, mut offset: u32) -> Result<HashSet<i64>> {
        let mut seen = HashSet::new();
        loop {
            let page = self
                .search_page(Some(&QuestionStatus::Unanswered), offset)
                .await?;
            let count = u32::try_from(page.questions.len()).unwrap_or(u32::MAX);
            let total = page.total.unwrap_or(0);
            seen.extend(page.questions.iter().map(|q| q.id));
            self.store_questions(page.questions, true).await?;
            offset = offset.saturating_add(count);
            if count == 0 || u64::from(offset) >= total || offset > MAX_QUESTIONS_OFFSET {
                return Ok(seen);
            }
        }
    }

    /// `GET /questions/{id}` into the cache.
    async fn refresh_question(&self, id: i64) -> Result<Option<Question>> {
        match self.request(|| self.client.question(id)).await {
            Ok(q) => {
                self.store_questions(vec![q.clone()], false).await?;
                Ok(Some(q))
            }
            // Gone for good: Mercado Libre deletes unanswered questions after seven months.
            Err(InboxError::Meli(MeliError::NotFound { .. })) => {
                let now = self.now();
                self.store
                    .write_async(move |tx| questions::mark_gone(tx, id, now))
                    .await?;
                self.questions_changed();
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    async fn sweep_if_due(&self, started: DateTime<Utc>) -> Result<()> {
        let account = self.account_id;
        let last = self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::SWEEP))
            .await?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        let every = Duration::from_std(self.config.recent_every).unwrap_or(Duration::MAX);
        if last.is_some_and(|t| started - t < every && t <= started) {
            return Ok(());
        }
        self.read_pages(
            None,
            Until::AskedBefore(started - Duration::days(SWEEP_DAYS)),
            true,
        )
        .await?;
        let now = self.now();
        self.store
            .write_async(move |tx| {
                cursors::set(tx, account, cursor::SWEEP, &started.to_rfc3339(), now)
            })
            .await
    }

    /// Links questions to leads added since the last pass (a buyer who asked, then bought).
    async fn link_questions(&self) -> Result<()> {
        let (account, now) = (self.account_id, self.now());
        let linked = self
            .store
            .write_async(move |tx| {
                let after = cursors::get(tx, account, cursor::LINKED_LEAD)?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let (linked, max) = questions::link_leads(tx, account, after)?;
                if max > after {
                    cursors::set(tx, account, cursor::LINKED_LEAD, &max.to_string(), now)?;
                }
                Ok(linked)
            })
            .await?;
        if linked > 0 {
            self.questions_changed();
        }
        Ok(())
    }

    /// Sends the answers waiting in the outbox; returns how many went.
    pub(crate) async fn send_answers(&self) -> Result<usize> {
        let account = self.account_id;
        let pending = self
            .store
            .read_async(move |c| questions::pending_answers(c, account))
            .await?;
        let mut sent = 0;
        for answer in pending {
            let done = match answer.state.as_str() {
                "pending" => self.send_answer(&answer).await?,
                _ => self.settle_answer(&answer).await?,
            };
            if done {
                sent += 1;
            }
        }
        Ok(sent)
    }

    async fn set_answer(&self, id: i64, state: &'static str, reason: Option<String>) -> Result<()> {
        let now = self.now();
        self.store
            .write_async(move |tx| {
                questions::set_answer_state(tx, id, state, reason.as_deref(), now)
            })
            .await
    }

    async fn send_answer(&self, answer: &questions::PendingAnswer) -> Result<bool> {
        let (id, question_id, text) = (answer.id, answer.question_id, answer.text.clone());
        // The rules again: the last poll may have seen it answered, banned or closed.
        let check = {
            let text = text.clone();
            self.store
                .read_async(move |c| questions::recheck_answer(c, id, question_id, &text))
                .await?
        };
        if let Err(refusal) = check {
            self.set_answer(id, "failed", Some(refusal.code().to_owned()))
                .await?;
            self.questions_changed();
            return Ok(false);
        }
        // Committed before the request leaves: a crash from here on is settled by reading the
        // question, never by posting again.
        self.set_answer(id, "sending", None).await?;
        match self
            .client
            .interactive()
            .answer_question(question_id, &text)
            .await
        {
            Ok(question) => {
                self.store_questions(vec![question], false).await?;
                self.set_answer(id, "sent", None).await?;
                self.questions_changed();
                Ok(true)
            }
            // Lost on the way back, or accepted with a body that did not parse: either way
            // only reading the question tells.
            Err(e @ (MeliError::SendOutcomeUnknown { .. } | MeliError::Decode { .. })) => {
                tracing::info!(question_id, %e, "answer outcome unknown; will read the question");
                self.set_answer(id, "ambiguous", None).await?;
                self.questions_changed();
                Ok(false)
            }
            Err(e @ (MeliError::QuestionNotAnswerable { .. } | MeliError::NotFound { .. })) => {
                tracing::info!(question_id, %e, "answer refused");
                self.set_answer(id, "failed", Some("question_not_answerable".into()))
                    .await?;
                // Learn what became of it.
                let _ = self.refresh_question(question_id).await;
                self.questions_changed();
                Ok(false)
            }
            Err(e @ MeliError::TextTooLong { .. }) => {
                tracing::info!(question_id, %e, "answer refused");
                self.set_answer(id, "failed", Some("answer_too_long".into()))
                    .await?;
                self.questions_changed();
                Ok(false)
            }
            Err(e) if e.is_transient() || e.needs_reconnect() => {
                // The request was not processed (no connection, throttled, token refused):
                // it waits for the next pass.
                self.set_answer(id, "pending", None).await?;
                Err(InboxError::Meli(e))
            }
            Err(e) => {
                tracing::info!(question_id, %e, "answer refused");
                self.set_answer(id, "failed", Some(e.code().to_owned()))
                    .await?;
                self.questions_changed();
                Ok(false)
            }
        }
    }

    /// An answer whose outcome is unknown (or that a crash left `sending`): reads the
    /// question after `ambiguous_settle` and decides from what Mercado Libre has.
    async fn settle_answer(&self, answer: &questions::PendingAnswer) -> Result<bool> {
        let account = self.account_id;
        let id = answer.id;
        let waited = self
            .store
            .read_async(move |c| questions::answer_updated_at(c, id))
            .await?;
        let settle = Duration::from_std(self.config.ambiguous_settle).unwrap_or(Duration::zero());
        if waited.is_some_and(|t| self.now() - t < settle) {
            return Ok(false);
        }
        let _ = account;
        let Some(q) = self.refresh_question(answer.question_id).await? else {
            self.set_answer(id, "failed", Some("question_not_answerable".into()))
                .await?;
            return Ok(false);
        };
        let ours = q
            .answer
            .as_ref()
            .is_some_and(|a| a.text == answer.text || a.text.is_empty());
        if q.answer.is_some() && ours {
            self.set_answer(id, "sent", None).await?;
            self.questions_changed();
            Ok(true)
        } else if q.is_answerable() {
            // It never arrived: send it (once) now.
            self.set_answer(id, "pending", None).await?;
            let again = questions::PendingAnswer {
                state: "pending".into(),
                ..answer.clone()
            };
            self.send_answer(&again).await
        } else {
            let reason = if q.answer.is_some() {
                "answered_elsewhere"
            } else {
                "question_not_answerable"
            };
            self.set_answer(id, "failed", Some(reason.into())).await?;
            self.questions_changed();
            Ok(false)
        }
    }
}
