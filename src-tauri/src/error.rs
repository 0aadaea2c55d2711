//! Errors as commands return them: `{ code, message, details }`, never a bare string.

use inbox::ipc::ErrorPayload;
use serde::Serialize;

#[derive(Debug)]
pub struct CommandError(pub ErrorPayload);

impl From<inbox::InboxError> for CommandError {
    fn from(err: inbox::InboxError) -> Self {
        tracing::warn!(code = err.code(), %err, "command failed");
        CommandError(err.to_payload())
    }
}

impl Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
