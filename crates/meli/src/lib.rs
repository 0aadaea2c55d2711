//! Mercado Libre API client.
//!
//! One code path talks to Mercado Libre: [`Site`] names the hosts, and every base URL is
//! configuration ([`ClientConfig`]), so the same client reaches the real API or `meli-sim` on
//! loopback.
//!
//! - [`auth`]: connecting an account (authorization URL with PKCE, loopback listener, paste
//!   fallback, [`auth::TokenStore`]).
//! - [`Client`]: the endpoints, with a request budget ([`RateBudget`], [`Priority`]) and retries
//!   ([`RetryPolicy`]).
//! - [`models`]: tolerant payload types. [`MeliError`]: errors by meaning, with stable codes.
//!
//! ```no_run
//! # async fn example(store: std::sync::Arc<dyn meli::auth::TokenStore>) -> Result<(), meli::MeliError> {
//! use meli::auth::{AppCredentials, CallbackListener};
//! use meli::{Client, ClientConfig, Language, MessagesPage, OrderQuery, Secret, Site};
//!
//! let app = AppCredentials {
//!     client_id: "5503910054141466".into(),
//!     client_secret: Secret::new("from the keychain"),
//!     redirect_uri: "https://relay.example.test/mostrador/".into(),
//! };
//! let client = Client::new(ClientConfig::new(Site::Argentina, app), store)?;
//!
//! // Connecting: listen, open the URL in the browser, wait for the relay, exchange the code.
//! let listener = CallbackListener::bind(0).await?;
//! let attempt = client.authorization_attempt(listener.port());
//! // open attempt.url in the browser …
//! let timeout = std::time::Duration::from_secs(300);
//! let code = listener.wait(&attempt.state, Language::Spanish, timeout, std::future::pending()).await?;
//! let tokens = client.connect(&attempt, &code).await?; // already in the store
//! let seller = tokens.user_id.unwrap_or_default();
//!
//! // Sync reads in the background; what the seller waits for goes first.
//! let page = client.search_orders(&OrderQuery::seller(seller)).await?;
//! for order in &page.results {
//!     let chat = client.messages(order.conversation_id(), seller, MessagesPage::default()).await?;
//!     let _ = chat.conversation_status;
//! }
//! let _opened = client.interactive().mark_read(123, seller).await?;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod client;
pub mod error;
pub mod models;
pub mod rate;
pub mod retry;
pub mod secret;
pub mod site;

pub use client::{
    Applications, Client, ClientConfig, ListingAnswer, MessagesPage, OrderQuery, OrderSort,
    QuestionQuery, RawPage, SendMessage, SortDirection,
};
pub use error::MeliError;
pub use rate::{BudgetUse, Priority, RateBudget, RequestKind};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use site::{Language, Site};
