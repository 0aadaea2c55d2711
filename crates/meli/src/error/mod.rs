//! The one error type of the client, by meaning rather than by HTTP status.

mod classify;

use std::time::Duration;

pub use classify::excerpt;

/// What went wrong talking to Mercado Libre. [`MeliError::code`] is stable: the UI translates by
/// it and tests match on it.
#[derive(Debug, thiserror::Error)]
pub enum MeliError {
    // --- access ---
    /// The access token expired or was revoked; the client already tried one refresh.
    #[error("the access token expired or was revoked: {message}")]
    Unauthorized { message: String },
    /// The token store failed to load or save (the keychain refused, say).
    #[error("the token store failed: {0}")]
    TokenStore(String),
    /// No token is stored: the seller has to connect the account.
    #[error("no Mercado Libre account is connected")]
    NotConnected,
    /// The code or refresh token is invalid, expired or already used (refresh tokens are
    /// single-use): the seller has to connect again.
    #[error("Mercado Libre rejected the grant: {description}")]
    InvalidGrant { description: String },
    /// Any other OAuth error (`invalid_client`, `invalid_scope`, `unauthorized_application`, …).
    #[error("Mercado Libre refused the authorization ({error}): {description}")]
    OAuth { error: String, description: String },
    /// Refused for a reason without its own variant (not your pack, missing scope, blocked IP…).
    #[error("Mercado Libre refused the request: {reason}")]
    Forbidden { reason: String },
    #[error("not found: {message}")]
    NotFound { message: String },

    // --- sending rules (messaging and action guide) ---
    /// The text exceeds the limit (350 characters for sellers) or has characters not allowed.
    #[error("the text is too long or not allowed: {message}")]
    TextTooLong { message: String },
    /// The action-guide option has no cap left: wait for the buyer's reply.
    #[error("this reason to communicate was already used; wait for the buyer's reply")]
    CapExhausted { message: String },
    /// The conversation is blocked (by payment, time, mediation, …); nothing can be sent.
    #[error("the conversation is blocked: {message}")]
    ConversationBlocked { message: String },
    /// Mercado Envíos 2 sales: the seller may start the conversation only through the action
    /// guide (`blocked_by_conversation_started_by_seller`).
    #[error("start this conversation with a reason to communicate")]
    ActionGuideRequired { message: String },
    /// The buyer already wrote: reply through the messages resource, not the action guide.
    #[error("the conversation is open; reply with a normal message")]
    OpenConversation { message: String },
    /// An excepted case (e.g. made-to-order products): normal messages are allowed freely.
    #[error("this pack is an excepted case; send a normal message")]
    ExceptedCase { message: String },
    #[error("the selected reason to communicate is not valid")]
    InvalidOption { message: String },
    #[error("the template is not valid: {message}")]
    InvalidTemplate { message: String },
    /// Another action-guide request on the same sale holds the lock (409); try again shortly.
    #[error("another request is already working on this sale")]
    Conflict { message: String },
    /// 451: the buyer deactivated the account.
    #[error("the buyer's account is no longer available")]
    BuyerUnavailable { message: String },
    /// 422: the attachment id is unknown or expired (orphans are deleted after 48 h).
    #[error("the attachment is invalid or no longer exists: {message}")]
    AttachmentInvalid { message: String },
    /// An upload was refused: not JPG, PNG, PDF or TXT, over 25 MB, or a bad file name.
    #[error("the file cannot be attached: {message}")]
    AttachmentRejected { message: String },
    /// `invalid_question`: the question can no longer be answered (answered already, closed,
    /// banned, deleted, on hold).
    #[error("this question can no longer be answered: {message}")]
    QuestionNotAnswerable { message: String },
    /// Any other 400.
    #[error("Mercado Libre rejected the request: {message}")]
    BadRequest { message: String },

    // --- transport ---
    #[error("rate limited by Mercado Libre")]
    RateLimited { retry_after: Option<Duration> },
    #[error("Mercado Libre answered with a server error ({status}): {message}")]
    Server { status: u16, message: String },
    #[error("unexpected HTTP status {status}: {message}")]
    Http { status: u16, message: String },
    #[error("could not reach Mercado Libre: {0}")]
    Network(String),
    /// A send may or may not have reached Mercado Libre (connection lost, timeout or 5xx after
    /// the request left). Never retried blindly: re-read the conversation before trying again.
    #[error("the message may or may not have been sent: {cause}")]
    SendOutcomeUnknown { cause: String },
    /// The body did not parse; `excerpt` is its start, short enough for a log.
    #[error("unexpected response from Mercado Libre: {reason} (body starts: {excerpt})")]
    Decode { reason: String, excerpt: String },

    /// The answer was bigger than any answer of its kind should be (a few MB of JSON, an
    /// attachment of 25 MB): refused rather than held in memory.
    #[error("the answer from Mercado Libre is larger than {limit} bytes")]
    BodyTooLarge { limit: usize },

    /// A listing picture was not downloaded: its host is not an allowed image host, it
    /// redirected, or it is larger than a thumbnail (`reason`: `host_not_allowed`, `redirect`,
    /// `too_large`).
    #[error("the listing picture was refused: {reason}")]
    PictureRefused { reason: String },

    /// A base URL or other setting the client cannot use.
    #[error("invalid client configuration: {0}")]
    InvalidConfig(String),

    // --- connecting an account (loopback callback) ---
    #[error("the seller did not authorize the application")]
    AuthorizationDenied { error: String },
    #[error("the authorization answer does not belong to this attempt")]
    StateMismatch,
    #[error("the authorization was not completed in time")]
    CallbackTimeout,
    #[error("the authorization was cancelled")]
    Cancelled,
    #[error("port {port} on 127.0.0.1 is already in use")]
    PortInUse { port: u16 },
    #[error("the callback listener failed: {0}")]
    Listener(String),
    /// What the seller pasted holds no authorization code.
    #[error("no authorization code found in what was pasted")]
    InvalidPaste,
}

impl MeliError {
    /// A snake_case code that never changes between versions.
    pub fn code(&self) -> &'static str {
        match self {
            MeliError::Unauthorized { .. } => "unauthorized",
            MeliError::NotConnected => "not_connected",
            MeliError::TokenStore(_) => "token_store",
            MeliError::InvalidGrant { .. } => "invalid_grant",
            MeliError::OAuth { .. } => "oauth",
            MeliError::Forbidden { .. } => "forbidden",
            MeliError::NotFound { .. } => "not_found",
            MeliError::TextTooLong { .. } => "text_too_long",
            MeliError::CapExhausted { .. } => "cap_exhausted",
            MeliError::ConversationBlocked { .. } => "conversation_blocked",
            MeliError::ActionGuideRequired { .. } => "action_guide_required",
            MeliError::OpenConversation { .. } => "open_conversation",
            MeliError::ExceptedCase { .. } => "excepted_case",
            MeliError::InvalidOption { .. } => "invalid_option",
            MeliError::InvalidTemplate { .. } => "invalid_template",
            MeliError::Conflict { .. } => "conflict",
            MeliError::BuyerUnavailable { .. } => "buyer_unavailable",
            MeliError::AttachmentInvalid { .. } => "attachment_invalid",
            MeliError::AttachmentRejected { .. } => "attachment_rejected",
            MeliError::QuestionNotAnswerable { .. } => "question_not_answerable",
            MeliError::BadRequest { .. } => "bad_request",
            MeliError::RateLimited { .. } => "rate_limited",
            MeliError::Server { .. } => "server",
            MeliError::Http { .. } => "http",
            MeliError::Network(_) => "network",
            MeliError::SendOutcomeUnknown { .. } => "send_outcome_unknown",
            MeliError::Decode { .. } => "decode",
            MeliError::BodyTooLarge { .. } => "body_too_large",
            MeliError::PictureRefused { .. } => "picture_refused",
            MeliError::InvalidConfig(_) => "invalid_config",
            MeliError::AuthorizationDenied { .. } => "authorization_denied",
            MeliError::StateMismatch => "state_mismatch",
            MeliError::CallbackTimeout => "callback_timeout",
            MeliError::Cancelled => "cancelled",
            MeliError::PortInUse { .. } => "port_in_use",
            MeliError::Listener(_) => "listener",
            MeliError::InvalidPaste => "invalid_paste",
        }
    }

    /// Worth trying again later without the seller doing anything (offline, throttled, server
    /// trouble, the 409 lock). A sync engine backs off on these and reports others.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            MeliError::RateLimited { .. }
                | MeliError::Server { .. }
                | MeliError::Network(_)
                | MeliError::Conflict { .. }
        )
    }

    /// The seller must connect the account again.
    pub fn needs_reconnect(&self) -> bool {
        matches!(
            self,
            MeliError::Unauthorized { .. }
                | MeliError::NotConnected
                | MeliError::InvalidGrant { .. }
        )
    }

    /// A 403 that says this one resource is not the seller's ("User access token invalid for
    /// resource …", "not allowed to access the information of the pack …", "The user has not
    /// access to the order"), as opposed to one refusing the application or the seller as a
    /// whole (missing scope or permission, blocked application, pending seller data), which
    /// gives the same status with other bodies.
    pub fn refuses_only_this_resource(&self) -> bool {
        let MeliError::Forbidden { reason } = self else {
            return false;
        };
        let reason = reason.to_ascii_lowercase();
        [
            "invalid for resource",
            "access the information of the pack",
            "has not access to the order",
            "access denied for user",
            "does not belong to order",
        ]
        .iter()
        .any(|needle| reason.contains(needle))
    }

    /// How long Mercado Libre asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            MeliError::RateLimited { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// Builds the error for a non-success answer from its status, `Retry-After` and body.
    pub fn from_response(status: u16, retry_after: Option<Duration>, body: &[u8]) -> MeliError {
        classify::from_response(status, retry_after, body)
    }

    pub(crate) fn decode(reason: impl std::fmt::Display, body: &[u8]) -> MeliError {
        MeliError::Decode {
            reason: reason.to_string(),
            excerpt: excerpt(body),
        }
    }
}

impl From<reqwest::Error> for MeliError {
    fn from(e: reqwest::Error) -> Self {
        // reqwest's Display can include the URL; ours never carry tokens (they travel in headers
        // and form bodies), so it is safe to keep.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        MeliError::Network(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_variant() -> Vec<MeliError> {
        let m = || String::from("m");
        vec![
            MeliError::Unauthorized { message: m() },
            MeliError::TokenStore(m()),
            MeliError::NotConnected,
            MeliError::InvalidGrant { description: m() },
            MeliError::OAuth {
                error: m(),
                description: m(),
            },
            MeliError::Forbidden { reason: m() },
            MeliError::NotFound { message: m() },
            MeliError::TextTooLong { message: m() },
            MeliError::CapExhausted { message: m() },
            MeliError::ConversationBlocked { message: m() },
            MeliError::ActionGuideRequired { message: m() },
            MeliError::OpenConversation { message: m() },
            MeliError::ExceptedCase { message: m() },
            MeliError::InvalidOption { message: m() },
            MeliError::InvalidTemplate { message: m() },
            MeliError::Conflict { message: m() },
            MeliError::BuyerUnavailable { message: m() },
            MeliError::AttachmentInvalid { message: m() },
            MeliError::AttachmentRejected { message: m() },
            MeliError::BadRequest { message: m() },
            MeliError::RateLimited { retry_after: None },
            MeliError::Server {
                status: 500,
                message: m(),
            },
            MeliError::Http {
                status: 418,
                message: m(),
            },
            MeliError::Network(m()),
            MeliError::SendOutcomeUnknown { cause: m() },
            MeliError::Decode {
                reason: m(),
                excerpt: m(),
            },
            MeliError::BodyTooLarge { limit: 1 },
            MeliError::PictureRefused { reason: "x".into() },
            MeliError::InvalidConfig(m()),
            MeliError::AuthorizationDenied { error: m() },
            MeliError::StateMismatch,
            MeliError::CallbackTimeout,
            MeliError::Cancelled,
            MeliError::PortInUse { port: 1 },
            MeliError::Listener(m()),
            MeliError::InvalidPaste,
        ]
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let all = every_variant();
        let mut codes: Vec<&str> = all.iter().map(MeliError::code).collect();
        assert!(codes
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), before, "duplicate codes: {codes:?}");
    }

    #[test]
    fn transient_and_reconnect_classes() {
        for e in every_variant() {
            assert!(
                !(e.is_transient() && e.needs_reconnect()),
                "{} cannot be both",
                e.code()
            );
        }
        assert!(MeliError::Network("x".into()).is_transient());
        assert!(MeliError::InvalidGrant {
            description: String::new()
        }
        .needs_reconnect());
        assert!(!MeliError::SendOutcomeUnknown {
            cause: String::new()
        }
        .is_transient());
    }
}
