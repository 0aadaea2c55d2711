//! The outbox's network side. A draft is judged by the rules again right before it goes (the
//! conversation may have changed since it was queued), its files uploaded once each, then
//! posted; the sent message is stored with Mercado Libre's id in the same transaction that
//! marks the draft sent.
//!
//! A send whose outcome is unknown (the connection died after the request left, a 5xx, a
//! crash between posting and recording) is never posted again blindly: the conversation is
//! read first, and a seller message with the draft's text written since it was queued proves
//! it arrived.

use std::path::Path;

use meli::models::{OptionId, OptionRequest};
use meli::{MeliError, SendMessage};
use serde_json::json;

use super::account::AccountSync;
use crate::error::{InboxError, Result};
use crate::incoming::IncomingConversation;
use crate::ipc::OutboxState;
use crate::rules::{self, Draft, DraftFile, GuideChoice, Route};
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

    /// Reads the conversation and looks for the draft in it. Returns whether it was there (the
    /// draft is then marked sent with that message's id).
    async fn reconcile(&self, item: &Queued) -> Result<bool> {
        let lead_id = item.lead_id;
        self.refresh_conversation(lead_id).await?;
        let (id, text, template) = (
            item.id,
            item.text.clone(),
            item.guide.as_ref().is_some_and(|g| g.template_id.is_some()),
        );
        let now = self.now();
        let found = self
            .store
            .write_durable_async(move |tx| {
                let since = sync_writes::outbox_created_at(tx, id)?;
                let text = (!template).then_some(text.as_str());
                let found = sync_writes::find_sent(tx, lead_id, text, since)?;
                if let Some(meli_id) = &found {
                    outbox_store::transition(tx, id, OutboxState::Sent, None, Some(meli_id), now)?;
                }
                Ok(found.is_some())
            })
            .await?;
        self.messages_added(lead_id);
        Ok(found)
    }

    /// Takes one draft as far as it can go. Returns whether it was sent.
    async fn send_one(&self, mut item: Queued) -> Result<bool> {
        if matches!(item.state, OutboxState::Sending | OutboxState::Ambiguous) {
            let id = item.id;
            let changed = self
                .store
                .read_async(move |c| sync_writes::outbox_updated_at(c, id))
                .await?;
            let settle = chrono::Duration::from_std(self.config.ambiguous_settle)
                .unwrap_or(chrono::Duration::MAX);
            if self.now() - changed < settle {
                // Too early to tell from the conversation; a later pass settles it.
                return Ok(false);
            }
            if item.state == OutboxState::Sending {
                // Left sending by a crash: whether the post arrived is unknown.
                self.move_to(
                    item.id,
                    OutboxState::Ambiguous,
                    Some("interrupted".into()),
                    item.lead_id,
                )
                .await?;
            }
            if self.reconcile(&item).await? {
                return Ok(true);
            }
            self.move_to(item.id, OutboxState::Pending, None, item.lead_id)
                .await?;
            item.state = OutboxState::Pending;
        } else {
            // The conversation as it is now: the rules judge fresh facts (the buyer may have
            // written, or the seller on Mercado Libre's site), and an offline machine fails
            // here, with the draft still pending, rather than in the middle of a post.
            self.refresh_conversation(item.lead_id).await?;
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

        self.move_to(id, OutboxState::Sending, None, lead_id)
            .await?;
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
                // Accepted without a readable answer: the conversation has the message.
                self.move_to(
                    id,
                    OutboxState::Ambiguous,
                    Some("no_answer_body".into()),
                    lead_id,
                )
                .await?;
                self.reconcile(&item).await
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
            Err(err) if is_unknown_or_transient(&err) => {
                // Maybe sent, or not sent for now: either way the next try reads first.
                self.move_to(id, OutboxState::Ambiguous, Some(err.code().into()), lead_id)
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

/// The post may have arrived (outcome unknown) or may be tried again later (offline,
/// throttled, the action guide's lock): both go through reconciliation first.
fn is_unknown_or_transient(err: &MeliError) -> bool {
    matches!(err, MeliError::SendOutcomeUnknown { .. }) || err.is_transient()
}
