//! The board's filters as SQL: extra terms on `leads l`, their values, and the index each
//! query walks.
//!
//! "Waiting for you" and "Unread only" pick their partial index (`leads_waiting`,
//! `leads_unread`), which holds only the leads that pass, so a narrow filter costs what it
//! finds, not the column's size. Otherwise tags and text pick `leads_filtered`, which carries
//! the tags and the search key: a lead's row is read only once it passes. Text goes through
//! `leads_fts` once per board, as the search palette's lead search does (see
//! [`FilterSql::match_text`]); its counts start from the leads it matched, looked up in
//! `leads_text_filtered` by search key, rather than test every lead against the matches.

use rusqlite::types::Value;
use rusqlite::Connection;

use super::SUMMARY_COLUMNS;
use crate::error::Result;
use crate::ipc::BoardFilter;
use crate::store::search::{fts_query, Prefix};

pub(crate) struct FilterSql {
    /// ` AND …` terms, numbered from the first free parameter given to [`FilterSql::new`].
    pub terms: String,
    pub values: Vec<Value>,
    /// For a column's page, ordered by (stage, activity, id).
    pub column_index: &'static str,
    /// For the counts per stage: `GROUP BY stage_id` reads it in order.
    pub count_index: &'static str,
    /// Which leads the board holds: the unarchived ones, or (the Archived filter) only the
    /// archived ones.
    pub archived: &'static str,
    /// The filter has text: only the leads in `temp.board_text_keys` pass.
    pub text: bool,
    /// The text matched few of the leads: its counts start from the matches (see
    /// [`FilterSql::counts_sql`]). Set once they are known.
    pub from_matches: bool,
}

/// The text filter's term, kept out of [`FilterSql::terms`]: counts that start from the
/// matches join them instead (see [`FilterSql::counts_sql`]).
const TEXT_TERM: &str = " AND l.search_key IN temp.board_text_keys";

impl FilterSql {
    pub fn new(account: Option<i64>, filter: &BoardFilter, first_param: usize) -> FilterSql {
        let mut sql = FilterSql {
            terms: String::new(),
            values: Vec::new(),
            column_index: "leads_by_column",
            count_index: "leads_by_column",
            archived: "l.archived_at IS NULL",
            text: false,
            from_matches: false,
        };
        if let Some(account) = account {
            sql.push(
                " AND l.account_id = ?",
                Value::Integer(account),
                first_param,
            );
            sql.column_index = "leads_by_account_column";
            sql.count_index = "leads_by_account_column";
        }
        let text = fts_query(&filter.text, Prefix::EveryLong);
        if !filter.tags.is_empty() || text.is_some() {
            sql.column_index = "leads_filtered";
            sql.count_index = "leads_filtered";
        }
        // The partial indexes' own conditions, written as in their definitions so SQLite
        // sees that the query implies them.
        if filter.unread_only {
            sql.terms.push_str(" AND l.unread_count > 0");
            sql.column_index = "leads_unread";
            sql.count_index = "leads_unread";
        }
        if filter.waiting_for_you {
            sql.terms.push_str(" AND l.last_from_buyer = 1");
            sql.column_index = "leads_waiting";
            sql.count_index = "leads_waiting";
        }
        let mut tags: Vec<&str> = filter
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        tags.sort_unstable();
        tags.dedup();
        for tag in tags {
            // `tags` is a JSON array of strings: a tag quoted as JSON matches only whole tags
            // (`"paid"` is not inside `"not_paid"`).
            let quoted = serde_json::Value::from(tag).to_string();
            sql.push(
                " AND instr(l.tags, ?) > 0",
                Value::Text(quoted),
                first_param,
            );
        }
        sql.text = text.is_some();
        // Archived leads are few and outside every other partial index: their own index holds
        // them all, and the other conditions are checked on their rows.
        if filter.archived {
            sql.archived = "l.archived_at IS NOT NULL";
            sql.column_index = "leads_archived";
            sql.count_index = "leads_archived";
        }
        sql
    }

    /// A column's page of the leads that pass: `?1` the stage, `?2` and `?3` the cursor, `?4` the
    /// limit, the filter's values numbered from 5.
    pub fn page_sql(&self) -> String {
        format!(
            "SELECT {SUMMARY_COLUMNS} FROM leads l INDEXED BY {index}
             WHERE l.stage_id = ?1 AND {archived} AND (l.activity_at, l.id) < (?2, ?3)
               {terms}{text}
             ORDER BY l.activity_at DESC, l.id DESC LIMIT ?4",
            index = self.column_index,
            archived = self.archived,
            terms = self.terms,
            text = if self.text { TEXT_TERM } else { "" },
        )
    }

    /// The count per stage of the leads that pass, the filter's values numbered from 1.
    pub fn counts_sql(&self) -> String {
        if self.text && self.from_matches && self.count_index == "leads_filtered" {
            // A few matches among many leads: each is looked up by its key in an index that
            // holds every other filter's column, instead of every lead tested against them.
            // (Unread, waiting and archived leads have partial indexes of their own, smaller
            // than most matches.)
            return format!(
                "SELECT l.stage_id, COUNT(*) FROM temp.board_text_keys k
                     CROSS JOIN leads l INDEXED BY leads_text_filtered ON l.search_key = k.key
                 WHERE {archived} {terms} GROUP BY l.stage_id",
                archived = self.archived,
                terms = self.terms,
            );
        }
        format!(
            "SELECT l.stage_id, COUNT(*) FROM leads l INDEXED BY {index}
             WHERE {archived} {terms}{text} GROUP BY l.stage_id",
            index = self.count_index,
            archived = self.archived,
            terms = self.terms,
            text = if self.text { TEXT_TERM } else { "" },
        )
    }

    /// Fills `temp.board_text_keys` with the leads the filter's text matches, once for all
    /// the queries of a board (each would otherwise run the FTS query again). The table lives
    /// in the reading connection's own temporary database.
    /// Returns how many leads matched (`None`: the filter has no text).
    pub fn match_text(conn: &Connection, filter: &BoardFilter) -> Result<Option<usize>> {
        let Some(query) = fts_query(&filter.text, Prefix::EveryLong) else {
            return Ok(None);
        };
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS board_text_keys (key INTEGER PRIMARY KEY);
             DELETE FROM temp.board_text_keys;",
        )?;
        let matched = conn
            .prepare_cached(
                "INSERT INTO temp.board_text_keys SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?1",
            )?
            .execute([query])?;
        Ok(Some(matched))
    }

    /// Appends `term`, whose one `?` becomes the next numbered parameter.
    fn push(&mut self, term: &str, value: Value, first_param: usize) {
        let number = first_param + self.values.len();
        self.terms
            .push_str(&term.replace('?', &format!("?{number}")));
        self.values.push(value);
    }
}
