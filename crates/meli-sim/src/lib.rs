//! A stateful simulator of the Mercado Libre API, served over real HTTP on 127.0.0.1.
//!
//! It is a test double of Mercado Libre, never a shortcut around the client: the same paths,
//! query parameters, JSON shapes, status codes and error bodies as the published API
//! (`shared/meli-api.md`, Part B), and the same rules. Where the documentation is unsure, the
//! stricter reading is the default and [`SimConfig`] has a switch for the other.
//!
//! # Starting one
//!
//! ```no_run
//! # async fn demo() -> Result<(), meli_sim::SimError> {
//! let sim = meli_sim::Simulator::start(meli_sim::SimConfig::demo()).await?;
//! let api = sim.base_url();          // stands in for https://api.mercadolibre.com
//! let auth = sim.auth_base_url();    // stands in for https://auth.mercadolibre.com.ar
//! let app = sim.app();               // client_id, client_secret, redirect_uri
//! let token = sim.control().issue_token(meli_sim::SELLER_MLA)?; // skip OAuth in tests
//! # let _ = (api, auth, app, token); Ok(()) }
//! ```
//!
//! Two listeners: the API (`base_url`) and the authorization page (`auth_base_url`, which
//! serves `GET /authorization` and the consent form's `POST /authorization`). The registered
//! redirect URI is an HTTPS relay URL (`https://relay.mostrador.test/callback`) matched exactly;
//! tests read the `Location` of the consent's 302 instead of following it.
//!
//! # API resources
//!
//! `POST /oauth/token` (form body only; `authorization_code` with PKCE when the app requires it,
//! `refresh_token` single-use), `GET /users/me`, `GET /users/{id}`, `GET /orders/search`,
//! `GET /orders/{id}`, `GET /packs/{id}`, `GET /shipments/{id}`,
//! `GET|POST /messages/packs/{pack_id}/sellers/{seller_id}`, `POST /messages/attachments`,
//! `GET /messages/attachments/{id}`, `GET /messages/{message_id}`, `GET /messages/unread`,
//! `GET /messages/unread/packs/{pack_id}/sellers/{seller_id}`,
//! `GET /messages/action_guide/packs/{pack_id}`, `GET …/caps_available`, `POST …/option`,
//! `GET /sites`, `GET /sites/{id}`, `GET /currencies/{id}`,
//! `DELETE /users/{user_id}/applications/{app_id}` (the app revokes its own grant),
//! pre-sale questions (`GET /questions/search`, `GET /my/received_questions/search`,
//! `GET /questions/{id}`, `POST /answers`, `GET|POST /users/{id}/questions_blacklist`,
//! `DELETE /users/{id}/questions_blacklist/{user}`, `GET /users/{id}/questions/response_time`)
//! and listings (`GET /items?ids=…`, at most 20, and `GET /items/{id}`).
//!
//! Questions follow the stricter reading where the documentation is silent: searches need
//! `api_version=4`, `limit` is 1..=50 and `offset` at most 1,000 (400 otherwise); an answer
//! to a question that is answered, closed, banned, deleted, under review, disabled or on hold,
//! or to an unknown one, is `400 invalid_question`; a body that is not `{question_id, text}`
//! is `400 invalid_post_body`; over 2,000 characters is 400. Banned questions and answers
//! come back with empty text. Response time follows §1.8 (14 days, first question per buyer
//! and item, unanswered counted with a one-week cap, bands by the site's local time), computed
//! live rather than once a day.
//!
//! Rules worth knowing: access tokens live `expires_in` (10800) seconds of the simulated clock;
//! 401 bodies are `{"message":"invalid_token","cause":[],"error":"not_found","status":401}`;
//! `/orders/search` takes `seller`, `order.status`, `order.date_created|date_last_updated|
//! date_closed.from|to`, `q` (order id, item title, buyer nickname), `tags`, `tags.not`, `sort`
//! (`date_asc` by default, by `date_closed`), `offset`, `limit`; order date filters keep only
//! the hour; seller searches leave cancelled orders out unless
//! `order.status` names them; `limit` is 1..=50; conversation messages are listed newest first
//! (default `limit` 10); a message's `client_id` is the application's when it was sent through
//! the API and [`SITE_CLIENT_ID`] when written on Mercado Libre's site (buyers, seller there);
//! 500 reads and 500 writes per minute per application, then 429 with `Retry-After`.
//!
//! # Control API (`/_sim/…` on the API listener, JSON; the same operations on [`Control`])
//!
//! | HTTP | in process |
//! |---|---|
//! | `GET /_sim/summary` | [`Control::summary`]: app, sellers, landmarks, clock |
//! | `POST /_sim/token` `{"user_id"}` | [`Control::issue_token`] |
//! | `POST /_sim/sales` (a [`NewSale`]) | [`Control::create_sale`] |
//! | `POST /_sim/orders/{id}/pay` | [`Control::buyer_pays`] |
//! | `POST /_sim/orders/{id}/cancel` | [`Control::buyer_cancels`] |
//! | `POST /_sim/orders/{id}/deliver` | [`Control::deliver`] |
//! | `POST /_sim/orders/{id}/status` `{"status"}` | [`Control::set_order_status_to`] |
//! | `POST /_sim/packs/{id}/buyer_messages` `{"text","attachment":{"filename","content_base64"}}` | [`Control::buyer_writes`] |
//! | `POST /_sim/packs/{id}/buyer_read` | [`Control::buyer_reads`] |
//! | `POST /_sim/packs/{id}/seller_messages` `{"text"}` | [`Control::seller_writes_on_site`] |
//! | `POST /_sim/packs/{id}/block` `{"substatus"}` / `DELETE` | [`Control::block_conversation`] / [`Control::unblock_conversation`] |
//! | `POST /_sim/packs/{id}/flags` `{"excepted_case","buyer_deactivated"}` | [`Control::set_flags`] |
//! | `POST /_sim/packs/{id}/caps` `{"option_id","cap_available"}` | [`Control::set_cap`] (an action-guide option's messages left) |
//! | `POST /_sim/revoke` `{"user_id"}` | [`Control::revoke_app`] |
//! | `POST /_sim/login` `{"user_id"}` | [`Control::log_in_as`] (who the consent page authorizes) |
//! | `POST /_sim/pkce` `{"required"}` | [`Control::set_pkce_required`] |
//! | `POST /_sim/rate_limit` `{"reads_per_minute","writes_per_minute"}` or `null` | [`Control::set_rate_limit`] |
//! | `POST /_sim/clock/advance` `{"seconds"}`, `GET /_sim/clock` | [`Control::advance_clock`], [`Control::now`] |
//! | `POST /_sim/faults` (a [`FaultRule`]), `GET`, `DELETE /_sim/faults` | [`Control::inject_fault`], [`Control::faults`], [`Control::clear_faults`] |
//! | `GET /_sim/requests`, `GET /_sim/requests/counts`, `DELETE /_sim/requests` | [`Control::requests`], [`Control::request_counts`], [`Control::clear_requests`] |
//! | `POST /_sim/live` `{"interval_ms"}` or `{"interval_ms":null}` | [`Control::set_live`] |
//! | `POST /_sim/questions` (an [`AskQuestion`]), `GET /_sim/questions?seller_id=` | [`Control::ask_question`] (a blocked buyer cannot), [`Control::questions_of`] |
//! | `GET /_sim/questions/{id}` | [`Control::question`] (with how many answers were posted and accepted) |
//! | `POST /_sim/questions/{id}/answer` `{"text"}` | [`Control::answer_on_site`] |
//! | `POST /_sim/questions/{id}/ban` `{"answer": bool}` | [`Control::ban_question`] / [`Control::ban_answer`] |
//! | `POST /_sim/questions/{id}/delete`, `…/review`, `…/hold` `{"hold"}` | [`Control::delete_question`], [`Control::review_question`], [`Control::hold_question`] |
//! | `POST /_sim/items/{id}/close` | [`Control::close_listing`] (its unanswered questions become `CLOSED_UNANSWERED`) |
//! | `GET /_sim/sellers/{id}/listings` | [`Control::listings`] |
//!
//! Control requests are neither logged, rate limited nor faulted. In process only:
//! [`Control::landmark`], [`Control::buyer_sees`] (what reached the buyer: moderated seller
//! messages never do), [`Control::seller_unread`] and [`Control::app`].
//!
//! A fault rule in JSON: `{"path_prefix":"/orders","kind":{"kind":"too_many_requests",
//! "retry_after_secs":2},"times":1}`; kinds are `too_many_requests`, `server_error`,
//! `slow` (`delay_ms`), `late_answer` (`delay_ms`: served at once, answered late),
//! `drop_connection`, `malformed_json`, `truncated_body`, `quirks` (ids as
//! strings, upper-case statuses, optional fields null or missing, unknown fields); `rate_percent`
//! instead of `times` fails a share of requests until cleared; `method` narrows it.
//!
//! # Conversation rules
//!
//! `conversation_status` is `blocked` with the first substatus that applies: one set through the
//! control API (`blocked_by_buyer`, `blocked_by_mediation`, `blocked_by_time`, …),
//! `blocked_by_conversation_expired` (18 months after the purchase; no messages returned),
//! `blocked_by_deactivated_account`, `blocked_by_cancelled_order` (all orders cancelled and no
//! message yet), `blocked_by_payment` (an order awaits payment), `blocked_by_fulfillment` (Full,
//! not delivered), `blocked_by_conversation_initiated_by_seller_limited` (Mercado Envíos 2 and
//! the buyer has not written: only the action guide may start); otherwise `active`. A seller's
//! `POST` to a blocked conversation gets 403 (`blocked_conversation_send_message_forbidden`, or
//! `blocked_by_conversation_started_by_seller` for the last case).
//!
//! # Demo landmarks
//!
//! [`Landmarks`] names notable sales of the demo (see [`demo`] for the list), e.g.
//! `needs_action_guide`, `open_conversation`, `blocked_by_buyer`, `awaiting_payment`,
//! `excepted_case`, `buyer_deactivated`, `with_attachments`, `moderated`, `mlb_agent`.

mod action_guide;
mod attachments;
mod catalog;
mod clock;
mod config;
mod control;
mod control_http;
mod conversation;
pub mod demo;
mod error;
mod faults;
mod ids;
mod live;
mod messages;
mod model;
mod moderation;
mod oauth;
mod orders;
mod questions;
mod quirks;
mod rate_limit;
mod request_log;
mod rng;
mod router;
mod scenario;
mod server;
mod sites;
mod state;
mod switches;
mod time_fmt;
mod tokens;
mod users;
mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::{RateLimit, Scenario, SimConfig};
pub use control::{Control, SimSummary, Upload};
pub use error::SimError;
pub use faults::{FaultKind, FaultRule};
pub use ids::{Landmarks, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SELLER_MLA, SELLER_MLB};
pub use model::{App, LogisticType, OrderStatus, ShipmentStatus, SITE_CLIENT_ID};
pub use questions::control::{AskQuestion, AskedQuestion, ListingInfo};
pub use questions::pictures::PictureKind;
pub use questions::{
    AnswerStatus as SimAnswerStatus, QuestionStatus as SimQuestionStatus, SimAnswer, SimQuestion,
};
pub use request_log::LoggedRequest;
pub use scenario::{CreatedSale, NewSale};
pub use switches::{SwitchChange, SwitchState};
pub use tokens::TokenPair;

use clock::SimClock;
use state::Shared;

/// A running simulator. Dropping it stops both listeners and the live buyers.
#[derive(Debug)]
pub struct Simulator {
    shared: Arc<Shared>,
    api_addr: SocketAddr,
    auth_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
}

impl Simulator {
    /// Builds the scenario and starts serving on 127.0.0.1.
    pub async fn start(config: SimConfig) -> Result<Self, SimError> {
        let bind = |port: u16| async move {
            TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|source| SimError::Bind { port, source })
        };
        let api_listener = bind(config.port).await?;
        let auth_listener = bind(config.auth_port).await?;
        let api_addr = api_listener.local_addr().map_err(|source| SimError::Bind {
            port: config.port,
            source,
        })?;
        let auth_addr = auth_listener
            .local_addr()
            .map_err(|source| SimError::Bind {
                port: config.auth_port,
                source,
            })?;

        let clock = SimClock::new(config.start_time.unwrap_or_else(chrono::Utc::now));
        let world = world::build(&config, clock.start());
        let shared = Arc::new(Shared {
            faults: faults::Faults::new(config.seed),
            log: request_log::RequestLog::new(),
            rate: rate_limit::RateLimiter::new(config.rate_limit),
            live: Mutex::new(None),
            switches: switches::Switches::default(),
            world: Mutex::new(world),
            clock,
            config,
        });

        let (shutdown, watcher) = watch::channel(false);
        tokio::spawn(server::serve(
            api_listener,
            router::api(shared.clone()),
            watcher.clone(),
        ));
        tokio::spawn(server::serve(
            auth_listener,
            router::auth(shared.clone()),
            watcher.clone(),
        ));
        let sim = Self {
            shared: shared.clone(),
            api_addr,
            auth_addr,
            shutdown,
        };
        live::install(&shared, watcher);
        if let Some(interval) = shared.config.live {
            sim.control().set_live(Some(interval));
        }
        Ok(sim)
    }

    /// The demo world for the desktop app's `--demo` mode: consent approves by itself and
    /// buyers act every 20 seconds. `rate_limit` is Mercado Libre's 500 a minute unless the
    /// app was launched with another (end-to-end tests raise it so an import takes seconds).
    pub async fn start_demo(port: u16, rate_limit: RateLimit) -> Result<Self, SimError> {
        Self::start(SimConfig {
            port,
            auto_approve: true,
            rate_limit: Some(rate_limit),
            live: Some(std::time::Duration::from_secs(20)),
            ..SimConfig::demo()
        })
        .await
    }

    /// Stands in for `https://api.mercadolibre.com` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }

    /// Stands in for the site's auth host, e.g. `https://auth.mercadolibre.com.ar`.
    pub fn auth_base_url(&self) -> String {
        format!("http://{}", self.auth_addr)
    }

    /// The registered application.
    pub fn app(&self) -> App {
        self.shared.world().app.clone()
    }

    /// The in-process control handle (cheap to clone, usable after the simulator moved).
    pub fn control(&self) -> Control {
        Control::new(self.shared.clone())
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
