//! Question hits: a question's text or its answer matched. They come from `questions_fts`,
//! whose rowid is Mercado Libre's question id (growing with time), newest first.

use rusqlite::{params, Connection};

use super::markers;
use crate::error::Result;
use crate::ipc::{SearchHit, SearchHitKind};
use crate::store::millis_to_text;

pub const QUESTION_HITS: u32 = 30;

pub(crate) fn search_questions(
    conn: &Connection,
    query: &str,
    account: Option<i64>,
) -> Result<Vec<SearchHit>> {
    let (start, end) = markers();
    let mut stmt = conn.prepare_cached(
        "SELECT q.id, COALESCE(q.lead_id, 0), q.account_id,
                COALESCE(li.title, q.item_id),
                (SELECT COALESCE(b.nickname, b.first_name) FROM buyers b WHERE b.buyer_id = q.buyer_id),
                q.asked_at,
                snippet(questions_fts, -1, ?2, ?3, '…', 12)
         FROM questions_fts f
         JOIN questions q ON q.id = f.rowid
         LEFT JOIN listings li ON li.account_id = q.account_id AND li.item_id = q.item_id
         WHERE questions_fts MATCH ?1 AND (?4 IS NULL OR q.account_id = ?4)
         ORDER BY f.rowid DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(params![query, start, end, account, QUESTION_HITS], |r| {
        Ok(SearchHit {
            kind: SearchHitKind::Question,
            question_id: Some(r.get(0)?),
            lead_id: r.get(1)?,
            account_id: r.get(2)?,
            lead_name: r.get(3)?,
            buyer: r.get(4)?,
            message_id: None,
            at: millis_to_text(r.get(5)?),
            snippet: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
