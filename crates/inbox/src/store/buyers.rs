//! Buyers' names from `GET /users/{id}`, cached: orders often lack them.

use super::cached::CachedStatements;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde_json::Value;

use super::to_millis;
use crate::error::Result;

/// Caches a user's public data and fills the contact of that buyer's leads where a name or
/// nickname is still missing. Returns the leads it changed.
pub fn remember(conn: &Connection, user: &Value, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let Some(buyer_id) = crate::pipeline::order::id_of(user.get("id")) else {
        return Ok(Vec::new());
    };
    let text = |key: &str| {
        user.get(key)
            .and_then(Value::as_str)
            .map(crate::untrusted::clean_name)
            .filter(|s| !s.is_empty())
    };
    let (nickname, first, last) = (text("nickname"), text("first_name"), text("last_name"));
    conn.execute_cached(
        "INSERT INTO buyers (buyer_id, nickname, first_name, last_name, fetched_at, raw_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (buyer_id) DO UPDATE SET nickname = excluded.nickname, first_name = excluded.first_name,
             last_name = excluded.last_name, fetched_at = excluded.fetched_at, raw_json = excluded.raw_json
         WHERE raw_json IS NOT excluded.raw_json",
        params![buyer_id, nickname, first, last, to_millis(now), user.to_string()],
    )?;
    let name = [first, last]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = (!name.is_empty()).then_some(name);
    let mut stmt = conn.prepare(
        "UPDATE leads SET buyer_name = COALESCE(buyer_name, ?2), buyer_nickname = COALESCE(buyer_nickname, ?3)
         WHERE buyer_id = ?1 AND ((buyer_name IS NULL AND ?2 IS NOT NULL) OR (buyer_nickname IS NULL AND ?3 IS NOT NULL))
         RETURNING id",
    )?;
    let ids = stmt.query_map(params![buyer_id, name, nickname], |r| r.get(0))?;
    let ids: Vec<i64> = ids.collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        super::leads::reindex(conn, *id)?;
    }
    Ok(ids)
}

/// [`missing_names`]' question, which the partial index `leads_nameless` answers without
/// reading the leads that have a name.
pub(crate) const MISSING_NAMES: &str =
    "SELECT DISTINCT l.buyer_id FROM leads l
     WHERE l.account_id = ?1 AND l.buyer_id <> 0 AND l.buyer_name IS NULL AND l.buyer_nickname IS NULL
       AND NOT EXISTS (SELECT 1 FROM buyers b WHERE b.buyer_id = l.buyer_id)
     LIMIT ?2";

/// Buyers whose leads still lack a name: the sync asks the user endpoint for these.
pub fn missing_names(conn: &Connection, account_id: i64, limit: u32) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(MISSING_NAMES)?;
    let ids = stmt.query_map(params![account_id, limit], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// People who asked questions the cache has no user record of, those whose questions wait
/// for an answer first, then the most recent: the sync asks the user endpoint for these.
pub fn missing_askers(conn: &Connection, account_id: i64, limit: u32) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT q.buyer_id FROM questions q
         WHERE q.account_id = ?1 AND q.buyer_id <> 0
           AND NOT EXISTS (SELECT 1 FROM buyers b WHERE b.buyer_id = q.buyer_id)
         GROUP BY q.buyer_id
         ORDER BY MAX(q.status = 'UNANSWERED') DESC, MAX(q.asked_at) DESC
         LIMIT ?2",
    )?;
    let ids = stmt.query_map(params![account_id, limit], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// A user Mercado Libre does not know (404): remembered without names, so neither the
/// questions nor the leads ask for it again.
pub fn remember_unknown(conn: &Connection, buyer_id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute_cached(
        "INSERT INTO buyers (buyer_id, fetched_at) VALUES (?1, ?2)
         ON CONFLICT (buyer_id) DO NOTHING",
        params![buyer_id, to_millis(now)],
    )?;
    Ok(())
}
