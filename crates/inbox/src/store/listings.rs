//! Listings in the cache: the ones questions were asked on and the ones the board's cards name,
//! their titles from the items multiget, and their pictures as files in the cache dir.
//!
//! A listing is *wanted* when a question or a lead names it: a placeholder row (`fetched_at`
//! 0) is queued for the fetcher (`sync::listings`), which reads those never read and those
//! read more than a day ago, most recently wanted first. A picture is downloaded once per
//! address: `picture_url` remembers the address of the file kept, or of the one refused.

use chrono::{DateTime, Utc};
use meli::models::ListingSummary;
use meli::ListingAnswer;
use rusqlite::{params, Connection, OptionalExtension};

use super::cached::CachedStatements;
use super::to_millis;
use crate::error::Result;

/// Codes of a multiget entry that say the listing is not there for us (deleted, hidden): it
/// is asked again only when stale, like a found one.
const GONE_CODES: [u16; 3] = [403, 404, 410];

/// Queues `item_id` for the fetcher if the cache does not have it; a listing wanted again
/// moves up the queue.
pub fn want(tx: &Connection, account_id: i64, item_id: &str, at: DateTime<Utc>) -> Result<()> {
    if item_id.trim().is_empty() {
        return Ok(());
    }
    tx.execute_cached(
        "INSERT INTO listings (account_id, item_id, fetched_at, raw_json, wanted_at)
         VALUES (?1, ?2, 0, '{}', ?3)
         ON CONFLICT (account_id, item_id) DO UPDATE SET wanted_at = excluded.wanted_at
         WHERE excluded.wanted_at > wanted_at",
        params![account_id, item_id, to_millis(at)],
    )?;
    Ok(())
}

/// Queues the listing each lead's card shows (its first item) for leads added after
/// `after_lead`. Returns the highest lead id of the account, the next call's `after_lead`.
pub fn want_for_leads(tx: &Connection, account_id: i64, after_lead: i64) -> Result<i64> {
    let max = super::leads::newest_id(tx, account_id)?;
    if max <= after_lead {
        return Ok(max);
    }
    tx.execute_cached(
        "INSERT INTO listings (account_id, item_id, fetched_at, raw_json, wanted_at)
         SELECT account_id, item_id, 0, '{}', MAX(activity_at) FROM (
             SELECT l.account_id,
                    json_extract(l.card_json, '$.orders[0].items[0].item_id') AS item_id,
                    l.activity_at
             FROM leads l WHERE l.account_id = ?1 AND l.id > ?2)
         WHERE item_id IS NOT NULL AND item_id <> ''
         GROUP BY account_id, item_id
         ON CONFLICT (account_id, item_id) DO UPDATE SET wanted_at = excluded.wanted_at
         WHERE excluded.wanted_at > wanted_at",
        params![account_id, after_lead],
    )?;
    Ok(max)
}

/// Listings to read: never read, or read before `stale_before`; the never-read first, then
/// the most recently wanted.
pub fn due(
    conn: &Connection,
    account_id: i64,
    stale_before: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT item_id FROM listings WHERE account_id = ?1 AND fetched_at < ?2
         ORDER BY fetched_at, wanted_at DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![account_id, to_millis(stale_before), limit], |r| {
        r.get(0)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores what the multiget said of one listing. A listing found keeps its picture file while
/// its picture's address is the same; one gone (404, 403) keeps what the cache knew and is
/// not asked again until stale; any other code (a server error for that id) leaves it due.
/// Returns whether the row changed.
pub fn store(
    tx: &Connection,
    account_id: i64,
    answer: &ListingAnswer,
    now: DateTime<Utc>,
) -> Result<bool> {
    match answer {
        ListingAnswer::Found(l) => store_found(tx, account_id, l, now),
        ListingAnswer::Refused { id, code } if GONE_CODES.contains(code) => {
            let changed = tx.execute_cached(
                "INSERT INTO listings (account_id, item_id, fetched_at, raw_json, error_code)
                 VALUES (?1, ?2, ?3, '{}', ?4)
                 ON CONFLICT (account_id, item_id) DO UPDATE SET
                     fetched_at = excluded.fetched_at, error_code = excluded.error_code",
                params![account_id, id, to_millis(now), code],
            )?;
            Ok(changed > 0)
        }
        ListingAnswer::Refused { .. } => Ok(false),
    }
}

fn store_found(
    tx: &Connection,
    account_id: i64,
    l: &ListingSummary,
    now: DateTime<Utc>,
) -> Result<bool> {
    let raw = serde_json::to_string(l)?;
    let title = l.title.as_deref().map(crate::untrusted::clean_name);
    let changed = tx.execute_cached(
        "INSERT INTO listings (account_id, item_id, title, thumbnail, permalink, status, fetched_at,
                               raw_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (account_id, item_id) DO UPDATE SET
             title = excluded.title, thumbnail = excluded.thumbnail,
             permalink = excluded.permalink, status = excluded.status,
             fetched_at = excluded.fetched_at, raw_json = excluded.raw_json, error_code = NULL",
        params![
            account_id,
            l.id,
            title,
            l.picture(),
            l.permalink,
            l.status,
            to_millis(now),
            raw
        ],
    )?;
    Ok(changed > 0)
}

/// A picture to download: the listing and the address its row names now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureDue {
    pub item_id: String,
    pub url: String,
}

/// Listings whose picture address has no file and no refusal yet, most recently wanted first.
pub fn pictures_due(conn: &Connection, account_id: i64, limit: u32) -> Result<Vec<PictureDue>> {
    let mut stmt = conn.prepare_cached(
        "SELECT item_id, thumbnail FROM listings
         WHERE account_id = ?1 AND thumbnail IS NOT NULL AND thumbnail <> ''
           AND picture_url IS NOT thumbnail
         ORDER BY wanted_at DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![account_id, limit], |r| {
        Ok(PictureDue {
            item_id: r.get(0)?,
            url: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records the picture kept for `url` (`Ok(file name)`) or why it was refused (`Err(reason)`).
/// Returns the file the listing showed before when no listing shows it any more: the caller
/// deletes it.
pub fn set_picture(
    tx: &Connection,
    account_id: i64,
    item_id: &str,
    url: &str,
    outcome: std::result::Result<&str, &str>,
) -> Result<Option<String>> {
    let before: Option<String> = tx
        .query_row_cached(
            "SELECT picture_file FROM listings WHERE account_id = ?1 AND item_id = ?2",
            params![account_id, item_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let (file, refused) = match outcome {
        Ok(file) => (Some(file), None),
        Err(reason) => (None, Some(reason)),
    };
    tx.execute_cached(
        "UPDATE listings SET picture_file = ?3, picture_url = ?4, picture_refused = ?5
         WHERE account_id = ?1 AND item_id = ?2",
        params![account_id, item_id, file, url, refused],
    )?;
    let Some(before) = before.filter(|b| Some(b.as_str()) != file) else {
        return Ok(None);
    };
    let still_used: bool = tx.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM listings WHERE picture_file = ?1)",
        params![before],
        |r| r.get(0),
    )?;
    Ok((!still_used).then_some(before))
}

/// The leads whose card shows one of `item_ids` (their first item): to refresh once its
/// picture arrived.
pub fn leads_showing(conn: &Connection, account_id: i64, item_ids: &[String]) -> Result<Vec<i64>> {
    let ids = serde_json::to_string(item_ids)?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.id FROM leads l
         WHERE l.account_id = ?1
           AND json_extract(l.card_json, '$.orders[0].items[0].item_id')
               IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt.query_map(params![account_id, ids], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{temp_store, SELLER};
    use crate::store::Store;
    use chrono::{Duration, TimeZone};

    fn test_store() -> (tempfile::TempDir, Store, i64) {
        let (dir, db) = temp_store();
        let account = db
            .write(|tx| crate::store::accounts::connect(tx, SELLER, "MLA", None, at(0)))
            .expect("account");
        (dir, db, account)
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0)
            .single()
            .expect("date")
    }

    fn found(id: &str, picture: &str) -> ListingAnswer {
        ListingAnswer::Found(ListingSummary {
            id: id.into(),
            title: Some(format!("Title of {id}")),
            secure_thumbnail: Some(picture.into()),
            ..Default::default()
        })
    }

    #[test]
    fn wanted_listings_are_due_until_read_then_again_when_stale() {
        let (_dir, db, account) = test_store();
        db.write(|tx| {
            want(tx, account, "MLA1", at(1))?;
            want(tx, account, "MLA2", at(3))?;
            want(tx, account, "", at(3))
        })
        .expect("wants");
        let due_at = |now: DateTime<Utc>| {
            db.read(|c| due(c, account, now - Duration::days(1), 10))
                .expect("due")
        };
        assert_eq!(
            due_at(at(4)),
            ["MLA2", "MLA1"],
            "most recently wanted first"
        );
        db.write(|tx| {
            super::store(tx, account, &found("MLA2", "https://x/2.jpg"), at(4))?;
            super::store(
                tx,
                account,
                &ListingAnswer::Refused {
                    id: "MLA1".into(),
                    code: 404,
                },
                at(4),
            )
        })
        .expect("stores");
        assert!(due_at(at(5)).is_empty(), "fresh, found or gone");
        assert_eq!(
            due_at(at(4) + Duration::days(1) + Duration::hours(1)).len(),
            2
        );
        // A server error for one id leaves it due.
        db.write(|tx| {
            want(tx, account, "MLA3", at(5))?;
            super::store(
                tx,
                account,
                &ListingAnswer::Refused {
                    id: "MLA3".into(),
                    code: 500,
                },
                at(5),
            )
        })
        .expect("stores");
        assert_eq!(due_at(at(6)), ["MLA3"]);
    }

    #[test]
    fn a_picture_is_downloaded_once_per_address_and_a_replaced_file_is_let_go() {
        let (_dir, db, account) = test_store();
        let due_now = || {
            db.read(|c| pictures_due(c, account, 10))
                .expect("due")
                .into_iter()
                .map(|p| p.url)
                .collect::<Vec<_>>()
        };
        db.write(|tx| super::store(tx, account, &found("MLA1", "https://x/1.jpg"), at(1)))
            .expect("stores");
        assert_eq!(due_now(), ["https://x/1.jpg"]);
        let gone = db
            .write(|tx| set_picture(tx, account, "MLA1", "https://x/1.jpg", Ok("pic-a.jpg")))
            .expect("sets");
        assert_eq!(gone, None);
        assert!(due_now().is_empty());
        // Read again the next day with the same address: nothing to download.
        db.write(|tx| super::store(tx, account, &found("MLA1", "https://x/1.jpg"), at(2)))
            .expect("stores");
        assert!(due_now().is_empty());
        // A new address: downloaded again, the old file let go once nothing shows it.
        db.write(|tx| super::store(tx, account, &found("MLA1", "https://x/1b.jpg"), at(3)))
            .expect("stores");
        assert_eq!(due_now(), ["https://x/1b.jpg"]);
        let gone = db
            .write(|tx| set_picture(tx, account, "MLA1", "https://x/1b.jpg", Err("not_an_image")))
            .expect("sets");
        assert_eq!(gone.as_deref(), Some("pic-a.jpg"));
        assert!(due_now().is_empty(), "a refused address is not asked again");
    }
}
