//! The seller's toolkit, as the shell calls it: quick replies (list, save, reorder, delete,
//! import and export as JSON files the seller picks).

use std::path::PathBuf;

use super::Inbox;
use crate::error::{InboxError, Result};
use crate::ipc::{QuickReplyDto, QuickReplyInput};
use crate::store::quick_replies;

/// The export file's shape: a version, so a later app can read an older file.
#[derive(serde::Serialize, serde::Deserialize)]
struct QuickRepliesFile {
    version: u32,
    replies: Vec<QuickReplyInput>,
}

const FILE_VERSION: u32 = 1;

impl Inbox {
    /// Keeps `text` as the lead's armed draft (blank text disarms it); the card shows it.
    pub async fn arm_draft(&self, lead_id: i64, text: String) -> Result<()> {
        let now = self.now().timestamp_millis();
        self.store
            .write_async(move |tx| crate::store::armed::set(tx, lead_id, &text, now))
            .await?;
        self.lead_changed(lead_id);
        Ok(())
    }

    pub async fn quick_replies(&self) -> Result<Vec<QuickReplyDto>> {
        self.store.read_async(quick_replies::list).await
    }

    /// Adds a reply (no id) or changes one; returns its id.
    pub async fn save_quick_reply(&self, reply: QuickReplyInput) -> Result<i64> {
        let now = self.now().timestamp_millis();
        self.store
            .write_async(move |tx| quick_replies::save(tx, &reply, now))
            .await
    }

    pub async fn delete_quick_reply(&self, id: i64) -> Result<()> {
        self.store
            .write_async(move |tx| quick_replies::delete(tx, id))
            .await
    }

    pub async fn reorder_quick_replies(&self, ids: Vec<i64>) -> Result<()> {
        self.store
            .write_async(move |tx| quick_replies::reorder(tx, &ids))
            .await
    }

    /// Writes every reply to `path` as JSON (ids left out: they mean nothing elsewhere).
    pub async fn export_quick_replies(&self, path: PathBuf) -> Result<usize> {
        let replies = self.quick_replies().await?;
        let count = replies.len();
        let file = QuickRepliesFile {
            version: FILE_VERSION,
            replies: replies
                .into_iter()
                .map(|r| QuickReplyInput {
                    id: None,
                    ..QuickReplyInput::from(r)
                })
                .collect(),
        };
        let json = serde_json::to_vec_pretty(&file)?;
        tokio::fs::write(&path, json).await.map_err(|e| {
            InboxError::InvalidInput(format!("cannot write {}: {e}", path.display()))
        })?;
        Ok(count)
    }

    /// Adds the replies of a file written by [`Inbox::export_quick_replies`]; returns how
    /// many were new.
    pub async fn import_quick_replies(&self, path: PathBuf) -> Result<usize> {
        let bytes = tokio::fs::read(&path).await.map_err(|e| {
            InboxError::InvalidInput(format!("cannot read {}: {e}", path.display()))
        })?;
        let file: QuickRepliesFile = serde_json::from_slice(&bytes)
            .map_err(|e| InboxError::InvalidInput(format!("not a quick replies file ({e})")))?;
        if file.version != FILE_VERSION {
            return Err(InboxError::InvalidInput(format!(
                "quick replies file version {} (this app reads {FILE_VERSION})",
                file.version
            )));
        }
        let now = self.now().timestamp_millis();
        self.store
            .write_async(move |tx| quick_replies::import(tx, &file.replies, now))
            .await
    }
}

#[cfg(test)]
mod tests {
    use crate::{system_clock, Inbox, InboxPaths};

    #[tokio::test]
    async fn export_then_import_round_trips_and_bad_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let inbox = Inbox::open(InboxPaths::in_dir(dir.path()), system_clock()).expect("inbox");
        let shipped = inbox.quick_replies().await.expect("list");
        let path = dir.path().join("replies.json");
        assert_eq!(
            inbox
                .export_quick_replies(path.clone())
                .await
                .expect("export"),
            shipped.len()
        );

        // Into a second inbox that lost one reply: only that one comes back.
        let other_dir = tempfile::tempdir().expect("tempdir");
        let other =
            Inbox::open(InboxPaths::in_dir(other_dir.path()), system_clock()).expect("inbox");
        other
            .delete_quick_reply(shipped[0].id)
            .await
            .expect("delete");
        assert_eq!(
            other
                .import_quick_replies(path.clone())
                .await
                .expect("import"),
            1
        );
        let titles = |list: Vec<crate::ipc::QuickReplyDto>| {
            let mut t: Vec<String> = list.into_iter().map(|r| r.title).collect();
            t.sort();
            t
        };
        assert_eq!(
            titles(other.quick_replies().await.expect("list")),
            titles(shipped)
        );

        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, b"{\"replies\": 3}").expect("write");
        let err = other.import_quick_replies(bad).await.expect_err("refused");
        assert_eq!(err.code(), "invalid_input");
    }
}
