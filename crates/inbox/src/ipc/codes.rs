//! Error codes as typed unions for the UI, so its tables of sentences switch over every code
//! and a new code without a sentence fails `svelte-check`.

use meli::MeliError;
use serde::Serialize;
use ts_rs::TS;

/// [`MeliError::code`] as a type: the code a command's error carries when Mercado Libre (or
/// the way to it) failed. The match in `From<&MeliError>` makes a new client error pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "MeliErrorCode.ts")]
pub enum MeliErrorCode {
    Unauthorized,
    NotConnected,
    TokenStore,
    InvalidGrant,
    #[serde(rename = "oauth")]
    #[ts(rename = "oauth")]
    OAuth,
    Forbidden,
    NotFound,
    TextTooLong,
    CapExhausted,
    ConversationBlocked,
    ActionGuideRequired,
    OpenConversation,
    ExceptedCase,
    InvalidOption,
    InvalidTemplate,
    Conflict,
    BuyerUnavailable,
    AttachmentInvalid,
    AttachmentRejected,
    BadRequest,
    RateLimited,
    Server,
    Http,
    Network,
    SendOutcomeUnknown,
    Decode,
    BodyTooLarge,
    PictureRefused,
    QuestionNotAnswerable,
    InvalidConfig,
    AuthorizationDenied,
    StateMismatch,
    CallbackTimeout,
    Cancelled,
    PortInUse,
    Listener,
    InvalidPaste,
}

impl MeliErrorCode {
    /// The code as the UI receives it (the same text as [`MeliError::code`]).
    pub fn as_string(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(code)) => code,
            _ => "meli".to_owned(),
        }
    }
}

impl From<&MeliError> for MeliErrorCode {
    fn from(err: &MeliError) -> Self {
        use MeliErrorCode as C;
        match err {
            MeliError::Unauthorized { .. } => C::Unauthorized,
            MeliError::TokenStore(_) => C::TokenStore,
            MeliError::NotConnected => C::NotConnected,
            MeliError::InvalidGrant { .. } => C::InvalidGrant,
            MeliError::OAuth { .. } => C::OAuth,
            MeliError::Forbidden { .. } => C::Forbidden,
            MeliError::NotFound { .. } => C::NotFound,
            MeliError::TextTooLong { .. } => C::TextTooLong,
            MeliError::CapExhausted { .. } => C::CapExhausted,
            MeliError::ConversationBlocked { .. } => C::ConversationBlocked,
            MeliError::ActionGuideRequired { .. } => C::ActionGuideRequired,
            MeliError::OpenConversation { .. } => C::OpenConversation,
            MeliError::ExceptedCase { .. } => C::ExceptedCase,
            MeliError::InvalidOption { .. } => C::InvalidOption,
            MeliError::InvalidTemplate { .. } => C::InvalidTemplate,
            MeliError::Conflict { .. } => C::Conflict,
            MeliError::BuyerUnavailable { .. } => C::BuyerUnavailable,
            MeliError::AttachmentInvalid { .. } => C::AttachmentInvalid,
            MeliError::AttachmentRejected { .. } => C::AttachmentRejected,
            MeliError::BadRequest { .. } => C::BadRequest,
            MeliError::RateLimited { .. } => C::RateLimited,
            MeliError::Server { .. } => C::Server,
            MeliError::Http { .. } => C::Http,
            MeliError::Network(_) => C::Network,
            MeliError::SendOutcomeUnknown { .. } => C::SendOutcomeUnknown,
            MeliError::Decode { .. } => C::Decode,
            MeliError::BodyTooLarge { .. } => C::BodyTooLarge,
            MeliError::PictureRefused { .. } => C::PictureRefused,
            MeliError::QuestionNotAnswerable { .. } => C::QuestionNotAnswerable,
            MeliError::InvalidConfig(_) => C::InvalidConfig,
            MeliError::AuthorizationDenied { .. } => C::AuthorizationDenied,
            MeliError::StateMismatch => C::StateMismatch,
            MeliError::CallbackTimeout => C::CallbackTimeout,
            MeliError::Cancelled => C::Cancelled,
            MeliError::PortInUse { .. } => C::PortInUse,
            MeliError::Listener(_) => C::Listener,
            MeliError::InvalidPaste => C::InvalidPaste,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each kind the client has.
    fn one_of_each() -> Vec<MeliError> {
        let m = || "m".to_owned();
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
            MeliError::PictureRefused { reason: m() },
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
    fn each_client_error_crosses_with_the_clients_own_code() {
        let errors = one_of_each();
        for err in &errors {
            assert_eq!(MeliErrorCode::from(err).as_string(), err.code(), "{err:?}");
        }
        // No two kinds of error share a code.
        let codes: std::collections::BTreeSet<_> = errors
            .iter()
            .map(|e| MeliErrorCode::from(e).as_string())
            .collect();
        assert_eq!(codes.len(), errors.len());
    }
}

/// Why the shell refused a file's path from the window: it reads and uploads only files the
/// seller chose in the file dialog or dropped on the window, and never a network share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "FilePathRefusal.ts")]
pub enum FilePathRefusal {
    /// Neither picked in the dialog nor dropped on the window.
    FileNotChosen,
    /// A `\\server\share` path (Windows).
    FileNetworkPath,
}

impl FilePathRefusal {
    /// The code a command's error carries (what the UI's table of sentences is keyed by).
    pub fn code(self) -> &'static str {
        match self {
            FilePathRefusal::FileNotChosen => "file_not_chosen",
            FilePathRefusal::FileNetworkPath => "file_network_path",
        }
    }

    /// For the log and for a UI that has no sentence for the code.
    pub fn message(self, path: &str) -> String {
        match self {
            FilePathRefusal::FileNotChosen => {
                format!("{path} was not chosen in the file dialog or dropped on the window")
            }
            FilePathRefusal::FileNetworkPath => format!("{path} is on a network share"),
        }
    }
}
