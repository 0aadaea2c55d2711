//! Armed drafts: the answer a seller writes while Mercado Libre makes them wait for the buyer's
//! reply. It is kept on its lead (surviving restarts) and shown on the card; it is never sent
//! by itself — the seller sends it once the buyer has answered.

use super::cached::CachedStatements;
use rusqlite::{params, Connection};

use crate::error::{InboxError, Result};

/// The most a kept draft holds: a buyer's limit, well past a seller's 350 (the composer counts).
pub const MAX_CHARS: usize = 3_500;

/// Keeps `text` as the lead's armed draft; blank text disarms it.
pub fn set(conn: &Connection, lead_id: i64, text: &str, now_ms: i64) -> Result<()> {
    let text = text.trim();
    if text.chars().count() > MAX_CHARS {
        return Err(InboxError::InvalidInput(format!(
            "an armed draft has at most {MAX_CHARS} characters"
        )));
    }
    let changed = if text.is_empty() {
        conn.execute(
            "UPDATE leads SET armed_draft = NULL, armed_at = NULL WHERE id = ?1",
            [lead_id],
        )?
    } else {
        conn.execute(
            "UPDATE leads SET armed_draft = ?2, armed_at = ?3 WHERE id = ?1",
            params![lead_id, text, now_ms],
        )?
    };
    if changed == 0 {
        return Err(InboxError::NotFound(format!("lead {lead_id}")));
    }
    Ok(())
}

/// The draft went to the outbox: nothing is armed any more.
pub fn clear(conn: &Connection, lead_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE leads SET armed_draft = NULL, armed_at = NULL WHERE id = ?1",
        [lead_id],
    )?;
    Ok(())
}

pub fn is_armed(conn: &Connection, lead_id: i64) -> Result<bool> {
    Ok(conn.query_row_cached(
        "SELECT armed_draft IS NOT NULL FROM leads WHERE id = ?1",
        [lead_id],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::board::lead_card;
    use crate::store::testing::store_with_a_paid_lead;

    #[test]
    fn a_draft_is_kept_on_the_lead_until_disarmed() {
        let (_dir, store, lead) = store_with_a_paid_lead();
        store
            .write(|tx| set(tx, lead, "  Te lo mando mañana  ", 1))
            .expect("arms");
        let card = store.read(|c| lead_card(c, lead)).expect("card");
        assert_eq!(
            card.summary.armed_draft.as_deref(),
            Some("Te lo mando mañana")
        );
        assert!(store.read(|c| is_armed(c, lead)).expect("armed"));
        store.write(|tx| set(tx, lead, "   ", 2)).expect("disarms");
        let card = store.read(|c| lead_card(c, lead)).expect("card");
        assert_eq!(card.summary.armed_draft, None);
        let err = store
            .write(|tx| set(tx, lead, &"x".repeat(MAX_CHARS + 1), 3))
            .expect_err("too long");
        assert_eq!(err.code(), "invalid_input");
        assert_eq!(
            store
                .write(|tx| set(tx, 999, "x", 3))
                .expect_err("no lead")
                .code(),
            "not_found"
        );
    }
}
