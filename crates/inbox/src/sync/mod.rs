//! The sync engine: one loop per connected account that imports a window of history on first
//! connect, then polls Mercado Libre and folds what changed into the store, and sends what
//! waits in the outbox.
//!
//! - [`engine`]: the loop (a timer and a command channel in one `select!`), backoff, shutdown.
//! - [`import`]: the first import (orders page by page, then conversations, most useful first).
//! - [`poll`]: incremental polls (orders by last update, unread, recently active chats).
//! - [`listings`]: listings' titles and pictures, and askers' names, within the budget.
//! - [`rotation`]: every active chat read again in turn, within a share of the read budget.
//! - [`send`]: the outbox's network side (rules again, upload, post, reconcile).
//! - [`state`]: what each account's engine reports, and the status the UI shows.
//!
//! Every page is written in one transaction together with the cursor that follows it, so a
//! crash at any point resumes where the last committed page left off, and replaying a page
//! writes nothing.

pub mod account;
pub mod connect;
mod conversations;
mod due;
pub mod engine;
mod import;
#[cfg(test)]
mod import_tests;
mod listings;
mod page_digests;
mod paging;
mod poll;
mod questions;
pub mod registry;
mod rotation;
mod send;
mod sent_match;
pub mod share;
mod shipments;
pub mod state;

use std::time::Duration;

pub use account::{AccountParts, AccountSync, Schedule};
pub use connect::ConnectRequest;
pub use engine::SyncHandle;
pub use registry::Registry;
pub use state::AccountState;

/// How the engine paces itself. Tests shorten the intervals; the app uses the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncConfig {
    /// How far back the first import reaches (by order creation).
    pub history_days: u32,
    /// Between polls.
    pub interval: Duration,
    /// Conversations of the most recently active leads re-read on every poll (how messages the
    /// seller wrote on Mercado Libre's own site show up).
    pub recent_conversations: u32,
    /// How often those recent conversations are read again: what only a re-read shows (a
    /// message the seller wrote on Mercado Libre's site, the buyer reading ours) can wait this
    /// long, so an idle poll costs two requests (orders, unread) rather than twenty more.
    pub recent_every: Duration,
    /// The rotation: conversations active in the last this many days are read again in
    /// turn, whatever else the poll reads, so a buyer's message the seller already read on
    /// Mercado Libre's own site (no longer unread, on a lead past the most recent) shows up
    /// within a bounded time. See [`rotation`].
    pub rotation_days: u32,
    /// The rotation's share of the application's read budget, in conversation pages a
    /// minute (earned by the sync clock, spent on each pass): 60 of Mercado Libre's 500.
    pub rotation_reads_per_minute: u32,
    /// Buyers looked up by `GET /users/{id}` per pass, when orders lack their names.
    pub names_per_pass: u32,
    /// First wait after a failed pass; doubles per failure up to `backoff_max`, with jitter.
    pub backoff_base: Duration,
    /// A minute at most: an offline inbox notices Mercado Libre is back (and sends what waited)
    /// soon, for one request a minute.
    pub backoff_max: Duration,
    /// Events are gathered and published at most this often during a long pass.
    pub flush_every: Duration,
    /// How long after an ambiguous answer the question is read to settle it: a request that
    /// timed out may still be processed by Mercado Libre a little later.
    pub ambiguous_settle: Duration,
    /// After a message send whose outcome is unknown, the conversation is read again this long
    /// after the outcome became unknown, once per entry, to find the message (Mercado Libre may
    /// process a request that timed out, or list it late). After the last read without it the
    /// draft is "not confirmed" and waits for the seller: it is never posted again by itself.
    pub confirm_reads: Vec<Duration>,
    /// Conversations read at once during the first import.
    pub import_concurrency: usize,
    /// First wait before reading again a chat Mercado Libre refused or garbled (the account's
    /// sync goes on meanwhile); doubles per failure up to `chat_retry_max`.
    pub chat_retry_base: Duration,
    pub chat_retry_max: Duration,
    /// Pre-sale questions are imported, polled and answered.
    pub questions: bool,
    /// How often the unanswered questions are polled when nothing suggests a change: one
    /// request, so the passes in between cost two (orders, unread). A pass that sent an answer
    /// polls them at once, and so does the first pass after a start. A new question waits at
    /// most this long (and the pass interval) before it shows.
    pub questions_every: Duration,
    /// Listings (titles and pictures, for the cards and the Questions view) read per pass:
    /// 20 a request. Those never read first, then those read more than `listings_stale_after`
    /// ago; an idle pass with every listing fresh costs nothing.
    pub listings_per_pass: u32,
    pub listings_stale_after: Duration,
    /// Listing pictures downloaded per pass (from the image host, not the API).
    pub pictures_per_pass: u32,
    /// Askers of questions looked up by `GET /users/{id}` per pass.
    pub askers_per_pass: u32,
    /// The listings fetcher's share of the application's read budget, in requests a minute
    /// (a multiget of 20 listings or one asker each; pictures come from the image host and
    /// do not count). See [`share`].
    pub listings_reads_per_minute: u32,
    /// Tries per request for answers that did not parse (the client retries transport
    /// errors itself, but not a malformed body).
    pub decode_retries: u32,
    /// A paid lead's shipment that has not ended is read again this often (and at the first
    /// pass after one of its orders changed).
    pub shipment_every: Duration,
    /// Shipments read per pass at most: a pass every 30 s spends at most this many of the
    /// 500 reads a minute on them.
    pub shipments_per_pass: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            history_days: 90,
            interval: Duration::from_secs(30),
            recent_conversations: 20,
            recent_every: Duration::from_secs(300),
            rotation_days: 30,
            rotation_reads_per_minute: 60,
            names_per_pass: 50,
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(60),
            flush_every: Duration::from_millis(250),
            decode_retries: 4,
            ambiguous_settle: Duration::from_secs(30),
            confirm_reads: vec![
                Duration::from_secs(30),
                Duration::from_secs(120),
                Duration::from_secs(600),
            ],
            import_concurrency: 4,
            chat_retry_base: Duration::from_secs(60),
            chat_retry_max: Duration::from_secs(3600),
            questions: true,
            questions_every: Duration::from_secs(60),
            listings_per_pass: 60,
            listings_stale_after: Duration::from_secs(24 * 3600),
            pictures_per_pass: 30,
            askers_per_pass: 20,
            listings_reads_per_minute: 30,
            shipment_every: Duration::from_secs(6 * 3600),
            shipments_per_pass: 10,
        }
    }
}

/// Cursor names in `sync_cursors`.
pub(crate) mod cursor {
    /// JSON [`super::import::ImportCursor`]: where the order import stands.
    pub const IMPORT_ORDERS: &str = "import.orders";
    /// Present once the first import finished.
    pub const IMPORT_DONE: &str = "import.done";
    /// RFC 3339: polls ask for orders updated since this, less an hour.
    pub const POLL_ORDERS: &str = "poll.orders";
    /// RFC 3339: when the most recently active conversations were last read again.
    pub const POLL_RECENT: &str = "poll.recent";
    /// The highest lead id whose card's listing was queued for the listings fetcher.
    pub const LISTINGS_LEADS: &str = "listings.leads";
    /// RFC 3339: when the listings fetcher last spent its share of the read budget.
    pub const LISTINGS_SPENT: &str = "listings.spent";
    /// JSON `rotation::Position`: the last conversation the rotation read, and when.
    pub const POLL_ROTATION: &str = "poll.rotation";
}
