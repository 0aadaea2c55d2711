//! Where each sync stream of an account stopped, so an interrupted import resumes.

use super::cached::CachedStatements;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::to_millis;
use crate::error::Result;

pub fn get(conn: &Connection, account_id: i64, name: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row_cached(
            "SELECT value FROM sync_cursors WHERE account_id = ?1 AND name = ?2",
            params![account_id, name],
            |r| r.get(0),
        )
        .optional()?)
}

/// Written in the same transaction as the page it follows, so a crash never skips a page.
pub fn set(
    conn: &Connection,
    account_id: i64,
    name: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute_cached(
        "INSERT INTO sync_cursors (account_id, name, value, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
         WHERE value IS NOT excluded.value",
        params![account_id, name, value, to_millis(now)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::accounts;
    use crate::store::testing::{now, temp_store};

    #[test]
    fn cursors_are_per_account_and_stream() {
        let (_dir, store) = temp_store();
        let (a, b) = store
            .write(|tx| {
                Ok((
                    accounts::connect(tx, 1, "MLA", None, now())?,
                    accounts::connect(tx, 2, "MLA", None, now())?,
                ))
            })
            .expect("accounts");
        store
            .write(|tx| {
                set(tx, a, "orders", "2026-05-01T10:00:00Z", now())?;
                set(tx, a, "orders", "2026-05-01T11:00:00Z", now())?;
                set(tx, b, "orders", "x", now())
            })
            .expect("writes");
        assert_eq!(
            store
                .read(|c| get(c, a, "orders"))
                .expect("reads")
                .as_deref(),
            Some("2026-05-01T11:00:00Z")
        );
        assert_eq!(
            store
                .read(|c| get(c, b, "orders"))
                .expect("reads")
                .as_deref(),
            Some("x")
        );
        assert_eq!(store.read(|c| get(c, a, "messages")).expect("reads"), None);
    }
}
