//! The one error type of the domain, with a stable code for the UI.

use crate::ipc::ErrorPayload;
use crate::pipeline::{MoveRefusal, StageRefusal};
use crate::rules::answer::AnswerRefusal;
use crate::rules::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The local database or the app's files failed. The UI sees one code, `storage`; the
    /// kind is for the engine, which can wait out a busy database but not a full disk.
    #[error("the local database failed: {message}")]
    Storage { kind: StorageKind, message: String },
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

/// What went wrong with the local storage, as far as anything can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// Another connection holds the lock past the busy timeout: trying again later may work.
    Busy,
    /// No room left on the disk: nothing is written until the seller frees some.
    DiskFull,
    /// The database file is damaged or is not a database.
    Corrupt,
    /// Anything else: a failed statement, an unreadable file, a task that panicked.
    Other,
}

impl StorageKind {
    fn of_sqlite(err: &rusqlite::Error) -> StorageKind {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StorageKind::Busy,
            Some(ErrorCode::DiskFull) => StorageKind::DiskFull,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StorageKind::Corrupt,
            _ => StorageKind::Other,
        }
    }

    fn of_io(err: &std::io::Error) -> StorageKind {
        match err.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                StorageKind::DiskFull
            }
            _ => StorageKind::Other,
        }
    }
}

impl InboxError {
    /// A storage failure of `kind`.
    pub fn storage(kind: StorageKind, message: impl Into<String>) -> InboxError {
        InboxError::Storage {
            kind,
            message: message.into(),
        }
    }

    /// A file of the app's that could not be read or written; `doing` says which and how.
    pub fn io(doing: &str, err: &std::io::Error) -> InboxError {
        InboxError::storage(StorageKind::of_io(err), format!("{doing}: {err}"))
    }

    /// A blocking task (a database call, a file copy) that panicked or was cancelled.
    pub fn task(what: &str, err: &tokio::task::JoinError) -> InboxError {
        InboxError::storage(StorageKind::Other, format!("{what} task failed: {err}"))
    }

    /// The kind of a storage failure, `None` for any other error.
    pub fn storage_kind(&self) -> Option<StorageKind> {
        match self {
            InboxError::Storage { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// A code that never changes between versions: the UI translates by it and tests match on it.
    /// Refusals surface their own code so the UI needs one table of sentences.
    pub fn code(&self) -> &'static str {
        match self {
            InboxError::Storage { .. } => "storage",
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
        InboxError::storage(StorageKind::of_sqlite(&err), err.to_string())
    }
}

impl From<rusqlite_migration::Error> for InboxError {
    fn from(err: rusqlite_migration::Error) -> Self {
        let kind = match &err {
            rusqlite_migration::Error::RusqliteError { err, .. } => StorageKind::of_sqlite(err),
            _ => StorageKind::Other,
        };
        InboxError::storage(kind, err.to_string())
    }
}

impl From<serde_json::Error> for InboxError {
    fn from(err: serde_json::Error) -> Self {
        InboxError::storage(StorageKind::Other, format!("stored JSON: {err}"))
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

    fn sqlite(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn storage_failures_keep_their_kind_and_cross_as_storage() {
        let cases = [
            (
                InboxError::from(sqlite(rusqlite::ffi::SQLITE_BUSY)),
                StorageKind::Busy,
            ),
            (
                InboxError::from(sqlite(rusqlite::ffi::SQLITE_LOCKED)),
                StorageKind::Busy,
            ),
            (
                InboxError::from(sqlite(rusqlite::ffi::SQLITE_FULL)),
                StorageKind::DiskFull,
            ),
            (
                InboxError::from(sqlite(rusqlite::ffi::SQLITE_CORRUPT)),
                StorageKind::Corrupt,
            ),
            (
                InboxError::from(sqlite(rusqlite::ffi::SQLITE_NOTADB)),
                StorageKind::Corrupt,
            ),
            (
                InboxError::from(sqlite(rusqlite::ffi::SQLITE_CONSTRAINT)),
                StorageKind::Other,
            ),
            (
                InboxError::from(rusqlite::Error::QueryReturnedNoRows),
                StorageKind::Other,
            ),
            (
                InboxError::io(
                    "copying photo.jpg into the cache",
                    &std::io::Error::from(std::io::ErrorKind::StorageFull),
                ),
                StorageKind::DiskFull,
            ),
            (
                InboxError::io(
                    "reading photo.jpg",
                    &std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                ),
                StorageKind::Other,
            ),
            (
                InboxError::from(rusqlite_migration::Error::RusqliteError {
                    query: "CREATE TABLE t (x)".into(),
                    err: sqlite(rusqlite::ffi::SQLITE_FULL),
                }),
                StorageKind::DiskFull,
            ),
        ];
        for (err, kind) in cases {
            assert_eq!(err.storage_kind(), Some(kind), "{err}");
            let json = serde_json::to_value(err.to_payload()).expect("serializes");
            assert_eq!(json["code"], "storage", "{err}");
            assert!(
                json["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("the local database failed: ")),
                "{json}"
            );
            assert_eq!(json["details"], serde_json::Value::Null);
        }
        assert_eq!(InboxError::NotFound("lead 1".into()).storage_kind(), None);
    }

    #[tokio::test]
    async fn a_panicked_task_is_a_storage_failure_of_no_particular_kind() {
        let join = tokio::task::spawn_blocking(|| panic!("boom")).await;
        let err = InboxError::task("database", &join.expect_err("panicked"));
        assert_eq!(err.storage_kind(), Some(StorageKind::Other));
        assert_eq!(err.code(), "storage");
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
