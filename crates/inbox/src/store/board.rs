//! The board: columns with counts and their first page, a column's next pages, the lead card.
//!
//! Columns are sorted by last activity, newest first, and paged by keyset
//! (`activity_at`, `id`), served by the partial indexes `leads_by_column` and
//! `leads_by_account_column` (archived leads are not in them), or by a filter's own
//! (see [`filter`]).

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use filter::FilterSql;

use super::stages::{self, column_id, column_key, Stage};
use super::{accounts, millis_to_text};
use crate::error::{InboxError, Result};
use crate::ipc::{
    BoardFilter, CardOrder, ColumnPage, LeadCard, LeadSummary, MoneyDto, OrderLine, ShipmentDto,
    StageColumn,
};
use crate::pipeline::{CardData, Column, Money, SystemStage};
use crate::rules::SourceState;

pub const DEFAULT_PAGE: u32 = 30;

/// Where a column page stopped: the last lead's activity time and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnCursor {
    pub activity_at: i64,
    pub id: i64,
}

impl ColumnCursor {
    pub fn encode(self) -> String {
        format!("{}:{}", self.activity_at, self.id)
    }

    pub fn decode(text: &str) -> Result<ColumnCursor> {
        let invalid = || InboxError::InvalidInput(format!("cursor {text:?}"));
        let (at, id) = text.split_once(':').ok_or_else(invalid)?;
        Ok(ColumnCursor {
            activity_at: at.parse().map_err(|_| invalid())?,
            id: id.parse().map_err(|_| invalid())?,
        })
    }
}

pub(crate) const SUMMARY_COLUMNS: &str = "l.id, l.account_id, l.conversation_id, l.buyer_name,
    l.buyer_nickname, l.total_cents, l.currency, l.tags, l.unread_count, l.last_message_excerpt,
    l.last_message_at, l.last_from_buyer, l.stage_id, l.system_stage, l.archived_at, l.activity_at,
    EXISTS (SELECT 1 FROM chat_failures f WHERE f.lead_id = l.id), l.armed_draft,
    json_extract(l.card_json, '$.orders[0].items[0].title'),
    (SELECT COUNT(*) FROM json_each(l.card_json, '$.orders') o, json_each(o.value, '$.items')),
    (SELECT li.picture_file FROM listings li WHERE li.account_id = l.account_id
        AND li.item_id = json_extract(l.card_json, '$.orders[0].items[0].item_id'))";

pub(crate) fn row_to_summary(r: &rusqlite::Row) -> rusqlite::Result<(LeadSummary, i64)> {
    let name: Option<String> = r.get(3)?;
    let nickname: Option<String> = r.get(4)?;
    let total = match (r.get::<_, Option<i64>>(5)?, r.get::<_, Option<String>>(6)?) {
        (Some(cents), Some(currency)) => Some(MoneyDto::from(&Money { currency, cents })),
        _ => None,
    };
    let tags: String = r.get(7)?;
    let system =
        SystemStage::from_key(&r.get::<_, String>(13)?).unwrap_or(SystemStage::PaymentRequired);
    let stage_id: i64 = r.get(12)?;
    let column = super::leads::current_column(stage_id, system);
    let summary = LeadSummary {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get::<_, i64>(2)?.to_string(),
        buyer: name.or_else(|| nickname.clone()),
        buyer_nickname: nickname,
        total,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        unread_count: r.get(8)?,
        last_message: r.get(9)?,
        last_message_at: r.get::<_, Option<i64>>(10)?.and_then(millis_to_text),
        waiting_for_you: r.get(11)?,
        stage_key: column_key(column),
        archived: r.get::<_, Option<i64>>(14)?.is_some(),
        read_failed: r.get(16)?,
        armed_draft: r.get(17)?,
        first_item: r.get(18)?,
        more_items: u32::try_from(r.get::<_, i64>(19)?.saturating_sub(1)).unwrap_or(0),
        // The cache's file name; the facade, which knows the cache, makes it a path.
        picture: r.get(20)?,
    };
    Ok((summary, r.get(15)?))
}

/// Leads of one column that pass the filter, newest activity first, after `cursor`.
pub fn column_page(
    conn: &Connection,
    column: Column,
    account: Option<i64>,
    filter: &BoardFilter,
    cursor: Option<ColumnCursor>,
    limit: u32,
) -> Result<ColumnPage> {
    FilterSql::match_text(conn, filter)?;
    page(conn, column, account, filter, cursor, limit)
}

/// [`column_page`] once the filter's text is matched.
fn page(
    conn: &Connection,
    column: Column,
    account: Option<i64>,
    filter: &BoardFilter,
    cursor: Option<ColumnCursor>,
    limit: u32,
) -> Result<ColumnPage> {
    let (after_at, after_id) = cursor.map_or((i64::MAX, i64::MAX), |c| (c.activity_at, c.id));
    let where_ = FilterSql::new(account, filter, 5);
    let sql = where_.page_sql();
    let mut stmt = conn.prepare_cached(&sql)?;
    let fetch = i64::from(limit) + 1;
    let mut values = vec![
        Value::Integer(column_id(column)),
        Value::Integer(after_at),
        Value::Integer(after_id),
        Value::Integer(fetch),
    ];
    values.extend(where_.values);
    let rows = stmt.query_map(params_from_iter(values), row_to_summary)?;
    let mut leads: Vec<(LeadSummary, i64)> = rows.collect::<rusqlite::Result<_>>()?;
    let next_cursor = if leads.len() > limit as usize {
        leads.truncate(limit as usize);
        leads.last().map(|(lead, at)| {
            ColumnCursor {
                activity_at: *at,
                id: lead.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(ColumnPage {
        leads: leads.into_iter().map(|(lead, _)| lead).collect(),
        next_cursor,
    })
}

/// Every column in board order with its count of leads that pass the filter and its first
/// `page_size` of them.
pub fn board(
    conn: &Connection,
    account: Option<i64>,
    filter: &BoardFilter,
    page_size: u32,
) -> Result<Vec<StageColumn>> {
    let counts = if filter.is_empty() {
        counts_by_stage(conn, account)?
    } else {
        let matched = FilterSql::match_text(conn, filter)?;
        // Looking each match up costs about three times what testing a lead against the
        // matches does: from the matches only while they are fewer than a third of the leads.
        let from_matches = match matched {
            Some(matched) => {
                let leads: u32 = counts_by_stage(conn, account)?.iter().map(|(_, n)| n).sum();
                matched.saturating_mul(3) < leads as usize
            }
            None => false,
        };
        filtered_counts(conn, account, filter, from_matches)?
    };
    let mut columns = Vec::new();
    for stage in stages::board_order(conn)? {
        // A column none passes is not walked: a narrow filter would otherwise test every lead
        // of a long column to find nothing.
        let page = if lead_count(&stage, &counts) == 0 {
            ColumnPage {
                leads: Vec::new(),
                next_cursor: None,
            }
        } else {
            page(conn, stage.column(), account, filter, None, page_size)?
        };
        columns.push(stage_column(&stage, &counts, page));
    }
    Ok(columns)
}

fn filtered_counts(
    conn: &Connection,
    account: Option<i64>,
    filter: &BoardFilter,
    from_matches: bool,
) -> Result<Vec<(i64, u32)>> {
    let where_ = FilterSql {
        from_matches,
        ..FilterSql::new(account, filter, 1)
    };
    let sql = where_.counts_sql();
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(where_.values), |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn stage_column(stage: &Stage, counts: &[(i64, u32)], page: ColumnPage) -> StageColumn {
    StageColumn {
        key: stage.key(),
        system: stage.system,
        name: stage.name.clone(),
        lead_count: lead_count(stage, counts),
        leads: page.leads,
        next_cursor: page.next_cursor,
    }
}

fn lead_count(stage: &Stage, counts: &[(i64, u32)]) -> u32 {
    counts
        .iter()
        .find(|(id, _)| *id == stage.id)
        .map_or(0, |(_, n)| *n)
}

/// Unarchived leads per stage id, as `lead_counts` keeps them (see the migrations' V19).
pub(crate) fn counts_by_stage(conn: &Connection, account: Option<i64>) -> Result<Vec<(i64, u32)>> {
    fn pair(r: &rusqlite::Row) -> rusqlite::Result<(i64, u32)> {
        Ok((r.get(0)?, r.get(1)?))
    }
    let counts = match account {
        Some(account) => conn
            .prepare_cached("SELECT stage_id, n FROM lead_counts WHERE account_id = ?1")?
            .query_map([account], pair)?
            .collect::<rusqlite::Result<_>>()?,
        None => conn
            .prepare_cached("SELECT stage_id, SUM(n) FROM lead_counts GROUP BY stage_id")?
            .query_map([], pair)?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(counts)
}

pub fn lead_summary(conn: &Connection, lead_id: i64) -> Result<LeadSummary> {
    conn.query_row(
        &format!("SELECT {SUMMARY_COLUMNS} FROM leads l WHERE l.id = ?1"),
        [lead_id],
        |r| row_to_summary(r).map(|(lead, _)| lead),
    )
    .optional()?
    .ok_or_else(|| InboxError::NotFound(format!("lead {lead_id}")))
}

pub fn lead_card(conn: &Connection, lead_id: i64) -> Result<LeadCard> {
    let summary = lead_summary(conn, lead_id)?;
    let (card_json, system, buyer_id, status, substatus): (
        String,
        String,
        i64,
        Option<String>,
        Option<String>,
    ) = conn.query_row(
        "SELECT card_json, system_stage, buyer_id, conversation_status, conversation_substatus
             FROM leads WHERE id = ?1",
        [lead_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let card: CardData = serde_json::from_str(&card_json).unwrap_or_default();
    let account = accounts::get(conn, summary.account_id)?;
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    };
    Ok(LeadCard {
        system_stage: SystemStage::from_key(&system).unwrap_or(SystemStage::PaymentRequired),
        buyer_id: buyer_id.to_string(),
        orders: card
            .orders
            .iter()
            .map(|o| CardOrder {
                id: o.id.to_string(),
                status: o.status.clone(),
                items: o
                    .items
                    .iter()
                    .map(|i| OrderLine {
                        item_id: i.item_id.clone(),
                        title: i.title.clone(),
                        quantity: i.quantity,
                        unit_price: MoneyDto::from(&i.unit_price),
                    })
                    .collect(),
                total: MoneyDto::from(&o.total),
            })
            .collect(),
        totals: card.totals.iter().map(MoneyDto::from).collect(),
        shipments: card
            .shipments
            .iter()
            .map(|s| ShipmentDto {
                id: s.id.to_string(),
                status: s.status.clone(),
            })
            .collect(),
        created_at: date(card.created_at),
        closed_at: date(card.closed_at),
        updated_at: date(card.updated_at),
        conversation_status: status,
        conversation_substatus: substatus,
        source_disabled: account.state == SourceState::Disabled,
        sale_url: meli::Site::from_id(&account.site_id).and_then(|s| s.sale_page(&summary.name)),
        read_failure: super::chat_failures::for_lead(conn, lead_id)?,
        summary,
    })
}

mod filter;

#[cfg(test)]
mod tests;
