//! The one error type of the domain, with a stable code for the UI.

use crate::ipc::ErrorPayload;
use crate::pipeline::{MoveRefusal, StageRefusal};
use crate::rules::answer::AnswerRefusal;
use crate::rules::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("the local database failed: {0}")]
    Storage(String),
    #[error("Mercado Libre: {0}")]
    Meli(#[from] meli::MeliError),
    #[error("{0} was not found")]
    NotFound(String),
    /// The draft may not be sent now; the refusal has its own stable code.
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("{0}")]
    MoveRefused(#[from] MoveRefusal),
    #[error("{0}")]
    StageRefused(#[from] StageRefusal),
    /// An answer to a pre-sale question may not be sent; the refusal has its own stable code.
    #[error("{0}")]
    AnswerRefused(#[from] AnswerRefusal),
    /// A value from the UI that cannot be used (a malformed cursor, an unknown column key).
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

impl InboxError {
    /// A code that never changes between versions: the UI translates by it and tests match on it.
    /// Refusals surface their own code so the UI needs one table of sentences.
    pub fn code(&self) -> &'static str {
        match self {
            InboxError::Storage(_) => "storage",
            InboxError::Meli(_) => "meli",
            InboxError::NotFound(_) => "not_found",
            InboxError::Refused(refusal) => refusal.code(),
            InboxError::MoveRefused(refusal) => refusal.code(),
            InboxError::StageRefused(refusal) => refusal.code(),
            InboxError::AnswerRefused(refusal) => refusal.code(),
            InboxError::InvalidInput(_) => "invalid_input",
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        let details = match self {
            InboxError::Refused(refusal) => refusal.details(),
            InboxError::MoveRefused(refusal) => string_details(refusal),
            InboxError::StageRefused(refusal) => string_details(refusal),
            InboxError::AnswerRefused(refusal) => string_details(refusal),
            _ => None,
        };
        ErrorPayload {
            code: self.code().to_owned(),
            message: self.to_string(),
            details,
        }
    }
}

/// The fields of a tagged refusal besides its code, every value as a string.
fn string_details(value: &impl serde::Serialize) -> Option<serde_json::Value> {
    let mut json = serde_json::to_value(value).ok()?;
    let map = json.as_object_mut()?;
    map.remove("code");
    for v in map.values_mut() {
        if let Some(s) = v.as_str() {
            *v = serde_json::Value::String(s.to_owned());
        } else {
            *v = serde_json::Value::String(v.to_string());
        }
    }
    (!map.is_empty()).then_some(json)
}

impl From<rusqlite::Error> for InboxError {
    fn from(err: rusqlite::Error) -> Self {
        InboxError::Storage(err.to_string())
    }
}

impl From<rusqlite_migration::Error> for InboxError {
    fn from(err: rusqlite_migration::Error) -> Self {
        InboxError::Storage(err.to_string())
    }
}

impl From<serde_json::Error> for InboxError {
    fn from(err: serde_json::Error) -> Self {
        InboxError::Storage(format!("stored JSON: {err}"))
    }
}

pub type Result<T, E = InboxError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::SystemStage;

    #[test]
    fn payload_carries_stable_code_and_message() {
        let err = InboxError::NotFound("lead 2000001".into());
        let json = serde_json::to_value(err.to_payload()).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "lead 2000001 was not found", "details": null})
        );
    }

    #[test]
    fn refusals_cross_with_their_own_code_and_details() {
        let err = InboxError::from(Refusal::PaymentNotConfirmed {
            stage: SystemStage::PaymentInProcess,
        });
        let payload = err.to_payload();
        assert_eq!(payload.code, "payment_not_confirmed");
        assert_eq!(payload.message, "Lead payment is not confirmed");
        assert_eq!(
            payload.details,
            Some(serde_json::json!({"stage": "payment_in_process"}))
        );

        let moved = InboxError::from(MoveRefusal::NotPaid {
            stage: SystemStage::Canceled,
        });
        assert_eq!(moved.to_payload().code, "not_paid");
        assert_eq!(
            moved.to_payload().details,
            Some(serde_json::json!({"stage": "canceled"}))
        );
    }
}
