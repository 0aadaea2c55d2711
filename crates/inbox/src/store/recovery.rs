//! A cache that cannot be used as it is: damaged (a crash mid-write on a failing disk, a file
//! copied half-way) or written by a newer Mostrador. The app checks before opening, and the
//! seller chooses between quitting and rebuilding from Mercado Libre. Rebuilding first salvages
//! what Mercado Libre cannot give back — unsent drafts, the seller's own stages and which paid
//! leads sit in them — then moves the file aside (never deletes it) and re-applies the salvage
//! to the new cache as the re-import brings each lead back.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::cached::CachedStatements;
use super::migrations;
use crate::error::Result;

/// What a look at the cache file found, before anything writes to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheCheck {
    /// Usable (or absent: a first start).
    Healthy,
    /// SQLite cannot read it whole; `detail` is SQLite's own words, for the log and the seller.
    Damaged { detail: String },
    /// Written by a newer version: its schema has `found` steps, this version knows `supported`.
    Newer { found: i64, supported: i64 },
}

/// The file a clean close leaves beside the cache (see [`mark_closed_cleanly`]).
pub fn clean_close_marker(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".closed");
    PathBuf::from(name)
}

/// Says the cache was closed cleanly: its log checkpointed into the file, nothing half-written.
/// The next start then takes a quick look instead of reading every page (`PRAGMA quick_check`
/// reads the whole file: seconds at every start on a large cache).
pub fn mark_closed_cleanly(path: &Path) -> std::io::Result<()> {
    std::fs::write(clean_close_marker(path), b"")
}

/// Checks the cache at `path` read-only: its schema version, then — after a crash, a kill or a
/// first start of this version (no clean-close marker) — `PRAGMA quick_check`, or after a clean
/// close only what a quick look can see (the header against the file's length, the schema
/// readable). The marker is taken away, so a crash before the next clean close checks in full.
pub fn check(path: &Path) -> CacheCheck {
    let closed_cleanly = std::fs::remove_file(clean_close_marker(path)).is_ok();
    if !path.exists() {
        return CacheCheck::Healthy;
    }
    let conn = match Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(conn) => conn,
        Err(err) => return damaged(err),
    };
    let found: i64 = match conn.query_row("PRAGMA user_version", [], |r| r.get(0)) {
        Ok(version) => version,
        Err(err) => return damaged(err),
    };
    let supported = supported_version();
    if found > supported {
        return CacheCheck::Newer { found, supported };
    }
    if closed_cleanly {
        return quick_look(path, &conn);
    }
    let verdict: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect());
    match verdict {
        Ok(lines) if lines.len() == 1 && lines[0] == "ok" => CacheCheck::Healthy,
        Ok(lines) => CacheCheck::Damaged {
            detail: lines.into_iter().take(3).collect::<Vec<_>>().join("; "),
        },
        Err(err) => damaged(err),
    }
}

/// What can be seen without reading every page: the schema parses, and the file is as long as
/// its header says (a copy cut short, a disk that lost the tail).
fn quick_look(path: &Path, conn: &Connection) -> CacheCheck {
    if let Err(err) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        return damaged(err);
    }
    let header = match read_header(path) {
        Ok(header) => header,
        Err(err) => {
            return CacheCheck::Damaged {
                detail: format!("the file's header cannot be read: {err}"),
            }
        }
    };
    let page_size = match u32::from(u16::from_be_bytes([header[16], header[17]])) {
        1 => 65_536,
        size => size,
    };
    let word = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    // The header's page count is only to be trusted when its "valid for" stamp matches.
    let (change_counter, pages, valid_for) = (word(24), word(28), word(92));
    let length = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let expected = u64::from(pages) * u64::from(page_size);
    if valid_for == change_counter && pages > 0 && length < expected {
        return CacheCheck::Damaged {
            detail: format!("the file is cut short: {length} of {expected} bytes"),
        };
    }
    CacheCheck::Healthy
}

fn read_header(path: &Path) -> std::io::Result<[u8; 100]> {
    use std::io::Read;
    let mut header = [0u8; 100];
    std::fs::File::open(path)?.read_exact(&mut header)?;
    Ok(header)
}

fn damaged(err: rusqlite::Error) -> CacheCheck {
    CacheCheck::Damaged {
        detail: err.to_string(),
    }
}

/// The schema version this build writes (rusqlite_migration keeps it in `user_version`).
pub fn supported_version() -> i64 {
    let mut conn = match Connection::open_in_memory() {
        Ok(conn) => conn,
        Err(_) => return 0,
    };
    if migrations::migrations().to_latest(&mut conn).is_err() {
        return 0;
    }
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap_or(0)
}

/// What is kept across a rebuild: what only the seller made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Salvage {
    /// Custom stage names, in board order.
    pub stages: Vec<String>,
    pub placements: Vec<SalvagedPlacement>,
    pub drafts: Vec<SalvagedDraft>,
}

/// A paid lead the seller had moved into a custom stage, by what identifies it on Mercado Libre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalvagedPlacement {
    pub user_id: i64,
    pub site_id: String,
    pub conversation_id: i64,
    pub stage: String,
}

/// A message not known to have reached Mercado Libre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalvagedDraft {
    pub user_id: i64,
    pub site_id: String,
    pub conversation_id: i64,
    pub text: String,
    pub files_json: String,
    pub guide_json: Option<String>,
    pub created_at: i64,
}

impl Salvage {
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty() && self.placements.is_empty() && self.drafts.is_empty()
    }
}

/// Reads whatever can still be read of the seller's own work. Each part is read on its own, so
/// a damaged table costs that part only; a file SQLite cannot open at all salvages nothing.
pub fn salvage(path: &Path) -> Salvage {
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return Salvage::default();
    };
    Salvage {
        stages: read_part(&conn, salvage_stages),
        placements: read_part(&conn, salvage_placements),
        drafts: read_part(&conn, salvage_drafts),
    }
}

fn read_part<T>(conn: &Connection, part: fn(&Connection) -> rusqlite::Result<Vec<T>>) -> Vec<T> {
    part(conn).unwrap_or_else(|err| {
        tracing::warn!(%err, "part of the damaged cache could not be read");
        Vec::new()
    })
}

fn salvage_stages(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT name FROM stages WHERE system_key IS NULL ORDER BY position, id")?
        .query_map([], |r| r.get(0))?
        .collect()
}

fn salvage_placements(conn: &Connection) -> rusqlite::Result<Vec<SalvagedPlacement>> {
    conn.prepare(
        "SELECT a.user_id, a.site_id, l.conversation_id, s.name
         FROM leads l JOIN accounts a ON a.id = l.account_id JOIN stages s ON s.id = l.stage_id
         WHERE s.system_key IS NULL",
    )?
    .query_map([], |r| {
        Ok(SalvagedPlacement {
            user_id: r.get(0)?,
            site_id: r.get(1)?,
            conversation_id: r.get(2)?,
            stage: r.get(3)?,
        })
    })?
    .collect()
}

fn salvage_drafts(conn: &Connection) -> rusqlite::Result<Vec<SalvagedDraft>> {
    conn.prepare(
        "SELECT a.user_id, a.site_id, l.conversation_id, o.text, o.files_json, o.guide_json,
                o.created_at
         FROM outbox o JOIN leads l ON l.id = o.lead_id JOIN accounts a ON a.id = l.account_id
         WHERE o.state <> 'sent' ORDER BY o.id",
    )?
    .query_map([], |r| {
        Ok(SalvagedDraft {
            user_id: r.get(0)?,
            site_id: r.get(1)?,
            conversation_id: r.get(2)?,
            text: r.get(3)?,
            files_json: r.get(4)?,
            guide_json: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?
    .collect()
}

/// Moves the cache file (and its WAL and shared-memory files) aside as
/// `cache-<date>.<why>` beside it (`corrupt`, `newer`), never over an earlier one. Returns the
/// new path.
pub fn move_aside(path: &Path, now: DateTime<Utc>, why: &str) -> std::io::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let stamp = now.format("%Y-%m-%dT%H%M%S");
    let target = (0..)
        .map(|n| {
            let suffix = if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            };
            dir.join(format!("cache-{stamp}{suffix}.{why}"))
        })
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| dir.join(format!("cache-{stamp}.{why}")));
    std::fs::rename(path, &target)?;
    for side in ["-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(side);
        let from = PathBuf::from(from);
        if from.exists() {
            let mut to = target.as_os_str().to_owned();
            to.push(side);
            std::fs::rename(&from, PathBuf::from(to))?;
        }
    }
    Ok(target)
}

/// Writes the salvage into a fresh cache: the stages at once, the placements and drafts as
/// waiting rows that [`apply_to_new_lead`] hands to each lead when the re-import creates it.
pub fn restore(conn: &Connection, salvage: &Salvage) -> Result<()> {
    for name in &salvage.stages {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM stages WHERE name = ?1 AND system_key IS NULL)",
            [name],
            |r| r.get(0),
        )?;
        if !exists {
            conn.execute(
                "INSERT INTO stages (name, position)
                 VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM stages))",
                [name],
            )?;
        }
    }
    for p in &salvage.placements {
        conn.execute(
            "INSERT OR REPLACE INTO restored_placements (user_id, site_id, conversation_id, stage)
             VALUES (?1, ?2, ?3, ?4)",
            params![p.user_id, p.site_id, p.conversation_id, p.stage],
        )?;
    }
    for d in &salvage.drafts {
        conn.execute(
            "INSERT INTO restored_drafts
                 (user_id, site_id, conversation_id, text, files_json, guide_json, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                d.user_id,
                d.site_id,
                d.conversation_id,
                d.text,
                d.files_json,
                d.guide_json,
                d.created_at
            ],
        )?;
    }
    Ok(())
}

/// A lead the re-import just created takes back its custom stage and its unsent drafts. The
/// drafts come back as failed, with the reason, so the seller decides whether to send them:
/// one may have reached Mercado Libre before the cache was damaged.
pub(crate) fn apply_to_new_lead(
    conn: &Connection,
    lead_id: i64,
    account_id: i64,
    conversation_id: i64,
    now: i64,
) -> Result<()> {
    // Runs for every lead an import creates: one cached statement when nothing waits.
    let pending: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM restored_placements) OR EXISTS (SELECT 1 FROM restored_drafts)",
        [],
        |r| r.get(0),
    )?;
    if !pending {
        return Ok(());
    }
    let account: Option<(i64, String)> = conn
        .query_row(
            "SELECT user_id, site_id FROM accounts WHERE id = ?1",
            [account_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((user_id, site_id)) = account else {
        return Ok(());
    };
    let stage: Option<i64> = conn
        .query_row(
            "SELECT s.id FROM restored_placements p JOIN stages s ON s.name = p.stage
             WHERE s.system_key IS NULL
               AND p.user_id = ?1 AND p.site_id = ?2 AND p.conversation_id = ?3",
            params![user_id, site_id, conversation_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(stage) = stage {
        // Only while Mercado Libre says paid: the lead's re-derivation keeps a custom stage
        // for a paid lead and sends any other back to its system stage.
        conn.execute(
            "UPDATE leads SET stage_id = ?2 WHERE id = ?1",
            params![lead_id, stage],
        )?;
    }
    conn.execute(
        "DELETE FROM restored_placements WHERE user_id = ?1 AND site_id = ?2 AND conversation_id = ?3",
        params![user_id, site_id, conversation_id],
    )?;
    conn.execute(
        "INSERT INTO outbox (lead_id, text, files_json, guide_json, state, reason, created_at, updated_at)
         SELECT ?4, text, files_json, guide_json, 'failed', 'restored_after_rebuild', created_at, ?5
         FROM restored_drafts WHERE user_id = ?1 AND site_id = ?2 AND conversation_id = ?3
         ORDER BY id",
        params![user_id, site_id, conversation_id, lead_id, now],
    )?;
    conn.execute(
        "DELETE FROM restored_drafts WHERE user_id = ?1 AND site_id = ?2 AND conversation_id = ?3",
        params![user_id, site_id, conversation_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Column;
    use crate::store::testing::{api_order, now, store_with_a_paid_lead, temp_store, SELLER};
    use crate::store::{accounts, leads, orders, outbox, stages, Store};

    #[test]
    fn an_absent_or_fresh_cache_is_healthy() {
        let (dir, store) = temp_store();
        assert_eq!(check(&dir.path().join("none.sqlite")), CacheCheck::Healthy);
        assert_eq!(check(store.path()), CacheCheck::Healthy);
    }

    #[test]
    fn random_bytes_are_damaged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inbox.sqlite");
        let noise: Vec<u8> = (0..64 * 1024u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        std::fs::write(&path, noise).expect("writes");
        assert!(
            matches!(check(&path), CacheCheck::Damaged { .. }),
            "{:?}",
            check(&path)
        );
    }

    #[test]
    fn a_truncated_file_is_damaged() {
        let (dir, store, _) = store_with_a_paid_lead();
        store.checkpoint().expect("checkpoint");
        let path = store.path().to_owned();
        drop(store);
        let bytes = std::fs::read(&path).expect("reads");
        assert!(bytes.len() > 8192, "a cache of several pages");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("truncates");
        assert!(
            matches!(check(&path), CacheCheck::Damaged { .. }),
            "{:?}",
            check(&path)
        );
        drop(dir);
    }

    #[test]
    fn a_cache_from_a_newer_version_says_so() {
        let (_dir, store) = temp_store();
        let path = store.path().to_owned();
        drop(store);
        let conn = Connection::open(&path).expect("opens");
        conn.pragma_update(None, "user_version", supported_version() + 4)
            .expect("sets");
        drop(conn);
        assert_eq!(
            check(&path),
            CacheCheck::Newer {
                found: supported_version() + 4,
                supported: supported_version()
            }
        );
        assert!(supported_version() >= 3);
    }

    #[test]
    fn moving_aside_takes_the_wal_along_and_never_overwrites() {
        let (dir, store) = temp_store();
        let path = store.path().to_owned();
        drop(store);
        std::fs::write(dir.path().join("inbox.sqlite-wal"), b"wal").expect("writes");
        let first = move_aside(&path, now(), "corrupt").expect("moves");
        assert!(!path.exists());
        assert_eq!(
            first.file_name().and_then(|n| n.to_str()),
            Some("cache-2026-05-01T120000.corrupt")
        );
        assert!(dir
            .path()
            .join("cache-2026-05-01T120000.corrupt-wal")
            .exists());
        Store::open(&path).expect("a new cache");
        let second = move_aside(&path, now(), "corrupt").expect("moves again");
        assert_ne!(first, second);
        assert!(first.exists() && second.exists());
    }

    /// The whole path a seller walks: stages, a placed lead and an unsent draft survive a
    /// rebuild, and come back as the re-import recreates the lead.
    #[test]
    fn a_rebuild_keeps_stages_placements_and_drafts() {
        let (dir, store, lead) = store_with_a_paid_lead();
        store
            .write(|tx| {
                stages::add(tx, "Packed")?;
                let shipped = stages::add(tx, "Shipped")?;
                leads::move_to(tx, lead, Column::Custom(shipped))?;
                outbox::enqueue(tx, lead, "Your parcel leaves today", &[], None, now())?;
                Ok(())
            })
            .expect("seller's work");
        let path = store.path().to_owned();
        drop(store);

        let saved = salvage(&path);
        assert_eq!(saved.stages, ["Packed", "Shipped"]);
        assert_eq!(saved.placements.len(), 1);
        assert_eq!(saved.placements[0].stage, "Shipped");
        assert_eq!(saved.placements[0].user_id, SELLER);
        assert_eq!(saved.drafts.len(), 1);
        assert_eq!(saved.drafts[0].text, "Your parcel leaves today");

        move_aside(&path, now(), "corrupt").expect("moves aside");
        let fresh = Store::open(&path).expect("new cache");
        fresh.write(|tx| restore(tx, &saved)).expect("restores");
        let rebuilt = fresh
            .write(|tx| {
                let account = accounts::connect(tx, SELLER, "MLA", None, now())?;
                orders::apply_page(tx, account, &[api_order(1, None, "paid", "Mate")], now())?;
                Ok(leads::find(tx, account, 1)?.expect("lead"))
            })
            .expect("re-import");
        let (stage, drafts, waiting) = fresh
            .read(move |c| {
                let stage: String = c.query_row(
                    "SELECT s.name FROM leads l JOIN stages s ON s.id = l.stage_id WHERE l.id = ?1",
                    [rebuilt],
                    |r| r.get(0),
                )?;
                let drafts = outbox::unsent_for_lead(c, rebuilt)?;
                let waiting: i64 = c.query_row(
                    "SELECT (SELECT COUNT(*) FROM restored_placements) + (SELECT COUNT(*) FROM restored_drafts)",
                    [],
                    |r| r.get(0),
                )?;
                Ok((stage, drafts, waiting))
            })
            .expect("reads");
        assert_eq!(stage, "Shipped");
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].text, "Your parcel leaves today");
        assert_eq!(drafts[0].reason.as_deref(), Some("restored_after_rebuild"));
        assert_eq!(waiting, 0, "applied once, then forgotten");
        drop(dir);
    }

    #[test]
    fn a_file_sqlite_cannot_open_salvages_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inbox.sqlite");
        std::fs::write(&path, b"not a database at all, just text").expect("writes");
        assert!(salvage(&path).is_empty());
    }
}
