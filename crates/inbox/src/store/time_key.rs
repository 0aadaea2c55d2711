//! Integer keys that sort by time: `millis * 1024 + n`. Messages' `seq` and leads'
//! `search_key` use them so "newest first" is a walk down an index (or the FTS rowids)
//! that stops at the page size.

use super::cached::CachedStatements;
use rusqlite::{params, Connection};

use crate::error::Result;

const PER_MILLI: i64 = 1024;

/// A table's time-ordered key column.
pub struct KeyColumn {
    table: &'static str,
    column: &'static str,
}

pub const MESSAGE_SEQ: KeyColumn = KeyColumn {
    table: "messages",
    column: "seq",
};
pub const LEAD_SEARCH: KeyColumn = KeyColumn {
    table: "leads",
    column: "search_key",
};

/// The next free key for an event at `millis`: the first free slot of that millisecond, or,
/// in the unlikely case all 1,024 are taken, one past the largest key from then on (still
/// unique, barely out of order).
pub fn next(conn: &Connection, key: KeyColumn, millis: i64) -> Result<i64> {
    let base = millis.max(0) * PER_MILLI;
    let last: Option<i64> = conn.query_row_cached(
        &format!(
            "SELECT MAX({c}) FROM {t} WHERE {c} BETWEEN ?1 AND ?2",
            c = key.column,
            t = key.table
        ),
        params![base, base + PER_MILLI - 1],
        |r| r.get(0),
    )?;
    match last {
        None => Ok(base),
        Some(last) if last < base + PER_MILLI - 1 => Ok(last + 1),
        Some(_) => {
            let max: i64 = conn.query_row_cached(
                &format!(
                    "SELECT MAX({c}) FROM {t} WHERE {c} >= ?1",
                    c = key.column,
                    t = key.table
                ),
                [base],
                |r| r.get(0),
            )?;
            Ok(max + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::store::testing::{api_order, now, temp_store};
    use crate::store::{accounts, orders};

    #[test]
    fn more_than_a_millisecond_of_slots_stays_unique() {
        let (_dir, store) = temp_store();
        let account = store
            .write(|tx| accounts::connect(tx, 1, "MLA", None, now()))
            .expect("account");
        // 1,100 leads whose sales share one instant.
        for chunk in (0..1100).collect::<Vec<i64>>().chunks(100) {
            let page: Vec<_> = chunk
                .iter()
                .map(|i| api_order(i + 1, None, "paid", "Mate"))
                .collect();
            store
                .write(|tx| orders::apply_page(tx, account, &page, now()))
                .expect("orders");
        }
        let (count, distinct): (i64, i64) = store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT COUNT(*), COUNT(DISTINCT search_key) FROM leads",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .expect("counts");
        assert_eq!((count, distinct), (1100, 1100));
    }
}
