//! A file a buyer sent, handed to the desktop: whether the system may open it is decided here,
//! by what the file holds, never by its name or by the shell.

use std::path::PathBuf;

use super::Inbox;
use crate::error::{InboxError, Result};
use crate::rules::FileContent;

/// A downloaded attachment and what the desktop may do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedFile {
    pub path: PathBuf,
    /// Open it with the system's viewer (a picture, a PDF, plain text); otherwise only show it
    /// in its folder.
    pub open_with_system: bool,
}

impl Inbox {
    /// Downloads an attachment (once) and judges the file on disk as it is now: what the
    /// system would be given is what is sniffed.
    pub async fn attachment_to_open(&self, attachment_id: i64) -> Result<ReceivedFile> {
        let path = self.download_attachment(attachment_id).await?;
        let sniffed = path.clone();
        let content = tokio::task::spawn_blocking(move || FileContent::of_file(&sniffed))
            .await
            .map_err(|e| InboxError::task("attachment", &e))?
            .map_err(|e| InboxError::io("reading the attachment", &e))?;
        Ok(ReceivedFile {
            path,
            open_with_system: content.opens_with_system(),
        })
    }
}
