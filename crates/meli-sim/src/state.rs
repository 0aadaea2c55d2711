//! The simulated world and the lookups every resource shares.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::faults::Faults;
use crate::ids::Landmarks;
use crate::model::{App, Attachment, Conversation, LogisticType, Order, Pack, Shipment, User};
use crate::questions::QuestionStore;
use crate::rate_limit::RateLimiter;
use crate::request_log::RequestLog;
use crate::rng::Rng;
use crate::tokens::Tokens;

/// What the HTTP handlers and the control handle share.
#[derive(Debug)]
pub struct Shared {
    pub config: SimConfig,
    pub clock: SimClock,
    pub world: Mutex<World>,
    pub faults: Faults,
    pub log: RequestLog,
    pub rate: RateLimiter,
    /// How often live buyers act; `None` when they don't.
    pub live: Mutex<Option<std::time::Duration>>,
    /// The hard edges of the real API, off unless a test turns them on.
    pub switches: crate::switches::Switches,
}

impl Shared {
    /// The world, even if a panicking thread left the lock poisoned: the simulator's data stays
    /// usable for the test that is running.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

#[derive(Debug)]
pub struct World {
    pub seed: u64,
    pub app: App,
    pub pkce_required: bool,
    pub users: HashMap<u64, User>,
    /// Sellers in the order the scenario created them; the first is logged in on the
    /// authorization page.
    pub sellers: Vec<u64>,
    pub orders: Vec<Order>,
    pub order_index: HashMap<u64, usize>,
    pub seller_orders: HashMap<u64, Vec<usize>>,
    pub packs: HashMap<u64, Pack>,
    pub shipments: HashMap<u64, Shipment>,
    pub conversations: HashMap<u64, Conversation>,
    pub attachments: HashMap<String, Attachment>,
    pub tokens: Tokens,
    pub logged_in: u64,
    /// Conversations whose action-guide option is being processed.
    pub locks: HashSet<u64>,
    /// The seeded world's draws: the same seed builds the same world.
    pub rng: Rng,
    /// Ids of what is written while the simulator runs (messages, uploads). Mercado Libre never
    /// hands out one twice, so these differ between runs of the same seed: a restarted demo
    /// must not give a new message the id an earlier run gave one the cache keeps. (Tokens
    /// stay seeded: a simulator restarted on the same seed is Mercado Libre back from an
    /// outage, and the seller's token still holds.)
    pub runtime: Rng,
    pub next_order_id: u64,
    pub next_pack_id: u64,
    pub next_shipment_id: u64,
    pub next_buyer_id: u64,
    pub landmarks: Landmarks,
    /// Pre-sale questions, the questions blacklists and closed listings.
    pub questions: QuestionStore,
    /// Bumped whenever an order is added or may have changed, so cached sort orders know
    /// they are stale.
    pub order_generation: u64,
    /// Each seller's orders in the order sellers' searches return them, as of a generation.
    sorted: HashMap<u64, (u64, Vec<usize>)>,
}

/// Different in every run of the process (and between worlds of one run).
fn run_entropy() -> u64 {
    static WORLDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let world = WORLDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    nanos ^ (u64::from(std::process::id()) << 32) ^ world.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl World {
    pub fn new(seed: u64, app: App, pkce_required: bool) -> Self {
        Self {
            seed,
            app,
            pkce_required,
            users: HashMap::new(),
            sellers: Vec::new(),
            orders: Vec::new(),
            order_index: HashMap::new(),
            seller_orders: HashMap::new(),
            packs: HashMap::new(),
            shipments: HashMap::new(),
            conversations: HashMap::new(),
            attachments: HashMap::new(),
            tokens: Tokens::default(),
            logged_in: 0,
            locks: HashSet::new(),
            rng: Rng::new(seed ^ 0x5EED),
            runtime: Rng::new(seed ^ run_entropy()),
            next_order_id: 2_000_009_000_000_001,
            next_pack_id: 2_000_006_100_000_001,
            next_shipment_id: 43_700_000_001,
            next_buyer_id: 1_944_000_001,
            landmarks: Landmarks::default(),
            questions: QuestionStore::new(),
            order_generation: 0,
            sorted: HashMap::new(),
        }
    }

    pub fn order(&self, id: u64) -> Option<&Order> {
        self.order_index.get(&id).and_then(|&i| self.orders.get(i))
    }

    pub fn order_mut(&mut self, id: u64) -> Option<&mut Order> {
        let i = *self.order_index.get(&id)?;
        self.order_generation += 1;
        self.orders.get_mut(i)
    }

    /// Indexes of a seller's orders sorted as sellers' searches sort them: by the date the sale
    /// closed (creation for unpaid ones), then id. Sorting 50,000 orders on every page of a
    /// sync would dominate a benchmark, so the order is kept until an order changes.
    pub fn sorted_orders(&mut self, seller: u64) -> &[usize] {
        let generation = self.order_generation;
        let fresh = self
            .sorted
            .get(&seller)
            .is_some_and(|(g, _)| *g == generation);
        if !fresh {
            let mut indexes = self.seller_orders.get(&seller).cloned().unwrap_or_default();
            let orders = &self.orders;
            indexes.sort_by_key(|&i| {
                orders
                    .get(i)
                    .map(|o| (o.date_closed.unwrap_or(o.date_created), o.id))
            });
            self.sorted.insert(seller, (generation, indexes));
        }
        self.sorted.get(&seller).map_or(&[], |(_, v)| v.as_slice())
    }

    pub fn is_seller(&self, id: u64) -> bool {
        self.users.get(&id).is_some_and(|u| u.seller)
    }

    /// The conversation key a path's `pack_id` stands for: a pack, or a lone order's id.
    /// An order that belongs to a pack must be addressed by its pack.
    pub fn conversation_key(&self, pack_or_order: u64) -> Option<u64> {
        if self.packs.contains_key(&pack_or_order) {
            return Some(pack_or_order);
        }
        self.order(pack_or_order)
            .filter(|o| o.pack.is_none())
            .map(|o| o.id)
    }

    /// The orders of a conversation.
    pub fn sale_orders(&self, key: u64) -> Vec<&Order> {
        match self.packs.get(&key) {
            Some(pack) => pack
                .orders
                .iter()
                .filter_map(|id| self.order(*id))
                .collect(),
            None => self.order(key).into_iter().collect(),
        }
    }

    pub fn sale_shipment(&self, key: u64) -> Option<&Shipment> {
        let id = match self.packs.get(&key) {
            Some(pack) => pack.shipment,
            None => self.order(key).and_then(|o| o.shipment),
        }?;
        self.shipments.get(&id)
    }

    pub fn sale_logistic(&self, key: u64) -> LogisticType {
        self.sale_shipment(key)
            .map(|s| s.logistic_type)
            .unwrap_or(LogisticType::Custom)
    }

    /// Drops attachments that were never sent, 48 hours after their upload.
    pub fn purge_orphans(&mut self, now: DateTime<Utc>) {
        let limit = now - chrono::TimeDelta::hours(48);
        self.attachments
            .retain(|_, a| a.attached || a.created > limit);
    }

    pub fn user_name(&self, id: u64) -> Option<String> {
        self.users.get(&id).map(User::full_name)
    }
}
