//! Attachments' files in the app's cache dir, under names we generate: a name from the API
//! or from a buyer never becomes a path.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{InboxError, Result};
use crate::rules::FileContent;

/// The cache file name for attachment `id` whose bytes are `content`: `att-<id>.<ext>`, the
/// extension from the content, `bin` when it is none of the kinds we know.
pub fn local_name(id: i64, content: &FileContent) -> String {
    let ext = content.extensions().first().copied().unwrap_or("bin");
    format!("att-{id}.{ext}")
}

/// What the sync needs to download an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDownload {
    pub id: i64,
    pub account_id: i64,
    /// Mercado Libre's attachment id, for `GET /messages/attachments/{id}`.
    pub meli_filename: String,
}

pub fn pending_download(conn: &Connection, id: i64) -> Result<PendingDownload> {
    conn.query_row(
        "SELECT a.id, m.account_id, a.meli_filename FROM attachments a
         JOIN messages m ON m.seq = a.message_seq WHERE a.id = ?1",
        [id],
        |r| {
            Ok(PendingDownload {
                id: r.get(0)?,
                account_id: r.get(1)?,
                meli_filename: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| InboxError::NotFound(format!("attachment {id}")))
}

/// Records the downloaded file's cache name, after the file is written.
pub fn set_downloaded(conn: &Connection, id: i64, content: &FileContent) -> Result<String> {
    let name = local_name(id, content);
    let changed = conn.execute(
        "UPDATE attachments SET local_name = ?2 WHERE id = ?1",
        params![id, name],
    )?;
    if changed == 0 {
        return Err(InboxError::NotFound(format!("attachment {id}")));
    }
    Ok(name)
}

pub fn local_file(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT local_name FROM attachments WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_never_come_from_the_api() {
        assert_eq!(local_name(7, &FileContent::Pdf), "att-7.pdf");
        assert_eq!(local_name(8, &FileContent::Jpeg), "att-8.jpg");
        assert_eq!(
            local_name(9, &FileContent::Other(Some("application/zip".into()))),
            "att-9.bin"
        );
        assert_eq!(local_name(10, &FileContent::Text), "att-10.txt");
    }
}
