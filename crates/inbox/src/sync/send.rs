//! The outbox's network side. A draft is judged by the rules again right before it goes (the
//! conversation may have changed since it was queued), its files uploaded once each, then
//! posted; the sent message is stored with Mercado Libre's id in the same transaction that
//! marks the draft sent.
//!
//! A message is sent once, or the seller decides. A send whose outcome is unknown (the
//! connection died after the request left, a 5xx, a crash between posting and recording) is
//! never posted again by itself: the conversation is read a few times
//! ([`crate::sync::SyncConfig::confirm_reads`]) and a seller message newer than the newest one
//! known when it was posted, matching the draft ([`super::sent_match`]), settles it as sent.
//! Times are Mercado Libre's own (from its `Date` header), never the local clock. If no read
//! shows it, the draft is "not confirmed" and the seller sends it again or discards it.

use std::path::Path;

use meli::models::{OptionId, OptionRequest};
use meli::{MeliError, SendMessage};
use serde_json::json;

use super::account::AccountSync;
use super::sent_match;
use crate::error::{InboxError, Result};
use crate::incoming::IncomingConversation;
use crate::ipc::OutboxState;
use crate::rules::{self, ActionGuide, Draft, DraftFile, GuideChoice, OptionKind, Route};
use crate::store::outbox::{self as outbox_store, Queued};
use crate::store::{chat_failures, messages, sync_writes};

impl AccountSync {
    /// Works through the account's due drafts, oldest first. A transient failure stops here
    /// (the pass backs off and the draft waits); a refusal fails only that draft.
    pub(crate) async fn send_outbox(&self) -> Result<usize> {
        let (account, now) = (self.account_id, self.now());
        let due = self
            .store
            .read_async(move |c| {
                // A draft whose chat Mercado Libre will not show waits with its chat: it is
                // judged, and an unknown send settled, only on a fresh read.
                let waiting = chat_failures::waiting(c, account, now)?;
                let mut due = sync_writes::due_for_account(c, account)?;
                due.retain(|item| {
                    sync_writes::target(c, item.lead_id)
                        .ok()
                        .flatten()
                        .is_none_or(|t| !waiting.contains(&t.conversation_id))
                });
                Ok(due)
            })
            .await?;
        let mut sent = 0;
        for item in due {
            let lead_id = item.lead_id;
            match self.send_one(item).await {
                Ok(true) => sent += 1,
                Ok(false) => {}
                Err(err) => {
                    let failing = self
                        .store
                        .read_async(move |c| chat_failures::for_lead(c, lead_id))
                        .await?
                        .is_some();
                    if !failing {
                        return Err(err);
                    }
                    // That chat could not be read: the others' drafts still go.
                    tracing::info!(lead_id, %err, "draft waits for its chat to be readable");
                }
            }
        }
        Ok(sent)
    }

    async fn move_to(
        &self,
        id: i64,
        to: OutboxState,
        reason: Option<String>,
        lead_id: i64,
    ) -> Result<()> {
        let now = self.now();
        self.store
            .write_durable_async(move |tx| {
                outbox_store::transition(tx, id, to, reason.as_deref(), None, now)
            })
            .await?;
        self.messages_added(lead_id);
        Ok(())
    }

    async fn refresh_conversation(&self, lead_id: i64) -> Result<()> {
        let target = self
            .store
            .read_async(move |c| sync_writes::target(c, lead_id))
            .await?
            .ok_or_else(|| InboxError::NotFound(format!("lead {lead_id}")))?;
        self.fetch_conversation_or_fail(&target).await?;
        Ok(())
    }

    async fn reload(&self, id: i64) -> Result<Queued> {
        self.store
            .read_async(move |c| outbox_store::get(c, id))
            .await
    }

    /// Looks for an ambiguous draft in the conversation, if a read is due: found, it is sent;
    /// after the last read without it, it is not confirmed. Returns whether it was found.
    async fn confirm(&self, item: &Queued) -> Result<bool> {
        let (id, lead_id, now) = (item.id, item.lead_id, self.now());
        let schedule = &self.config.confirm_reads;
        let done = usize::try_from(item.confirm_reads).unwrap_or(usize::MAX);
        let Some(wait) = schedule.get(done) else {
            self.move_to(id, OutboxState::NotConfirmed, None, lead_id)
                .await?;
            return Ok(false);
        };
        let since = item.unknown_since.unwrap_or(now);
        let wait = chrono::Duration::from_std(*wait).unwrap_or(chrono::Duration::MAX);
        if since.checked_add_signed(wait).is_none_or(|due| now < due) {
            // Too early: a later pass reads it.
            return Ok(false);
        }
        self.refresh_conversation(lead_id).await?;
        let expected = expected_of(item);
        let last = done + 1 >= schedule.len();
        let found = self
            .store
            .write_durable_async(move |tx| {
                let found = sync_writes::sent_candidates(tx, id)?
                    .into_iter()
                    .find(|m| sent_match::matches(&expected, &m.text, &m.files));
                match &found {
                    Some(message) => outbox_store::transition(
                        tx,
                        id,
                        OutboxState::Sent,
                        None,
                        Some(&message.meli_id),
                        now,
                    )?,
                    None => {
                        outbox_store::count_confirm_read(tx, id)?;
                        if last {
                            outbox_store::transition(
                                tx,
                                id,
                                OutboxState::NotConfirmed,
                                None,
                                None,
                                now,
                            )?;
                        }
                    }
                }
                Ok(found.map(|m| m.meli_id))
            })
            .await?;
        match &found {
            Some(meli_id) => {
                tracing::info!(outbox = id, %meli_id, "an unknown send was found in the conversation")
            }
            None if last => tracing::info!(
                outbox = id,
                "an unknown send was never listed: not confirmed"
            ),
            None => tracing::info!(
                outbox = id,
                read = done + 1,
                "an unknown send is not listed yet"
            ),
        }
        self.messages_added(lead_id);
        if found.is_some() {
            self.leads_changed([lead_id]);
        }
        Ok(found.is_some())
    }

    /// What the post of `item` will show, recorded before it leaves: see [`Self::confirm`].
    async fn start_posting(&self, item: &Queued, route: &Route) -> Result<()> {
        let (id, lead_id, now) = (item.id, item.lead_id, self.now());
        let posted_at = self.client.server_now();
        let (route, text) = (route.clone(), item.text.clone());
        self.store
            .write_durable_async(move |tx| {
                let after = sync_writes::newest_seller_message(tx, lead_id)?;
                let posted_text = match &route {
                    Route::ActionGuide(GuideChoice {
                        option_id,
                        template_id: Some(template),
                    }) => template_text(
                        &crate::store::conversation::action_guide(tx, lead_id)?,
                        option_id,
                        template,
                    ),
                    _ => Some(text),
                };
                outbox_store::start_posting(
                    tx,
                    id,
                    &outbox_store::Posting {
                        after_meli_id: after.as_deref(),
                        posted_at,
                        posted_text: posted_text.as_deref(),
                    },
                    now,
                )
            })
            .await?;
        self.messages_added(lead_id);
        Ok(())
    }

    /// Takes one draft as far as it can go. Returns whether it was sent.
    async fn send_one(&self, item: Queued) -> Result<bool> {
        match item.state {
            OutboxState::Sending => {
                // Left sending by a crash between the post and its answer: whether it arrived
                // is unknown, and only the conversation can tell.
                self.move_to(
                    item.id,
                    OutboxState::Ambiguous,
                    Some("interrupted".into()),
                    item.lead_id,
                )
                .await?;
                let item = self.reload(item.id).await?;
                return self.confirm(&item).await;
            }
            OutboxState::Ambiguous => return self.confirm(&item).await,
            _ => {
                // The conversation as it is now: the rules judge fresh facts (the buyer may
                // have written, or the seller on Mercado Libre's site), and an offline machine
                // fails here, with the draft still pending, rather than in the middle of a post.
                self.refresh_conversation(item.lead_id).await?;
            }
        }

        let (lead_id, id) = (item.lead_id, item.id);
        let (lead, facts) = self
            .store
            .read_async(move |c| sync_writes::facts_for_outbox(c, lead_id, id))
            .await?;
        let draft = Draft {
            text: item.text.clone(),
            files: self.inspect_files(&item).await?,
            guide: item.guide.clone(),
        };
        let plan = match rules::may_send(&lead, &facts, &draft) {
            Ok(plan) => plan,
            Err(refusal) => {
                tracing::info!(
                    outbox = id,
                    code = refusal.code(),
                    "draft refused before sending"
                );
                self.move_to(
                    id,
                    OutboxState::Failed,
                    Some(refusal.code().into()),
                    lead_id,
                )
                .await?;
                return Ok(false);
            }
        };

        let mut uploaded = item.uploaded.clone();
        if plan.send_files && item.files.len() > uploaded.len() {
            if item.state == OutboxState::Pending {
                self.move_to(id, OutboxState::Uploading, None, lead_id)
                    .await?;
            }
            for (file, inspected) in item.files.iter().zip(&draft.files).skip(uploaded.len()) {
                let path = self.cache_dir.join(&file.cache_name);
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|e| InboxError::io(&format!("reading {}", file.name), &e))?;
                let bytes = bytes::Bytes::from(bytes);
                let mime = mime_of(inspected);
                let client = self.client.interactive();
                let attachment = self
                    .request(|| client.upload_attachment(&file.name, mime, bytes.clone()))
                    .await?;
                let attachment_id = attachment.id.clone();
                self.store
                    .write_async(move |tx| outbox_store::record_upload(tx, id, &attachment_id))
                    .await?;
                uploaded.push(attachment.id);
            }
        }
        if !plan.send_files {
            uploaded.clear();
        }

        self.start_posting(&item, &plan.route).await?;
        let sent_files = sent_attachments(&uploaded, &draft.files);
        let result = self.post(&item, &plan.route, uploaded).await;
        match result {
            Ok(Some(message)) => {
                let mut raw = message.raw;
                // The answer may leave out `from` (its shape is undocumented): it is ours.
                if raw.get("from").is_none_or(serde_json::Value::is_null) {
                    raw["from"] = json!({"user_id": self.seller_id.to_string()});
                }
                // Nor does it list the files (the published answer has none): they are the
                // ones just uploaded, so the chat shows them at once rather than after the
                // conversation is read again.
                if raw
                    .get("message_attachments")
                    .is_none_or(|a| a.as_array().is_none_or(Vec::is_empty))
                    && sent_files.as_array().is_some_and(|files| !files.is_empty())
                {
                    raw["message_attachments"] = sent_files;
                }
                let incoming =
                    IncomingConversation::from_api(&json!({"messages": [raw]}), self.seller_id);
                let meli_id = message.id.clone();
                let now = self.now();
                self.store
                    .write_durable_async(move |tx| {
                        messages::apply_page(tx, lead_id, &incoming)?;
                        outbox_store::transition(
                            tx,
                            id,
                            OutboxState::Sent,
                            None,
                            Some(&meli_id),
                            now,
                        )
                    })
                    .await?;
                self.messages_added(lead_id);
                self.leads_changed([lead_id]);
                Ok(true)
            }
            Ok(None) => {
                // Accepted without a readable answer: the conversation has the message, and
                // tells its id.
                self.move_to(
                    id,
                    OutboxState::Ambiguous,
                    Some("no_answer_body".into()),
                    lead_id,
                )
                .await?;
                let item = self.reload(id).await?;
                self.confirm(&item).await
            }
            Err(err) if err.needs_reconnect() => {
                // A 401 the refresh could not fix: the request was not processed.
                self.move_to(
                    id,
                    OutboxState::Failed,
                    Some("source_disabled".into()),
                    lead_id,
                )
                .await?;
                Err(err.into())
            }
            Err(err @ MeliError::SendOutcomeUnknown { .. }) => {
                // Maybe sent: from now on only reading the conversation settles it.
                tracing::info!(outbox = id, %err, "the outcome of a send is unknown");
                self.move_to(id, OutboxState::Ambiguous, Some(err.code().into()), lead_id)
                    .await?;
                let item = self.reload(id).await?;
                match self.confirm(&item).await {
                    Ok(found) => Ok(found),
                    // Offline now: the reads wait for the next pass.
                    Err(read) => {
                        tracing::info!(outbox = id, %read, "could not read the conversation");
                        Ok(false)
                    }
                }
            }
            Err(err) if err.is_transient() => {
                // Offline before the request left, throttled, or the action guide's lock: not
                // processed, so it goes again later as it is.
                self.move_to(id, OutboxState::Pending, None, lead_id)
                    .await?;
                Err(err.into())
            }
            Err(err) => {
                // Mercado Libre refused it (blocked, too long, cap used…): kept with the reason.
                tracing::info!(
                    outbox = id,
                    code = err.code(),
                    "Mercado Libre refused the draft"
                );
                if matches!(plan.route, Route::ActionGuide(_)) {
                    // A refused reason means the guide changed under us (its cap used
                    // elsewhere, the buyer wrote, a block): read it again before the failure is
                    // shown, so the picker shows what is left with it.
                    if let Err(refresh) = self.refresh_conversation(lead_id).await {
                        tracing::info!(%refresh, lead_id, "could not re-read the action guide");
                    }
                }
                self.move_to(id, OutboxState::Failed, Some(err.code().into()), lead_id)
                    .await?;
                Ok(false)
            }
        }
    }

    async fn post(
        &self,
        item: &Queued,
        route: &Route,
        attachments: Vec<String>,
    ) -> std::result::Result<Option<meli::models::Message>, MeliError> {
        let lead_id = item.lead_id;
        let facts = self
            .store
            .read_async(move |c| {
                let target = sync_writes::target(c, lead_id)?;
                let to = sync_writes::counterpart(c, lead_id)?;
                Ok((target, to))
            })
            .await;
        let (target, to) = match facts {
            Ok((Some(target), Some(to))) => (target, to),
            _ => {
                return Err(MeliError::BadRequest {
                    message: "the lead has no conversation or buyer to write to".into(),
                })
            }
        };
        let client = self.client.interactive();
        match route {
            Route::Messages => {
                let message = SendMessage {
                    from: self.seller_id,
                    to,
                    text: item.text.clone(),
                    attachments,
                };
                client
                    .send_message(target.conversation_id, self.seller_id, &message)
                    .await
            }
            Route::ActionGuide(choice) => client
                .send_option(target.conversation_id, &option_request(choice, &item.text))
                .await
                .map(Some),
        }
    }

    /// The draft's files as the rules judge them, read from our copies in the cache.
    async fn inspect_files(&self, item: &Queued) -> Result<Vec<DraftFile>> {
        let files: Vec<_> = item
            .files
            .iter()
            .map(|f| (self.cache_dir.join(&f.cache_name), f.name.clone()))
            .collect();
        tokio::task::spawn_blocking(move || {
            files
                .iter()
                .map(|(path, name)| {
                    DraftFile::from_path(Path::new(path), name)
                        .map_err(|e| InboxError::io(&format!("reading {name}"), &e))
                })
                .collect::<Result<Vec<_>>>()
        })
        .await
        .map_err(|e| InboxError::task("file", &e))?
    }
}

fn option_request(choice: &GuideChoice, text: &str) -> OptionRequest {
    let option_id = OptionId::parse(&choice.option_id);
    match &choice.template_id {
        Some(template) => OptionRequest::template(option_id, template.clone()),
        None => OptionRequest::free_text(option_id, text),
    }
}

/// The uploaded files in the shape of a listed message's `message_attachments`.
fn sent_attachments(uploaded: &[String], files: &[DraftFile]) -> serde_json::Value {
    serde_json::Value::Array(
        uploaded
            .iter()
            .zip(files)
            .map(|(id, file)| {
                json!({
                    "filename": id,
                    "original_filename": file.name,
                    "type": mime_of(file),
                    "size": file.size,
                })
            })
            .collect(),
    )
}

fn mime_of(file: &DraftFile) -> &'static str {
    match file.content {
        rules::FileContent::Jpeg => "image/jpeg",
        rules::FileContent::Png => "image/png",
        rules::FileContent::Pdf => "application/pdf",
        rules::FileContent::Text => "text/plain",
        _ => "application/octet-stream",
    }
}

/// The text Mercado Libre sends for `template` of `option` on the account's site, as the
/// stored action guide gave it.
fn template_text(guide: &ActionGuide, option: &str, template: &str) -> Option<String> {
    let ActionGuide::Required { options } = guide else {
        return None;
    };
    options
        .iter()
        .find(|o| o.id == option)
        .and_then(|o| match &o.kind {
            OptionKind::Template { texts, .. } => texts.get(template).cloned(),
            OptionKind::FreeText { .. } => None,
        })
}

/// What the last post of `item` shows in the conversation: its recorded text (drafts posted
/// before that was recorded: their own text, unless a template), and the files uploaded for it.
fn expected_of(item: &Queued) -> sent_match::Expected {
    let template = item.guide.as_ref().is_some_and(|g| g.template_id.is_some());
    sent_match::Expected {
        text: item
            .posted_text
            .clone()
            .or_else(|| (!template).then(|| item.text.clone())),
        files: item
            .files
            .iter()
            .take(item.uploaded.len())
            .map(|f| f.name.clone())
            .collect(),
    }
}
