//! What the inbox tells the UI, in batches: a big import changes thousands of leads, and the
//! UI wants one message per tick, not one per lead. The sync folds changes into a
//! [`Batcher`] and flushes it on a timer; the facade publishes its own writes at once.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use ts_rs::TS;

use crate::ipc::SyncStatus;

/// A new message from a buyer, for a desktop notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "BuyerMessageNote.ts")]
pub struct BuyerMessageNote {
    #[ts(type = "number")]
    pub lead_id: i64,
    pub lead_name: String,
    pub buyer: Option<String>,
    pub excerpt: String,
    /// The seller has an armed draft on this lead: it can go now.
    #[serde(default)]
    pub armed: bool,
}

/// A new question on a listing, for a desktop notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "QuestionNote.ts")]
pub struct QuestionNote {
    #[ts(type = "number")]
    pub question_id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    /// The listing's title, or its id until the title is known.
    pub listing: String,
    pub excerpt: String,
}

/// One batch of changes. Ids are sorted and unique; `sync` is the latest state if it changed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "InboxEvents.ts")]
pub struct InboxEvents {
    /// Leads whose card or column changed: refetch them.
    #[ts(type = "Array<number>")]
    pub leads_changed: Vec<i64>,
    /// Leads with new or changed messages: refetch an open chat.
    #[ts(type = "Array<number>")]
    pub messages_added: Vec<i64>,
    pub sync: Option<SyncStatus>,
    pub buyer_messages: Vec<BuyerMessageNote>,
    /// Questions arrived or changed: refetch the Questions view and its count.
    pub questions_changed: bool,
    pub question_notes: Vec<QuestionNote>,
}

impl InboxEvents {
    pub fn is_empty(&self) -> bool {
        self == &InboxEvents::default()
    }
}

/// Collects changes between flushes.
#[derive(Debug, Default)]
pub struct Batcher {
    leads_changed: BTreeSet<i64>,
    messages_added: BTreeSet<i64>,
    sync: Option<SyncStatus>,
    buyer_messages: Vec<BuyerMessageNote>,
    questions_changed: bool,
    question_notes: Vec<QuestionNote>,
}

/// A flood of notifications is no help: past this many in one batch, the rest are dropped
/// (their leads still appear in `messages_added`).
pub const MAX_NOTES_PER_BATCH: usize = 5;

impl Batcher {
    pub fn leads_changed(&mut self, ids: impl IntoIterator<Item = i64>) {
        self.leads_changed.extend(ids);
    }

    pub fn messages_added(&mut self, lead_id: i64) {
        self.messages_added.insert(lead_id);
    }

    pub fn sync_state(&mut self, status: SyncStatus) {
        self.sync = Some(status);
    }

    pub fn buyer_message(&mut self, note: BuyerMessageNote) {
        self.messages_added.insert(note.lead_id);
        if self.buyer_messages.len() < MAX_NOTES_PER_BATCH {
            self.buyer_messages.push(note);
        }
    }

    pub fn questions_changed(&mut self) {
        self.questions_changed = true;
    }

    pub fn question_note(&mut self, note: QuestionNote) {
        self.questions_changed = true;
        if self.question_notes.len() < MAX_NOTES_PER_BATCH {
            self.question_notes.push(note);
        }
    }

    /// Everything collected since the last take, leaving the batcher empty.
    pub fn take(&mut self) -> InboxEvents {
        let taken = std::mem::take(self);
        InboxEvents {
            leads_changed: taken.leads_changed.into_iter().collect(),
            messages_added: taken.messages_added.into_iter().collect(),
            sync: taken.sync,
            buyer_messages: taken.buyer_messages,
            questions_changed: taken.questions_changed,
            question_notes: taken.question_notes,
        }
    }
}

/// Where batches are published; the shell subscribes and forwards them to the window.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<InboxEvents>,
}

impl Default for EventBus {
    fn default() -> Self {
        // A slow subscriber loses old batches (it sees `Lagged` and refetches the board).
        let (sender, _) = broadcast::channel(64);
        EventBus { sender }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> broadcast::Receiver<InboxEvents> {
        self.sender.subscribe()
    }

    /// Publishes a non-empty batch; having no subscriber is fine.
    pub fn publish(&self, events: InboxEvents) {
        if !events.is_empty() {
            let _ = self.sender.send(events);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(lead_id: i64) -> BuyerMessageNote {
        BuyerMessageNote {
            lead_id,
            lead_name: lead_id.to_string(),
            buyer: None,
            excerpt: "Hola".into(),
            armed: false,
        }
    }

    #[test]
    fn a_batch_coalesces_ids_and_keeps_the_latest_sync_state() {
        let mut batcher = Batcher::default();
        batcher.leads_changed([3, 1, 3]);
        batcher.leads_changed([2]);
        batcher.messages_added(9);
        batcher.messages_added(9);
        batcher.sync_state(SyncStatus::Syncing { done: 1, total: 10 });
        batcher.sync_state(SyncStatus::Syncing { done: 2, total: 10 });
        let events = batcher.take();
        assert_eq!(events.leads_changed, [1, 2, 3]);
        assert_eq!(events.messages_added, [9]);
        assert_eq!(
            events.sync,
            Some(SyncStatus::Syncing { done: 2, total: 10 })
        );
        assert!(batcher.take().is_empty(), "take empties the batcher");
    }

    #[test]
    fn notifications_are_capped_but_their_chats_still_refresh() {
        let mut batcher = Batcher::default();
        for lead in 0..20 {
            batcher.buyer_message(note(lead));
        }
        let events = batcher.take();
        assert_eq!(events.buyer_messages.len(), MAX_NOTES_PER_BATCH);
        assert_eq!(events.messages_added.len(), 20);
    }

    #[tokio::test]
    async fn subscribers_receive_non_empty_batches_only() {
        let bus = EventBus::default();
        let mut rx = bus.subscribe();
        bus.publish(InboxEvents::default());
        bus.publish(InboxEvents {
            leads_changed: vec![4],
            ..InboxEvents::default()
        });
        let received = rx.recv().await.expect("receives");
        assert_eq!(received.leads_changed, [4]);
        assert!(rx.try_recv().is_err(), "the empty batch was not sent");
    }

    #[test]
    fn events_serialize_in_camel_case() {
        let json = serde_json::to_value(InboxEvents {
            messages_added: vec![1],
            ..InboxEvents::default()
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"leadsChanged": [], "messagesAdded": [1], "sync": null, "buyerMessages": [],
                "questionsChanged": false, "questionNotes": []})
        );
    }
}
