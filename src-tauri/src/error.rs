//! Errors as commands return them: `{ code, message, details }`, never a bare string.

use inbox::ipc::ErrorPayload;
use serde::Serialize;

#[derive(Debug)]
pub struct CommandError(pub ErrorPayload);

impl CommandError {
    /// A failure of the shell itself (not of the domain), with its own stable code.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        tracing::warn!(code, %message, "command failed");
        CommandError(ErrorPayload {
            code: code.to_owned(),
            message,
            details: None,
        })
    }
}

impl From<inbox::InboxError> for CommandError {
    fn from(err: inbox::InboxError) -> Self {
        let mut payload = err.to_payload();
        // The UI words Mercado Libre's failures by the client's own codes (authorization
        // denied, rate limited, …), which are finer than the domain's "meli"; typed, so its
        // tables name every one (`MeliErrorCode.ts`).
        if let inbox::InboxError::Meli(meli) = &err {
            payload.code = inbox::ipc::MeliErrorCode::from(meli).as_string();
        }
        tracing::warn!(code = %payload.code, %err, "command failed");
        CommandError(payload)
    }
}

impl Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
