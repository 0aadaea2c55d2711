//! The SQLite cache: the single source of truth for the UI.
//!
//! One writer connection (SQLite serialises writers anyway; one connection avoids
//! `SQLITE_BUSY` between our own threads) and a small pool of read-only connections, which
//! WAL lets run while the writer writes. Calls block: from async code use
//! [`Store::read_async`] / [`Store::write_async`], which run on tokio's blocking pool.
//!
//! No secret is ever written here: tokens live in the OS keychain.

pub mod accounts;
pub mod armed;
pub mod attachments;
pub mod board;
pub mod buyers;
mod cached;
pub mod chat_failures;
pub mod conversation;
pub mod cursors;
pub mod health;
pub mod leads;
pub mod listings;
pub mod messages;
pub mod migrations;
pub mod orders;
pub mod outbox;
pub mod questions;
pub mod quick_replies;
pub mod raw;
pub mod recovery;
pub mod search;
pub mod shipments;
pub mod stages;
pub mod stats;
pub mod sync_writes;
mod time_key;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{InboxError, Result, StorageKind};

/// Readers kept open between queries; more are opened when busy and closed after use.
const IDLE_READERS: usize = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn poisoned<T>(_: T) -> InboxError {
    InboxError::storage(StorageKind::Other, "a previous database call panicked")
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let mut writer = Connection::open(path)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        migrations::migrations().to_latest(&mut writer)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on a read-only connection; it sees the last committed state.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let idle = self.inner.readers.lock().map_err(poisoned)?.pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    &self.inner.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&conn)?;
                conn
            }
        };
        let result = f(&conn);
        let mut readers = self.inner.readers.lock().map_err(poisoned)?;
        if readers.len() < IDLE_READERS {
            readers.push(conn);
        }
        result
    }

    /// Runs `f` in one write transaction, committed if it returns `Ok`, rolled back otherwise.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.inner.writer.lock().map_err(poisoned)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// [`Store::write`] committed with `synchronous=FULL`: the commit is on disk before this
    /// returns, so a power cut cannot undo it. For the outbox's state changes (a draft marked
    /// `sending` must never come back `pending` and be posted twice); the bulk of the sync's
    /// writes keep `NORMAL`, which WAL makes safe against corruption but not against losing
    /// the last commits.
    pub fn write_durable<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.inner.writer.lock().map_err(poisoned)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let outcome = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        outcome
    }

    pub async fn write_durable_async<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.write_durable(f))
            .await
            .map_err(|e| InboxError::task("database", &e))?
    }

    /// Rows inserted, updated or deleted through the writer since the store opened, those of
    /// triggers included (an FTS index row counts): how a figure or a test tells that a pass
    /// wrote nothing.
    pub fn rows_written(&self) -> Result<u64> {
        Ok(self.inner.writer.lock().map_err(poisoned)?.total_changes())
    }

    /// Rewrites the file with full pages (`VACUUM`) and folds the log back. A first import
    /// inserts in no key's order, which leaves the tables' pages about half full; run once
    /// after it, on the sync's thread. Readers (the UI's queries) go on meanwhile from the
    /// last commit; only writes wait for it.
    pub fn compact(&self) -> Result<()> {
        let conn = self.inner.writer.lock().map_err(poisoned)?;
        conn.execute_batch("VACUUM")?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Folds the write-ahead log into the database file and truncates it, so the file alone is
    /// the whole cache (on quit, for the next start's quick look, or before measuring the file).
    /// A reader that kept it from finishing is an error.
    pub fn checkpoint(&self) -> Result<()> {
        let conn = self.inner.writer.lock().map_err(poisoned)?;
        let (busy, _, _): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if busy != 0 {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                Some("a reader kept the checkpoint from finishing".into()),
            )
            .into());
        }
        Ok(())
    }

    pub async fn compact_async(&self) -> Result<()> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.compact())
            .await
            .map_err(|e| InboxError::task("database", &e))?
    }

    pub async fn read_async<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read(f))
            .await
            .map_err(|e| InboxError::task("database", &e))?
    }

    pub async fn write_async<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.write(f))
            .await
            .map_err(|e| InboxError::task("database", &e))?
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(cached::STATEMENT_CACHE);
    // Without the planner's stability guarantee SQLite plans a `LIMIT ?` (and a LIKE pattern,
    // or a partial index's term, given as a parameter) for the value bound, and marks the
    // statement expired whenever its bindings change or are cleared, as the statement cache
    // does on every return: each cached statement of the poll was compiled again on every
    // call. The schema's partial indexes are matched by literal terms, so nothing is lost.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Milliseconds since the epoch, the store's time unit.
pub fn to_millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

pub fn from_millis(millis: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(millis).single()
}

/// RFC 3339 in UTC with milliseconds, as the UI receives dates.
pub fn millis_to_text(millis: i64) -> Option<String> {
    from_millis(millis).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod bench_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_sets_wal_and_pragmas() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("inbox.sqlite")).expect("opens");
        let (mode, fk, sync): (String, i64, i64) = store
            .read(|c| {
                let mode = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
                let fk = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
                let sync = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
                Ok((mode, fk, sync))
            })
            .expect("reads");
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        assert_eq!(sync, 1, "NORMAL");
    }

    #[test]
    fn a_cached_statement_with_a_bound_limit_is_compiled_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("inbox.sqlite")).expect("opens");
        let sql = "SELECT id FROM stages WHERE position >= ?1 ORDER BY position LIMIT ?2";
        let recompiled = store
            .read(|c| {
                for limit in [1, 3, 2, 5] {
                    let mut stmt = c.prepare_cached(sql)?;
                    let _: Vec<i64> = stmt
                        .query_map(rusqlite::params![0, limit], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                }
                let stmt = c.prepare_cached(sql)?;
                Ok(stmt.get_status(rusqlite::StatementStatus::RePrepare))
            })
            .expect("reads");
        assert_eq!(recompiled, 0, "each new binding recompiled the statement");
    }

    #[test]
    fn durable_writes_commit_with_full_sync_and_the_rest_keep_normal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("inbox.sqlite")).expect("opens");
        let level = |tx: &Transaction| -> Result<i64> {
            Ok(tx.query_row("PRAGMA synchronous", [], |r| r.get(0))?)
        };
        assert_eq!(store.write_durable(level).expect("writes"), 2, "FULL");
        assert_eq!(store.write(level).expect("writes"), 1, "NORMAL again");
        let failed: Result<()> = store.write_durable(|_| Err(InboxError::InvalidInput("x".into())));
        assert!(failed.is_err());
        assert_eq!(
            store.write(level).expect("writes"),
            1,
            "NORMAL after a failure"
        );
    }

    #[test]
    fn readers_are_read_only_and_see_committed_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("inbox.sqlite")).expect("opens");
        let denied = store.read(|c| Ok(c.execute("DELETE FROM stages", [])?));
        assert!(denied.is_err(), "a reader cannot write");
        store
            .write(|tx| {
                Ok(tx.execute(
                    "INSERT INTO stages (name, position) VALUES ('Shipped', 0)",
                    [],
                )?)
            })
            .expect("writes");
        let count: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))?))
            .expect("reads");
        assert_eq!(count, 6);
    }

    #[test]
    fn a_failed_write_rolls_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("inbox.sqlite")).expect("opens");
        let result: Result<()> = store.write(|tx| {
            tx.execute(
                "INSERT INTO stages (name, position) VALUES ('Shipped', 0)",
                [],
            )?;
            Err(InboxError::InvalidInput("stop".into()))
        });
        assert!(result.is_err());
        let count: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))?))
            .expect("reads");
        assert_eq!(count, 5);
    }

    #[test]
    fn reopening_keeps_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inbox.sqlite");
        {
            let store = Store::open(&path).expect("opens");
            store
                .write(|tx| {
                    Ok(tx.execute("INSERT INTO stages (name, position) VALUES ('X', 0)", [])?)
                })
                .expect("writes");
        }
        let store = Store::open(&path).expect("reopens");
        let count: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))?))
            .expect("reads");
        assert_eq!(count, 6);
    }

    #[test]
    fn readers_run_while_the_writer_writes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("inbox.sqlite")).expect("opens");
        let writer = {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..200 {
                    store
                        .write(|tx| {
                            tx.execute(
                                "INSERT INTO stages (name, position) VALUES (?1, ?2)",
                                (format!("s{i}"), i),
                            )?;
                            Ok(())
                        })
                        .expect("writes");
                }
            })
        };
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                std::thread::spawn(move || {
                    let mut last = 0;
                    for _ in 0..200 {
                        let count: i64 = store
                            .read(|c| {
                                Ok(c.query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))?)
                            })
                            .expect("reads while writing");
                        assert!(count >= last, "a reader never goes back in time");
                        last = count;
                    }
                })
            })
            .collect();
        writer.join().expect("writer");
        for reader in readers {
            reader.join().expect("reader");
        }
        let count: i64 = store
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))?))
            .expect("reads");
        assert_eq!(count, 205);
    }

    #[tokio::test]
    async fn async_handles_run_off_the_runtime() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("inbox.sqlite")).expect("opens");
        store
            .write_async(|tx| {
                Ok(tx.execute("INSERT INTO stages (name, position) VALUES ('X', 0)", [])?)
            })
            .await
            .expect("writes");
        let count: i64 = store
            .read_async(|c| Ok(c.query_row("SELECT COUNT(*) FROM stages", [], |r| r.get(0))?))
            .await
            .expect("reads");
        assert_eq!(count, 6);
    }

    #[test]
    fn millis_round_trip() {
        let t = from_millis(1_700_000_000_123).expect("valid");
        assert_eq!(to_millis(t), 1_700_000_000_123);
        assert_eq!(
            millis_to_text(0).as_deref(),
            Some("1970-01-01T00:00:00.000Z")
        );
    }
}
