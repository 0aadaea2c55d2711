//! Pre-sale questions in the cache: idempotent upserts from Mercado Libre's JSON, the listings
//! they were asked on, the link to the lead when the buyer later bought, the Questions view's
//! queries, and the answers' outbox.

use chrono::{DateTime, Utc};
use meli::models::Question;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::cached::CachedStatements;
use super::{millis_to_text, to_millis};
use crate::error::{InboxError, Result};
use crate::ipc::{
    AnswerDto, AnswerOutboxDto, ListingDto, QuestionDetail, QuestionDto, QuestionFilter,
    QuestionGroup, QuestionStatusFilter, QuestionsPage,
};
use crate::rules::answer::{may_answer, AnswerRefusal, QuestionState};

pub const UNANSWERED: &str = "UNANSWERED";
pub const ANSWERED: &str = "ANSWERED";
/// Earlier answered questions shown under an opened one.
const EARLIER_ANSWERED: u32 = 5;
/// Questions the view lists at most (the longest-waiting first).
const PAGE_QUESTIONS: u32 = 500;

/// What an upsert changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Upserted {
    /// The cache did not have this question.
    pub new: bool,
    /// Its status or answer changed.
    pub changed: bool,
}

/// Stores a question as Mercado Libre sent it; replaying the same JSON writes nothing. A
/// banned question or answer arrives with empty text: the text the cache had is kept.
pub fn upsert(
    tx: &Connection,
    account_id: i64,
    q: &Question,
    now: DateTime<Utc>,
) -> Result<Upserted> {
    let status = q
        .status
        .as_ref()
        .map_or(UNANSWERED.to_owned(), |s| s.as_str().to_ascii_uppercase());
    let asked_at = q.date_created.map_or(to_millis(now), to_millis);
    let answer = q.answer.as_ref();
    let answer_status = answer
        .and_then(|a| a.status.as_ref())
        .map(|s| s.as_str().to_ascii_uppercase());
    let answer_text = answer.map(|a| a.text.clone());
    let answered_at = answer.and_then(|a| a.date_created).map(to_millis);
    let before: Option<(String, Option<String>, Option<String>)> = tx
        .query_row_cached(
            "SELECT status, answer_status, answer_text FROM questions WHERE id = ?1",
            params![q.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let raw = super::raw::pack_question(&q.raw)?;
    let changed = tx.execute_cached(
        "INSERT INTO questions (id, account_id, item_id, buyer_id, status, text, asked_at, hold,
                               deleted_from_listing, answer_text, answer_status, answered_at,
                               raw_packed, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO UPDATE SET
             status = excluded.status,
             text = CASE WHEN excluded.text = '' THEN text ELSE excluded.text END,
             hold = excluded.hold,
             deleted_from_listing = excluded.deleted_from_listing,
             answer_text = CASE WHEN excluded.answer_text = '' AND answer_text IS NOT NULL
                                THEN answer_text ELSE excluded.answer_text END,
             answer_status = excluded.answer_status,
             answered_at = excluded.answered_at,
             raw_packed = excluded.raw_packed,
             updated_at = excluded.updated_at
         WHERE raw_packed IS NOT excluded.raw_packed",
        params![
            q.id,
            account_id,
            q.item_id.as_deref().unwrap_or(""),
            q.asker_id().unwrap_or(0),
            status,
            q.text,
            asked_at,
            q.is_on_hold(),
            q.deleted_from_listing == Some(true),
            answer_text,
            answer_status,
            answered_at,
            raw,
            to_millis(now),
        ],
    )?;
    Ok(match before {
        None => Upserted {
            new: true,
            changed: true,
        },
        Some((old_status, old_answer_status, _)) => Upserted {
            new: false,
            changed: changed > 0 && (old_status != status || old_answer_status != answer_status),
        },
    })
}

/// Ids of the account's questions the cache has as unanswered.
pub fn unanswered_ids(conn: &Connection, account_id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM questions WHERE account_id = ?1 AND status = 'UNANSWERED' ORDER BY id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether the cache has this question.
pub fn exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .query_row_cached("SELECT 1 FROM questions WHERE id = ?1", params![id], |_| {
            Ok(())
        })
        .optional()?
        .is_some())
}

/// Links questions to the lead of the same buyer's purchase of the same listing. The listing
/// ids are the orders' `item_ids`; `+e.value` compares as `json_extract` did on the raw JSON
/// before V13 (without the column's own affinity, so a numeric id matches its text). Only leads
/// added since the last call (`after_lead`) and questions not linked yet are looked at, so a
/// poll that brought no sale costs one indexed lookup. Returns the highest lead id seen.
pub fn link_leads(tx: &Connection, account_id: i64, after_lead: i64) -> Result<(usize, i64)> {
    let max = super::leads::newest_id(tx, account_id)?;
    if max <= after_lead {
        return Ok((0, max));
    }
    let linked = tx.execute_cached(
        "UPDATE questions SET lead_id = (
             SELECT l.id FROM leads l JOIN orders o ON o.lead_id = l.id
             WHERE l.account_id = questions.account_id AND l.buyer_id = questions.buyer_id
               AND EXISTS (SELECT 1 FROM json_each(o.item_ids) e
                           WHERE +e.value = questions.item_id)
             ORDER BY l.created_at LIMIT 1)
         WHERE account_id = ?1 AND lead_id IS NULL
           AND buyer_id IN (SELECT buyer_id FROM leads WHERE account_id = ?1 AND id > ?2)",
        params![account_id, after_lead],
    )?;
    Ok((linked, max))
}

/// Links the questions of new questions' buyers who already bought (the question came after
/// the sale, or the sale was imported first).
pub fn link_question(tx: &Connection, id: i64) -> Result<()> {
    tx.execute_cached(
        "UPDATE questions SET lead_id = (
             SELECT l.id FROM leads l JOIN orders o ON o.lead_id = l.id
             WHERE l.account_id = questions.account_id AND l.buyer_id = questions.buyer_id
               AND EXISTS (SELECT 1 FROM json_each(o.item_ids) e
                           WHERE +e.value = questions.item_id)
             ORDER BY l.created_at LIMIT 1)
         WHERE id = ?1 AND lead_id IS NULL AND buyer_id <> 0",
        params![id],
    )?;
    Ok(())
}

const QUESTION_COLUMNS: &str = "q.id, q.account_id, q.item_id, q.buyer_id, q.status, q.text,
    q.asked_at, q.hold, q.deleted_from_listing, q.answer_text, q.answer_status, q.answered_at,
    q.lead_id, q.seen_at,
    (SELECT COALESCE(b.nickname, TRIM(COALESCE(b.first_name, '') || ' ' || COALESCE(b.last_name, '')))
       FROM buyers b WHERE b.buyer_id = q.buyer_id),
    (SELECT a.id FROM answer_outbox a WHERE a.question_id = q.id ORDER BY a.id DESC LIMIT 1),
    COALESCE((SELECT b.first_name FROM buyers b WHERE b.buyer_id = q.buyer_id),
             (SELECT l.buyer_name FROM leads l WHERE l.id = q.lead_id))";

/// The columns of [`QUESTION_COLUMNS`], before the outbox row is attached.
struct QuestionRow {
    dto: QuestionDto,
    outbox_id: Option<i64>,
}

fn question_row(r: &Row<'_>) -> rusqlite::Result<QuestionRow> {
    let status: String = r.get(4)?;
    let hold: bool = r.get(7)?;
    let answer_text: Option<String> = r.get(9)?;
    let answer_status: Option<String> = r.get(10)?;
    let answer = match (answer_text, answer_status) {
        (None, None) => None,
        (text, status) => Some(AnswerDto {
            text: text.unwrap_or_default(),
            status: status.unwrap_or_default().to_ascii_lowercase(),
            at: r.get::<_, Option<i64>>(11)?.and_then(millis_to_text),
        }),
    };
    let buyer: Option<String> = r.get(14)?;
    // A lead's name is the whole name: its first word is the first name.
    let first_name: Option<String> = r
        .get::<_, Option<String>>(16)?
        .and_then(|n| n.split_whitespace().next().map(str::to_owned));
    Ok(QuestionRow {
        dto: QuestionDto {
            id: r.get(0)?,
            account_id: r.get(1)?,
            item_id: r.get(2)?,
            buyer_id: r.get(3)?,
            buyer: buyer.filter(|b| !b.trim().is_empty()),
            buyer_first_name: first_name,
            answerable: status == UNANSWERED && !hold && !r.get::<_, bool>(8)?,
            status: status.to_ascii_lowercase(),
            text: r.get(5)?,
            asked_at: millis_to_text(r.get(6)?),
            hold,
            answer,
            lead_id: r.get(12)?,
            seen: r.get::<_, Option<i64>>(13)?.is_some(),
            outbox: None,
        },
        outbox_id: r.get(15)?,
    })
}

fn outbox_row(conn: &Connection, id: i64) -> Result<Option<AnswerOutboxDto>> {
    Ok(conn
        .query_row_cached(
            "SELECT id, text, state, reason FROM answer_outbox WHERE id = ?1",
            params![id],
            |r| {
                Ok(AnswerOutboxDto {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    state: r.get(2)?,
                    reason: r.get(3)?,
                })
            },
        )
        .optional()?)
}

fn finish(conn: &Connection, rows: Vec<QuestionRow>) -> Result<Vec<QuestionDto>> {
    rows.into_iter()
        .map(|row| {
            let mut dto = row.dto;
            if let Some(id) = row.outbox_id {
                dto.outbox = outbox_row(conn, id)?;
                if dto.outbox.as_ref().is_some_and(|o| {
                    matches!(o.state.as_str(), "pending" | "sending" | "ambiguous")
                }) {
                    dto.answerable = false;
                }
            }
            Ok(dto)
        })
        .collect()
}

fn query_questions(
    conn: &Connection,
    sql_where: &str,
    order: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<QuestionDto>> {
    let sql =
        format!("SELECT {QUESTION_COLUMNS} FROM questions q WHERE {sql_where} ORDER BY {order}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params, question_row)?;
    let rows: Vec<QuestionRow> = rows.collect::<rusqlite::Result<_>>()?;
    finish(conn, rows)
}

pub fn listing(conn: &Connection, account_id: i64, item_id: &str) -> Result<ListingDto> {
    Ok(conn
        .query_row_cached(
            "SELECT title, picture_file, permalink, status FROM listings
             WHERE account_id = ?1 AND item_id = ?2",
            params![account_id, item_id],
            |r| {
                Ok(ListingDto {
                    item_id: item_id.to_owned(),
                    title: r.get(0)?,
                    picture: r.get(1)?,
                    permalink: r.get(2)?,
                    status: r.get(3)?,
                })
            },
        )
        .optional()?
        .unwrap_or_else(|| ListingDto {
            item_id: item_id.to_owned(),
            title: None,
            picture: None,
            permalink: None,
            status: None,
        }))
}

/// The Questions view: questions in the filter grouped by listing, unanswered ones the
/// longest-waiting first (and their listing with them), answered ones the newest first.
pub fn page(conn: &Connection, filter: &QuestionFilter) -> Result<QuestionsPage> {
    let (status_sql, order) = match filter.status {
        QuestionStatusFilter::Unanswered => ("q.status = 'UNANSWERED'", "q.asked_at ASC, q.id ASC"),
        QuestionStatusFilter::Answered => ("q.status = 'ANSWERED'", "q.asked_at DESC, q.id DESC"),
        QuestionStatusFilter::All => (
            "1",
            "CASE WHEN q.status = 'UNANSWERED' THEN 0 ELSE 1 END,
             CASE WHEN q.status = 'UNANSWERED' THEN q.asked_at ELSE -q.asked_at END, q.id",
        ),
    };
    let questions = query_questions(
        conn,
        &format!(
            "{status_sql} AND (?1 IS NULL OR q.account_id = ?1) AND (?2 IS NULL OR q.item_id = ?2)"
        ),
        &format!("{order} LIMIT ?3"),
        params![filter.account_id, filter.item_id, PAGE_QUESTIONS],
    )?;
    let mut groups: Vec<QuestionGroup> = Vec::new();
    for q in questions {
        match groups
            .iter_mut()
            .find(|g| g.listing.item_id == q.item_id && g.questions[0].account_id == q.account_id)
        {
            Some(g) => g.questions.push(q),
            None => groups.push(QuestionGroup {
                listing: listing(conn, q.account_id, &q.item_id)?,
                questions: vec![q],
            }),
        }
    }
    let (unanswered, unread): (u32, u32) = conn.query_row_cached(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE seen_at IS NULL) FROM questions
         WHERE status = 'UNANSWERED' AND (?1 IS NULL OR account_id = ?1)",
        params![filter.account_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT q.account_id, q.item_id FROM questions q
         WHERE (?1 IS NULL OR q.account_id = ?1) ORDER BY q.item_id",
    )?;
    let pairs: Vec<(i64, String)> = stmt
        .query_map(params![filter.account_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let listings = pairs
        .iter()
        .map(|(a, i)| listing(conn, *a, i))
        .collect::<Result<Vec<_>>>()?;
    Ok(QuestionsPage {
        groups,
        unanswered,
        unread,
        listings,
    })
}

/// Unanswered questions the seller has not opened (the header's count).
/// Answered from V20's partial index, not a scan of every question.
pub const UNREAD_COUNT: &str =
    "SELECT COUNT(*) FROM questions WHERE status = 'UNANSWERED' AND seen_at IS NULL";

pub fn unread_count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row_cached(UNREAD_COUNT, [], |r| r.get(0))?)
}

pub fn question(conn: &Connection, id: i64) -> Result<QuestionDto> {
    query_questions(conn, "q.id = ?1", "q.id", params![id])?
        .into_iter()
        .next()
        .ok_or_else(|| InboxError::NotFound(format!("question {id}")))
}

/// One question with the buyer's other questions on the listing and its earlier answers.
pub fn detail(conn: &Connection, id: i64) -> Result<QuestionDetail> {
    let q = question(conn, id)?;
    let same_buyer = query_questions(
        conn,
        "q.account_id = ?1 AND q.item_id = ?2 AND q.buyer_id = ?3 AND q.id <> ?4",
        "q.asked_at",
        params![q.account_id, q.item_id, q.buyer_id, q.id],
    )?;
    let earlier_answered = query_questions(
        conn,
        "q.account_id = ?1 AND q.item_id = ?2 AND q.status = 'ANSWERED' AND q.id <> ?3
         AND q.buyer_id <> ?4",
        &format!("q.asked_at DESC LIMIT {EARLIER_ANSWERED}"),
        params![q.account_id, q.item_id, q.id, q.buyer_id],
    )?;
    Ok(QuestionDetail {
        listing: listing(conn, q.account_id, &q.item_id)?,
        question: q,
        same_buyer,
        earlier_answered,
    })
}

/// The questions a lead's buyer asked on the listings the lead sold.
pub fn of_lead(conn: &Connection, lead_id: i64) -> Result<Vec<QuestionDto>> {
    query_questions(conn, "q.lead_id = ?1", "q.asked_at", params![lead_id])
}

pub fn mark_seen(tx: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(tx.execute_cached(
        "UPDATE questions SET seen_at = ?2 WHERE id = ?1 AND seen_at IS NULL",
        params![id, to_millis(now)],
    )? > 0)
}

// --- the answers' outbox ---

/// An answer waiting to go, as the sender needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAnswer {
    pub id: i64,
    pub question_id: i64,
    pub text: String,
    pub state: String,
    pub attempts: i64,
}

/// The question's account and what the rules need; `except` is an outbox row not to count
/// as already queued (the one being sent).
fn answer_state(
    conn: &Connection,
    question_id: i64,
    except: i64,
) -> Result<(i64, String, bool, bool, bool)> {
    conn.query_row_cached(
        "SELECT account_id, status, hold, deleted_from_listing,
                EXISTS (SELECT 1 FROM answer_outbox a WHERE a.question_id = questions.id
                        AND a.state IN ('pending', 'sending', 'ambiguous') AND a.id <> ?2)
         FROM questions WHERE id = ?1",
        params![question_id, except],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .optional()?
    .ok_or_else(|| InboxError::NotFound(format!("question {question_id}")))
}

/// Checks an answer against the cached question (the composer's check).
pub fn check_answer(conn: &Connection, question_id: i64, text: &str) -> Result<()> {
    recheck_answer(conn, 0, question_id, text)??;
    Ok(())
}

/// The rules for an answer already in the outbox (`outbox_id`), as the sender asks them.
pub fn recheck_answer(
    conn: &Connection,
    outbox_id: i64,
    question_id: i64,
    text: &str,
) -> Result<std::result::Result<(), AnswerRefusal>> {
    let (_, status, hold, deleted, queued) = answer_state(conn, question_id, outbox_id)?;
    Ok(may_answer(
        &QuestionState {
            status: &status,
            hold,
            deleted_from_listing: deleted,
            answer_queued: queued,
        },
        text,
    ))
}

/// When an outbox answer last changed state.
pub fn answer_updated_at(conn: &Connection, id: i64) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row_cached(
            "SELECT updated_at FROM answer_outbox WHERE id = ?1",
            params![id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .and_then(super::from_millis))
}

/// Mercado Libre no longer has the question (404): it is shown as deleted.
pub fn mark_gone(tx: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    tx.execute_cached(
        "UPDATE questions SET status = 'DELETED', updated_at = ?2 WHERE id = ?1",
        params![id, to_millis(now)],
    )?;
    Ok(())
}

/// Validates and stores an answer in one transaction; the sync posts it. Returns its id.
pub fn queue_answer(
    tx: &Connection,
    question_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    check_answer(tx, question_id, text)?;
    let (account_id, ..) = answer_state(tx, question_id, 0)?;
    tx.execute_cached(
        "INSERT INTO answer_outbox (account_id, question_id, text, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?4)",
        params![account_id, question_id, text, to_millis(now)],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Answers of an account still on their way, oldest first.
pub fn pending_answers(conn: &Connection, account_id: i64) -> Result<Vec<PendingAnswer>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, question_id, text, state, attempts FROM answer_outbox
         WHERE account_id = ?1 AND state IN ('pending', 'sending', 'ambiguous') ORDER BY id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok(PendingAnswer {
            id: r.get(0)?,
            question_id: r.get(1)?,
            text: r.get(2)?,
            state: r.get(3)?,
            attempts: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves an answer to `state` (`sending` counts an attempt).
pub fn set_answer_state(
    tx: &Connection,
    id: i64,
    state: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute_cached(
        "UPDATE answer_outbox SET state = ?2, reason = ?3, updated_at = ?4,
             attempts = attempts + (CASE WHEN ?2 = 'sending' THEN 1 ELSE 0 END)
         WHERE id = ?1",
        params![id, state, reason, to_millis(now)],
    )?;
    Ok(())
}

/// The cached question's status and answer text, for reconciling an ambiguous answer.
pub fn status_of(conn: &Connection, id: i64) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .query_row_cached(
            "SELECT status, answer_text FROM questions WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// `(asked_at, answered_at)` of the account's questions asked since `since` (ms), for the
/// response-time figures. Only the first question of a buyer on a listing counts, as Mercado
/// Libre counts.
pub fn answer_times(
    conn: &Connection,
    account_id: Option<i64>,
    since: DateTime<Utc>,
) -> Result<Vec<(i64, Option<i64>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT q.asked_at, q.answered_at FROM questions q
         WHERE q.asked_at >= ?1 AND (?2 IS NULL OR q.account_id = ?2)
           AND q.status IN ('UNANSWERED', 'ANSWERED')
           AND NOT EXISTS (SELECT 1 FROM questions p
                           WHERE p.account_id = q.account_id AND p.buyer_id = q.buyer_id
                             AND p.item_id = q.item_id AND p.asked_at < q.asked_at)",
    )?;
    let rows = stmt.query_map(params![to_millis(since), account_id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
