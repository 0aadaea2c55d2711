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

pub mod auth;
pub mod client;
pub mod error;
pub mod models;
pub mod rate;
pub mod retry;
pub mod secret;
pub mod site;

pub use client::{Client, ClientConfig, MessagesPage, OrderQuery, OrderSort, SendMessage};
pub use error::MeliError;
pub use rate::{Priority, RateBudget, RequestKind};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use site::{Language, Site};
