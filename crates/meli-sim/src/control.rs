//! The in-process control handle: what buyers, Mercado Libre's own site and the test harness do
//! to the world. `control_http` exposes the same operations under `/_sim/`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments;
use crate::config::RateLimit;
use crate::error::SimError;
use crate::faults::FaultRule;
use crate::ids::Landmarks;
use crate::model::{App, Message, OrderStatus, ShipmentStatus};
use crate::moderation::{self, BUYER_MAX_CHARS};
use crate::request_log::LoggedRequest;
use crate::scenario::{CreatedSale, NewSale};
use crate::state::Shared;
use crate::tokens::TokenPair;

/// A file a buyer attaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub filename: String,
    pub data: Vec<u8>,
}

/// What a test needs to know about the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimSummary {
    pub client_id: u64,
    pub client_secret: String,
    pub redirect_uri: String,
    pub sellers: Vec<u64>,
    pub orders: usize,
    pub landmarks: Landmarks,
    pub now: DateTime<Utc>,
}

/// Steers a running simulator from the same process. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Control {
    shared: Arc<Shared>,
}

impl Control {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    pub fn app(&self) -> App {
        self.shared.world().app.clone()
    }

    pub fn summary(&self) -> SimSummary {
        let world = self.shared.world();
        SimSummary {
            client_id: world.app.client_id,
            client_secret: world.app.client_secret.clone(),
            redirect_uri: world.app.redirect_uri.clone(),
            sellers: world.sellers.clone(),
            orders: world.orders.len(),
            landmarks: world.landmarks.clone(),
            now: self.shared.now(),
        }
    }

    /// A landmark of the scenario by name (see [`Landmarks`]).
    pub fn landmark(&self, name: &str) -> Option<u64> {
        self.shared.world().landmarks.get(name)
    }

    /// A fresh token pair for a seller, as if they had gone through OAuth.
    pub fn issue_token(&self, user_id: u64) -> Result<TokenPair, SimError> {
        let now = self.shared.now();
        let mut world = self.shared.world();
        if !world.is_seller(user_id) {
            return Err(SimError::NotASeller(user_id));
        }
        let world = &mut *world;
        let app = world.app.clone();
        Ok(world.tokens.issue(&mut world.rng, &app, user_id, now))
    }

    pub fn create_sale(&self, sale: NewSale) -> Result<CreatedSale, SimError> {
        let now = self.shared.now();
        self.shared.world().create_sale(&sale, now)
    }

    fn set_order_status(&self, order_id: u64, status: OrderStatus) -> Result<(), SimError> {
        let now = self.shared.now();
        let mut world = self.shared.world();
        let order = world
            .order_mut(order_id)
            .ok_or(SimError::UnknownOrder(order_id))?;
        order.status = status;
        order.last_updated = now;
        if status.was_paid() && order.date_closed.is_none() {
            order.date_closed = Some(now);
        }
        let shipment = order.shipment;
        if let Some(s) = shipment.and_then(|id| world.shipments.get_mut(&id)) {
            s.last_updated = now;
            s.status = match status {
                OrderStatus::Cancelled | OrderStatus::Invalid => ShipmentStatus::Cancelled,
                OrderStatus::Paid if s.status == ShipmentStatus::Pending => {
                    ShipmentStatus::ReadyToShip
                }
                _ => s.status,
            };
        }
        Ok(())
    }

    /// The buyer's payment is credited: the order becomes `paid`.
    pub fn buyer_pays(&self, order_id: u64) -> Result<(), SimError> {
        self.set_order_status(order_id, OrderStatus::Paid)
    }

    /// The order is cancelled.
    pub fn buyer_cancels(&self, order_id: u64) -> Result<(), SimError> {
        self.set_order_status(order_id, OrderStatus::Cancelled)
    }

    /// Any status, for tests of status mapping.
    pub fn set_order_status_to(&self, order_id: u64, status: OrderStatus) -> Result<(), SimError> {
        self.set_order_status(order_id, status)
    }

    /// The order's shipment is delivered (unblocks Full sales, withdraws OTHER).
    pub fn deliver(&self, order_id: u64) -> Result<(), SimError> {
        let now = self.shared.now();
        let mut world = self.shared.world();
        let shipment = world
            .order(order_id)
            .ok_or(SimError::UnknownOrder(order_id))?
            .shipment;
        if let Some(s) = shipment.and_then(|id| world.shipments.get_mut(&id)) {
            s.status = ShipmentStatus::Delivered;
            s.last_updated = now;
        }
        if let Some(order) = world.order_mut(order_id) {
            order.last_updated = now;
        }
        Ok(())
    }

    fn key(&self, pack_or_order: u64) -> Result<u64, SimError> {
        self.shared
            .world()
            .conversation_key(pack_or_order)
            .ok_or(SimError::UnknownPack(pack_or_order))
    }

    /// The buyer writes (with an optional attachment). Buyer messages that carry contact data
    /// are moderated and never reach the seller. Returns the message id.
    pub fn buyer_writes(
        &self,
        pack_or_order: u64,
        text: &str,
        attachment: Option<Upload>,
    ) -> Result<String, SimError> {
        let key = self.key(pack_or_order)?;
        if moderation::char_count(text) > BUYER_MAX_CHARS {
            return Err(SimError::NotAllowed(format!(
                "buyers may write at most {BUYER_MAX_CHARS} characters"
            )));
        }
        let now = self.shared.now();
        let mut world = self.shared.world();
        let (buyer, from, seller) = {
            let c = world
                .conversations
                .get(&key)
                .ok_or(SimError::UnknownPack(key))?;
            (c.buyer, world.counterpart(c), c.seller)
        };
        let mut ids = Vec::new();
        if let Some(upload) = attachment {
            let id = attachments::store(
                &mut world,
                buyer,
                &upload.filename,
                Bytes::from(upload.data),
                now,
            )
            .map_err(|e| SimError::NotAllowed(e.body.to_string()))?;
            if let Some(a) = world.attachments.get_mut(&id) {
                a.attached = true;
            }
            ids.push(id);
        }
        let id = world.new_message_id();
        let client_id = crate::model::SITE_CLIENT_ID;
        world.push_message(
            key,
            Message {
                id: id.clone(),
                from,
                to: seller,
                text: text.to_owned(),
                created: now,
                read: None,
                moderation: moderation::moderate(text),
                attachments: ids,
                client_id,
            },
        );
        if let Some(c) = world.conversations.get_mut(&key) {
            // A refund block reopens when the buyer writes.
            if c.block.as_ref().is_some_and(|b| b.0 == "blocked_by_refund") {
                c.block = None;
            }
        }
        Ok(id)
    }

    /// The buyer opens the conversation: the seller's messages become read.
    pub fn buyer_reads(&self, pack_or_order: u64) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        let now = self.shared.now();
        let mut world = self.shared.world();
        let reader = world
            .conversations
            .get(&key)
            .map(|c| world.counterpart(c))
            .ok_or(SimError::UnknownPack(key))?;
        world.mark_read(key, reader, now);
        Ok(())
    }

    /// The seller opens the conversation on Mercado Libre's own site or app: the buyer's
    /// messages become read there, so `/messages/unread` no longer lists them.
    pub fn seller_reads_on_site(&self, pack_or_order: u64) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        let now = self.shared.now();
        let mut world = self.shared.world();
        let seller = world
            .conversations
            .get(&key)
            .map(|c| c.seller)
            .ok_or(SimError::UnknownPack(key))?;
        world.mark_read(key, seller, now);
        Ok(())
    }

    /// The seller writes from Mercado Libre's own site (not through the API).
    pub fn seller_writes_on_site(
        &self,
        pack_or_order: u64,
        text: &str,
    ) -> Result<String, SimError> {
        let key = self.key(pack_or_order)?;
        let now = self.shared.now();
        let mut world = self.shared.world();
        let (seller, to) = world
            .conversations
            .get(&key)
            .map(|c| (c.seller, world.counterpart(c)))
            .ok_or(SimError::UnknownPack(key))?;
        let id = world.new_message_id();
        let client_id = crate::model::SITE_CLIENT_ID;
        world.push_message(
            key,
            Message {
                id: id.clone(),
                from: seller,
                to,
                text: text.to_owned(),
                created: now,
                read: None,
                moderation: moderation::moderate(text),
                attachments: Vec::new(),
                client_id,
            },
        );
        Ok(id)
    }

    /// From now on, each new message of the conversation stays out of its listing for the
    /// next `reads` listing requests (0 lists them at once again): Mercado Libre may accept a
    /// send and list it only later.
    pub fn list_late(&self, pack_or_order: u64, reads: u32) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        let mut world = self.shared.world();
        world.materialize(key);
        let conversation = world
            .conversations
            .get_mut(&key)
            .ok_or(SimError::UnknownPack(key))?;
        conversation.listing_lag = reads;
        Ok(())
    }

    /// Blocks a conversation with a documented substatus (`blocked_by_buyer`, `blocked_by_time`,
    /// `blocked_by_mediation`, …).
    pub fn block_conversation(&self, pack_or_order: u64, substatus: &str) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        let now = self.shared.now();
        let mut world = self.shared.world();
        if let Some(c) = world.conversations.get_mut(&key) {
            c.block = Some((substatus.to_owned(), now));
        }
        Ok(())
    }

    pub fn unblock_conversation(&self, pack_or_order: u64) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        if let Some(c) = self.shared.world().conversations.get_mut(&key) {
            c.block = None;
        }
        Ok(())
    }

    /// Marks a sale as an excepted case and/or its buyer as deactivated (`None` leaves as is).
    pub fn set_flags(
        &self,
        pack_or_order: u64,
        excepted_case: Option<bool>,
        buyer_deactivated: Option<bool>,
    ) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        let mut world = self.shared.world();
        let buyer = match world.conversations.get_mut(&key) {
            Some(c) => {
                if let Some(e) = excepted_case {
                    c.excepted_case = e;
                }
                c.buyer
            }
            None => return Err(SimError::UnknownPack(key)),
        };
        if let (Some(d), Some(user)) = (buyer_deactivated, world.users.get_mut(&buyer)) {
            user.deactivated = d;
        }
        Ok(())
    }

    /// Sets how many messages are left for an action-guide option on a sale, as Mercado Libre
    /// would after the seller used it elsewhere (its site, another app): `0` makes the next
    /// `POST …/option` for it answer 403 `limit_exceeded`.
    pub fn set_cap(&self, pack_or_order: u64, option_id: &str, cap: u8) -> Result<(), SimError> {
        let index = crate::action_guide::OPTIONS
            .iter()
            .position(|o| *o == option_id)
            .ok_or_else(|| SimError::InvalidControl(format!("unknown option {option_id}")))?;
        let key = self.key(pack_or_order)?;
        let mut world = self.shared.world();
        let conversation = world
            .conversations
            .get_mut(&key)
            .ok_or(SimError::UnknownPack(key))?;
        conversation.caps[index] = cap;
        Ok(())
    }

    /// Texts the buyer can see, oldest first: moderated seller messages never reach them.
    pub fn buyer_sees(&self, pack_or_order: u64) -> Result<Vec<String>, SimError> {
        let key = self.key(pack_or_order)?;
        let mut world = self.shared.world();
        world.materialize(key);
        let c = world
            .conversations
            .get(&key)
            .ok_or(SimError::UnknownPack(key))?;
        Ok(c.messages
            .iter()
            .filter(|m| m.from == c.seller && m.moderation == crate::model::Moderation::Clean)
            .map(|m| m.text.clone())
            .collect())
    }

    /// Messages the seller has not read yet in a conversation, as Mercado Libre counts them —
    /// for tests that check a sync never marks anything read.
    pub fn seller_unread(&self, pack_or_order: u64) -> Result<usize, SimError> {
        let key = self.key(pack_or_order)?;
        let world = self.shared.world();
        let c = world
            .conversations
            .get(&key)
            .ok_or(SimError::UnknownPack(key))?;
        Ok(world.unread_count(c))
    }

    /// The seller revokes the application: their tokens and refresh tokens stop working.
    pub fn revoke_app(&self, user_id: u64) {
        self.shared.world().tokens.revoke_user(user_id);
    }

    /// Who is logged in on the authorization page.
    pub fn log_in_as(&self, user_id: u64) -> Result<(), SimError> {
        let mut world = self.shared.world();
        if !world.is_seller(user_id) {
            return Err(SimError::NotASeller(user_id));
        }
        world.logged_in = user_id;
        Ok(())
    }

    pub fn set_pkce_required(&self, required: bool) {
        self.shared.world().pkce_required = required;
    }

    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.shared.rate.set(limit);
    }

    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.shared.now()
    }

    pub fn inject_fault(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    /// Makes one conversation's message reads fail with `kind`, `times` times or for ever
    /// (`None`), whatever else the tests injected. Applies to the conversation's own path,
    /// `/messages/packs/{pack or lone order}/…`.
    pub fn fault_pack(
        &self,
        pack_or_order: u64,
        kind: crate::faults::FaultKind,
        times: Option<u32>,
    ) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        let prefix = pack_fault_prefix(key);
        self.shared.faults.remove_prefix(&prefix);
        self.shared.faults.add(FaultRule {
            path_prefix: prefix,
            method: Some("GET".into()),
            kind,
            times,
            rate_percent: if times.is_none() { Some(100) } else { None },
        });
        Ok(())
    }

    /// Lifts what [`Control::fault_pack`] set for the conversation.
    pub fn lift_pack_fault(&self, pack_or_order: u64) -> Result<(), SimError> {
        let key = self.key(pack_or_order)?;
        self.shared.faults.remove_prefix(&pack_fault_prefix(key));
        Ok(())
    }

    /// The hard-edge switches now.
    pub fn switches(&self) -> crate::switches::SwitchState {
        self.shared.switches.get()
    }

    /// Turns hard-edge switches on or off; returns them all.
    pub fn set_switches(
        &self,
        change: &crate::switches::SwitchChange,
    ) -> crate::switches::SwitchState {
        self.shared.switches.apply(change)
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    pub fn faults(&self) -> Vec<FaultRule> {
        self.shared.faults.rules()
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.entries()
    }

    /// Requests per endpoint, keyed like `GET /orders/{id}`.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.shared.log.counts()
    }

    /// Reads (GETs) logged per application (client id), whichever seller's token made them.
    pub fn reads_per_application(&self) -> BTreeMap<u64, u64> {
        let mut counts = BTreeMap::new();
        for r in self.shared.log.entries() {
            if let (true, Some(app)) = (r.is_read(), r.application) {
                *counts.entry(app).or_insert(0) += 1;
            }
        }
        counts
    }

    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Buyers act by themselves every `interval`; `None` stops them.
    pub fn set_live(&self, interval: Option<Duration>) {
        *self.shared.live.lock().unwrap_or_else(|e| e.into_inner()) = interval;
    }
}

fn pack_fault_prefix(key: u64) -> String {
    format!("/messages/packs/{key}/")
}
