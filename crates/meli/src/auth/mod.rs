//! Connecting a seller's account: OAuth 2.0 authorization code with PKCE (S256), through the HTTPS
//! relay page to a loopback listener (meli-api.md Part A §1), with pasting as the fallback.

mod authorize;
mod loopback;
mod paste;
mod pkce;
mod reply_page;
mod session;
mod token_endpoint;

pub use authorize::{port_from_state, AppCredentials, AuthorizationAttempt};
pub use loopback::CallbackListener;
pub use paste::parse_pasted;
pub use pkce::Pkce;
pub use session::{MemoryTokenStore, StoredTokens, TokenStore, TokenTimes};

pub(crate) use session::Session;
pub(crate) use token_endpoint::TokenEndpoint;
