//! The one error type of the domain, with a stable code for the UI.

use crate::ipc::ErrorPayload;

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("the local database failed: {0}")]
    Storage(String),
    #[error("Mercado Libre: {0}")]
    Meli(#[from] meli::MeliError),
    #[error("{0} was not found")]
    NotFound(String),
}

impl InboxError {
    /// A code that never changes between versions: the UI translates by it and tests match on it.
    pub fn code(&self) -> &'static str {
        match self {
            InboxError::Storage(_) => "storage",
            InboxError::Meli(_) => "meli",
            InboxError::NotFound(_) => "not_found",
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_owned(),
            message: self.to_string(),
            details: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_carries_stable_code_and_message() {
        let err = InboxError::NotFound("lead 2000001".into());
        let json = serde_json::to_value(err.to_payload()).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "lead 2000001 was not found", "details": null})
        );
    }
}
