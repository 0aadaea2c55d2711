//! Numbers for the stats view.

use rusqlite::{params, Connection};

use super::board::counts_by_stage;
use super::stages;
use crate::error::Result;
use crate::ipc::{MoneyDto, StageCount, Stats};
use crate::pipeline::Money;

/// Stats over one account or all. Paid amounts count every lead Mercado Libre says is paid
/// (custom stages and archived leads included: archiving hides, it does not undo a sale).
pub fn stats(conn: &Connection, account: Option<i64>) -> Result<Stats> {
    let counts = counts_by_stage(conn, account)?;
    let leads_per_stage = stages::board_order(conn)?
        .iter()
        .map(|stage| StageCount {
            key: stage.key(),
            count: counts
                .iter()
                .find(|(id, _)| *id == stage.id)
                .map_or(0, |(_, n)| *n),
        })
        .collect();

    let mut stmt = conn.prepare_cached(
        "SELECT currency, SUM(total_cents) FROM leads
         WHERE system_stage = 'paid' AND currency IS NOT NULL AND (?1 IS NULL OR account_id = ?1)
         GROUP BY currency ORDER BY currency",
    )?;
    let paid_amounts = stmt
        .query_map(params![account], |r| {
            Ok(MoneyDto::from(&Money {
                currency: r.get(0)?,
                cents: r.get(1)?,
            }))
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut stmt = conn.prepare_cached(
        "SELECT first_reply_at - first_buyer_at FROM leads
         WHERE first_reply_at IS NOT NULL AND first_buyer_at IS NOT NULL AND (?1 IS NULL OR account_id = ?1)",
    )?;
    let delays: Vec<i64> = stmt
        .query_map(params![account], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;

    let waiting_for_seller = conn.query_row(
        "SELECT COUNT(*) FROM leads
         WHERE last_from_buyer = 1 AND archived_at IS NULL AND (?1 IS NULL OR account_id = ?1)",
        params![account],
        |r| r.get(0),
    )?;
    Ok(Stats {
        leads_per_stage,
        paid_amounts,
        median_first_reply_secs: median(delays).map(|ms| ms / 1000),
        waiting_for_seller,
    })
}

/// The median; for an even count, the mean of the two middle values (rounded down).
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]).div_euclid(2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
        assert_eq!(median(vec![10, 20]), Some(15));
    }
}
