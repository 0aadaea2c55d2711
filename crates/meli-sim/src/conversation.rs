//! The rules of a post-sale conversation: who is on the other side, whether it is blocked and
//! why, and how its messages come to exist (generated history included).

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalog;
use crate::model::{Conversation, LogisticType, Message, Moderation, OrderStatus, ShipmentStatus};
use crate::rng::Rng;
use crate::state::World;

/// Substatus of a Mercado Envíos 2 sale the buyer has not written about yet.
pub const SELLER_LIMITED: &str = "blocked_by_conversation_initiated_by_seller_limited";

/// Conversations close 18 months after the purchase; their messages are no longer returned.
pub const EXPIRY_DAYS: i64 = 548;

/// `conversation_status` as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub blocked: bool,
    pub substatus: Option<String>,
    pub date: DateTime<Utc>,
}

impl World {
    /// Who the seller talks to: the buyer, or the country's messaging agent.
    pub fn counterpart(&self, conversation: &Conversation) -> u64 {
        conversation.agent.unwrap_or(conversation.buyer)
    }

    /// Generated history becomes real messages the first time anyone touches the conversation.
    pub fn materialize(&mut self, key: u64) {
        let Some(conversation) = self.conversations.get(&key) else {
            return;
        };
        if conversation.seeded == 0 {
            return;
        }
        let seeded = conversation.seeded;
        let all_read = conversation.seeded_read;
        let seller = conversation.seller;
        let other = self.counterpart(conversation);
        let start = self
            .sale_orders(key)
            .first()
            .map(|o| o.date_closed.unwrap_or(o.date_created))
            .unwrap_or_default();
        let portuguese = self.users.get(&seller).is_some_and(|u| u.site.portuguese);
        let (buyer_lines, seller_lines) = if portuguese {
            (catalog::BUYER_LINES_PT, catalog::SELLER_LINES_PT)
        } else {
            (catalog::BUYER_LINES_ES, catalog::SELLER_LINES_ES)
        };
        let mut rng = Rng::for_key(self.seed ^ 0xC0_1A, key);
        // The streams of neighbouring keys overlap (the generator steps by the constant keys
        // are spread by), so drawn ids would repeat between conversations; mixed with the
        // key's own hash (one to one) they never do, as Mercado Libre's never do.
        let key_hash = Rng::for_key(0, key).next_u64();
        let client_id = crate::model::SITE_CLIENT_ID;
        let mut messages = Vec::with_capacity(usize::from(seeded));
        for i in 0..seeded {
            let from_buyer = i.is_multiple_of(2);
            let created = start + TimeDelta::minutes(17 * (i64::from(i) + 1));
            let last = i + 1 == seeded;
            let read = if from_buyer && last && !all_read {
                None
            } else {
                Some(created + TimeDelta::minutes(5))
            };
            messages.push(Message {
                id: format!("{:016x}{:016x}", rng.next_u64() ^ key_hash, rng.next_u64()),
                from: if from_buyer { other } else { seller },
                to: if from_buyer { seller } else { other },
                text: (*rng.pick(if from_buyer {
                    buyer_lines
                } else {
                    seller_lines
                }))
                .into(),
                created,
                read,
                moderation: Moderation::Clean,
                attachments: Vec::new(),
                client_id,
            });
        }
        if let Some(conversation) = self.conversations.get_mut(&key) {
            let mut appended = std::mem::take(&mut conversation.messages);
            messages.append(&mut appended);
            conversation.messages = messages;
            conversation.seeded = 0;
        }
    }

    /// Unread messages for the seller, without materialising generated history.
    pub fn unread_count(&self, conversation: &Conversation) -> usize {
        let seeded_unread = usize::from(
            conversation.seeded > 0
                && !conversation.seeded_read
                && !conversation.seeded.is_multiple_of(2),
        );
        seeded_unread
            + conversation
                .messages
                .iter()
                .filter(|m| m.from != conversation.seller && m.read.is_none())
                .filter(|m| m.moderation == Moderation::Clean)
                .count()
    }

    /// The buyer (or the agent for them) has written in this conversation.
    pub fn buyer_has_written(&self, conversation: &Conversation) -> bool {
        conversation.seeded > 0
            || conversation
                .messages
                .iter()
                .any(|m| m.from != conversation.seller && m.moderation == Moderation::Clean)
    }

    pub fn status(&self, key: u64, now: DateTime<Utc>) -> Option<Status> {
        let conversation = self.conversations.get(&key)?;
        let orders = self.sale_orders(key);
        if self.expired(key, now) {
            let date = orders
                .first()
                .map(|o| o.date_created + TimeDelta::days(EXPIRY_DAYS))
                .unwrap_or(now);
            return Some(Status {
                blocked: true,
                substatus: Some("blocked_by_conversation_expired".into()),
                date,
            });
        }
        let last_update = orders
            .iter()
            .map(|o| o.last_updated)
            .max()
            .unwrap_or_default();
        let blocked = |substatus: &str, date: DateTime<Utc>| {
            Some(Status {
                blocked: true,
                substatus: Some(substatus.to_owned()),
                date,
            })
        };
        if let Some((substatus, date)) = &conversation.block {
            return blocked(substatus, *date);
        }
        if self
            .users
            .get(&conversation.buyer)
            .is_some_and(|u| u.deactivated)
        {
            return blocked("blocked_by_deactivated_account", last_update);
        }
        let has_messages = conversation.seeded > 0 || !conversation.messages.is_empty();
        let all_cancelled = !orders.is_empty()
            && orders
                .iter()
                .all(|o| matches!(o.status, OrderStatus::Cancelled | OrderStatus::Invalid));
        // Conversations opened before the cancellation stay open.
        if all_cancelled && !has_messages {
            return blocked("blocked_by_cancelled_order", last_update);
        }
        if orders.iter().any(|o| o.status.awaits_payment()) {
            return blocked("blocked_by_payment", last_update);
        }
        let shipment = self.sale_shipment(key);
        if shipment.is_some_and(|s| {
            s.logistic_type == LogisticType::Fulfillment && s.status != ShipmentStatus::Delivered
        }) {
            return blocked("blocked_by_fulfillment", last_update);
        }
        if self.sale_logistic(key).is_me2() && !self.buyer_has_written(conversation) {
            return blocked(SELLER_LIMITED, last_update);
        }
        Some(Status {
            blocked: false,
            substatus: None,
            date: last_update,
        })
    }

    /// 18 months have passed since the purchase.
    pub fn expired(&self, key: u64, now: DateTime<Utc>) -> bool {
        self.sale_orders(key)
            .first()
            .is_some_and(|o| o.date_created + TimeDelta::days(EXPIRY_DAYS) < now)
    }

    /// Appends a message and returns its index.
    pub fn push_message(&mut self, key: u64, message: Message) -> Option<usize> {
        self.materialize(key);
        let conversation = self.conversations.get_mut(&key)?;
        if conversation.listing_lag > 0 {
            conversation
                .unlisted
                .push((message.id.clone(), conversation.listing_lag));
        }
        conversation.messages.push(message);
        Some(conversation.messages.len() - 1)
    }

    /// Marks what the other side wrote as read by `reader`.
    pub fn mark_read(&mut self, key: u64, reader: u64, now: DateTime<Utc>) {
        self.materialize(key);
        if let Some(conversation) = self.conversations.get_mut(&key) {
            for m in conversation.messages.iter_mut() {
                if m.to == reader && m.read.is_none() {
                    m.read = Some(now);
                }
            }
        }
    }

    pub fn new_message_id(&mut self) -> String {
        self.runtime.hex(32)
    }
}
