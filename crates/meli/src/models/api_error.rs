//! Every error body shape the API uses, folded into one.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::de;

/// An error body. Shapes seen: standard `{message,error,status,cause}`, messaging
/// `{status_code,code,message}`, action guide `{cause,error,message,status_code}`, OAuth
/// `{error,error_description,status}` and 403 `{status,error,message,code}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub error: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub error_description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub status: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub status_code: Option<u64>,
    /// A list in the standard shape, a string in the action guide's.
    #[serde(default)]
    pub cause: Option<Value>,
}

impl ApiError {
    /// The HTTP status the body claims, whichever field carries it.
    pub fn status(&self) -> Option<u16> {
        self.status
            .or(self.status_code)
            .and_then(|s| u16::try_from(s).ok())
    }

    /// The machine-readable code: `error`, else `code`.
    pub fn error_code(&self) -> Option<&str> {
        self.error.as_deref().or(self.code.as_deref())
    }

    /// The human text: `message`, else `error_description`.
    pub fn text(&self) -> Option<&str> {
        self.message
            .as_deref()
            .or(self.error_description.as_deref())
    }

    /// `cause` when it is a string, or the first string-ish entry of a list.
    pub fn cause_text(&self) -> Option<String> {
        match self.cause.as_ref()? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Array(items) => items.iter().find_map(|c| match c {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o
                    .get("code")
                    .or_else(|| o.get("message"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => None,
            }),
            _ => None,
        }
    }

    /// Every textual field, lower-cased, for matching the documented messages.
    pub(crate) fn haystack(&self) -> String {
        let cause = self.cause_text();
        [
            self.message.as_deref(),
            self.error.as_deref(),
            self.error_description.as_deref(),
            self.code.as_deref(),
        ]
        .into_iter()
        .flatten()
        .chain(cause.as_deref())
        .collect::<Vec<_>>()
        .join(" | ")
        .to_lowercase()
    }
}
