//! How a simulator is set up: which world it builds and which of the documented rules it applies.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The world the simulator starts with. Every scenario is deterministic for a given seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenario {
    /// The registered application and two sellers (MLA and MLB) with no orders yet; tests add
    /// what they need through the control API.
    Empty,
    /// Two sellers on different sites with a few hundred orders in every status, packs,
    /// conversations in Spanish and Portuguese, attachments, moderated messages, blocked
    /// conversations and orders that need the action guide.
    Demo,
    /// Many plain orders for benchmarks; their conversations are generated on demand so that
    /// 100,000 orders build in well under a second.
    Bulk {
        orders: u32,
        messages_per_order: u16,
    },
}

/// Requests per minute for one application, counted separately for reads (GET) and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub reads_per_minute: u32,
    pub writes_per_minute: u32,
}

impl Default for RateLimit {
    /// The published messaging limits: 500 reads and 500 writes per minute.
    fn default() -> Self {
        Self {
            reads_per_minute: 500,
            writes_per_minute: 500,
        }
    }
}

/// Everything a [`crate::Simulator`] is started with.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub scenario: Scenario,
    pub seed: u64,
    /// Port on 127.0.0.1 for the API; 0 picks a free one.
    pub port: u16,
    /// Port on 127.0.0.1 for the authorization page, which stands in for another host and so
    /// listens apart; 0 picks a free one.
    pub auth_port: u16,
    /// The application has PKCE turned on: `code_challenge` and `code_verifier` become mandatory.
    pub pkce_required: bool,
    /// Seller searches leave cancelled orders out unless `order.status` asks for them (the
    /// stricter reading of the documentation).
    pub strict_cancelled_filter: bool,
    /// `None` turns rate limiting off.
    pub rate_limit: Option<RateLimit>,
    /// The authorization page approves at once, as the logged-in seller (demo mode).
    pub auto_approve: bool,
    /// Where the simulated clock starts; `None` means the real time at start.
    pub start_time: Option<DateTime<Utc>>,
    /// Buyers act by themselves at this interval (pay, write, buy).
    pub live: Option<Duration>,
    /// How long sending an action-guide option holds its lock on the sale; a second option on
    /// the same sale meanwhile gets 409.
    pub action_guide_processing: Duration,
    /// The application's registered redirect URI, matched exactly. Defaults to the relay URL
    /// [`crate::REDIRECT_URI`].
    pub redirect_uri: String,
    /// Pre-sale questions to add over the sellers' listings (benchmarks); 0 adds none.
    pub bulk_questions: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            scenario: Scenario::Empty,
            seed: 1,
            port: 0,
            auth_port: 0,
            pkce_required: false,
            strict_cancelled_filter: true,
            rate_limit: Some(RateLimit::default()),
            auto_approve: false,
            start_time: None,
            live: None,
            action_guide_processing: Duration::from_millis(250),
            redirect_uri: crate::ids::REDIRECT_URI.to_owned(),
            bulk_questions: 0,
        }
    }
}

impl SimConfig {
    /// Two sellers, no orders, a free port.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The demo world. The authorization page still asks; set `auto_approve` for the app's demo.
    pub fn demo() -> Self {
        Self {
            scenario: Scenario::Demo,
            ..Self::default()
        }
    }

    /// Adds `count` pre-sale questions to the world (see [`SimConfig::bulk_questions`]).
    pub fn with_questions(mut self, count: u32) -> Self {
        self.bulk_questions = count;
        self
    }

    /// A benchmark world of `orders` orders with `messages_per_order` messages each.
    pub fn bulk(orders: u32, messages_per_order: u16) -> Self {
        Self {
            scenario: Scenario::Bulk {
                orders,
                messages_per_order,
            },
            ..Self::default()
        }
    }
}
