//! Quick replies: the seller's saved answers, in the seller's order. The first set ships with
//! the app (migration V3); the seller adds, edits, reorders, deletes, imports and exports.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{InboxError, Result};
use crate::ipc::{QuickReplyDto, QuickReplyInput};

/// Longest title the picker shows whole.
pub const MAX_TITLE_CHARS: usize = 80;
/// A question's answer takes up to 2,000 characters; a chat message 350 (the composer counts).
pub const MAX_BODY_CHARS: usize = 2_000;

pub fn list(conn: &Connection) -> Result<Vec<QuickReplyDto>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, account_id, language, title, body FROM quick_replies ORDER BY position, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(QuickReplyDto {
            id: r.get(0)?,
            account_id: r.get(1)?,
            language: r.get(2)?,
            title: r.get(3)?,
            body: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks a reply as the seller typed it; the text is kept as written, trimmed at the ends.
pub fn validate(input: &QuickReplyInput) -> Result<QuickReplyInput> {
    let title = input.title.trim();
    let body = input.body.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(InboxError::InvalidInput(format!(
            "a quick reply's title has 1 to {MAX_TITLE_CHARS} characters"
        )));
    }
    if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
        return Err(InboxError::InvalidInput(format!(
            "a quick reply's text has 1 to {MAX_BODY_CHARS} characters"
        )));
    }
    if !matches!(input.language.as_str(), "es" | "pt") {
        return Err(InboxError::InvalidInput(format!(
            "quick reply language {:?} (es or pt)",
            input.language
        )));
    }
    Ok(QuickReplyInput {
        id: input.id,
        account_id: input.account_id,
        language: input.language.clone(),
        title: title.to_owned(),
        body: body.to_owned(),
    })
}

/// Adds a reply at the end, or updates the one `input.id` names. Returns its id.
pub fn save(conn: &Connection, input: &QuickReplyInput, now_ms: i64) -> Result<i64> {
    let input = validate(input)?;
    if let Some(account) = input.account_id {
        let known: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)",
            [account],
            |r| r.get(0),
        )?;
        if !known {
            return Err(InboxError::NotFound(format!("account {account}")));
        }
    }
    match input.id {
        Some(id) => {
            let changed = conn.execute(
                "UPDATE quick_replies SET account_id = ?2, language = ?3, title = ?4, body = ?5,
                     updated_at = ?6 WHERE id = ?1",
                params![
                    id,
                    input.account_id,
                    input.language,
                    input.title,
                    input.body,
                    now_ms
                ],
            )?;
            if changed == 0 {
                return Err(InboxError::NotFound(format!("quick reply {id}")));
            }
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO quick_replies (account_id, language, title, body, position, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4,
                         (SELECT COALESCE(MAX(position) + 1, 0) FROM quick_replies), ?5, ?5)",
                params![input.account_id, input.language, input.title, input.body, now_ms],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    if conn.execute("DELETE FROM quick_replies WHERE id = ?1", [id])? == 0 {
        return Err(InboxError::NotFound(format!("quick reply {id}")));
    }
    Ok(())
}

/// Puts the replies in the order `ids` lists; it must list every reply once.
pub fn reorder(conn: &Connection, ids: &[i64]) -> Result<()> {
    let mut known: Vec<i64> = list(conn)?.into_iter().map(|r| r.id).collect();
    let mut wanted = ids.to_vec();
    known.sort_unstable();
    wanted.sort_unstable();
    if known != wanted {
        return Err(InboxError::InvalidInput(
            "a new order of quick replies lists each one once".into(),
        ));
    }
    let mut stmt = conn.prepare_cached("UPDATE quick_replies SET position = ?2 WHERE id = ?1")?;
    for (position, id) in ids.iter().enumerate() {
        stmt.execute(params![id, position as i64])?;
    }
    Ok(())
}

/// Adds the replies of an exported file after the seller's own. A reply whose account is no
/// longer here becomes one for every account; one equal to a reply already kept (same title,
/// text and language) is skipped, so importing twice adds nothing. Returns how many were added.
pub fn import(conn: &Connection, replies: &[QuickReplyInput], now_ms: i64) -> Result<usize> {
    let checked = replies.iter().map(validate).collect::<Result<Vec<_>>>()?;
    let mut added = 0;
    for mut reply in checked {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM quick_replies WHERE title = ?1 AND body = ?2 AND language = ?3)",
            params![reply.title, reply.body, reply.language],
            |r| r.get(0),
        )?;
        if exists {
            continue;
        }
        reply.id = None;
        if let Some(account) = reply.account_id {
            let known = conn
                .query_row(
                    "SELECT 1 FROM accounts WHERE id = ?1",
                    [account],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !known {
                reply.account_id = None;
            }
        }
        save(conn, &reply, now_ms)?;
        added += 1;
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    fn input(title: &str, body: &str, language: &str) -> QuickReplyInput {
        QuickReplyInput {
            id: None,
            account_id: None,
            language: language.into(),
            title: title.into(),
            body: body.into(),
        }
    }

    #[test]
    fn the_first_set_ships_in_spanish_and_portuguese() {
        let (_dir, store) = temp_store();
        let replies = store.read(list).expect("list");
        assert!(replies.iter().filter(|r| r.language == "es").count() >= 3);
        assert!(replies.iter().filter(|r| r.language == "pt").count() >= 3);
        assert!(replies
            .iter()
            .any(|r| r.body.contains("{buyer_first_name}")));
        // What ships must not itself warn: it is sent as is.
        for reply in &replies {
            let site = if reply.language == "es" { "MLA" } else { "MLB" };
            assert!(
                crate::lint::check(&reply.body, site).is_empty(),
                "{}",
                reply.title
            );
        }
    }

    #[test]
    fn add_edit_reorder_delete() {
        let (_dir, store) = temp_store();
        let shipped = store.read(list).expect("list").len();
        let id = store
            .write(|tx| save(tx, &input(" Hola ", " Hola {buyer_first_name} ", "es"), 1))
            .expect("add");
        let all = store.read(list).expect("list");
        assert_eq!(all.len(), shipped + 1);
        let last = all.last().expect("last");
        assert_eq!(
            (last.id, last.title.as_str(), last.body.as_str()),
            (id, "Hola", "Hola {buyer_first_name}")
        );

        let mut edit = input("Olá", "Olá!", "pt");
        edit.id = Some(id);
        store.write(|tx| save(tx, &edit, 2)).expect("edit");
        let mut ids: Vec<i64> = store
            .read(list)
            .expect("list")
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(
            store
                .read(list)
                .expect("list")
                .last()
                .map(|r| r.title.clone()),
            Some("Olá".into())
        );

        ids.rotate_right(1);
        store.write(|tx| reorder(tx, &ids)).expect("reorder");
        assert_eq!(store.read(list).expect("list")[0].id, id);

        let err = store
            .write(|tx| reorder(tx, &ids[1..]))
            .expect_err("partial order");
        assert_eq!(err.code(), "invalid_input");

        store.write(|tx| delete(tx, id)).expect("delete");
        assert_eq!(store.read(list).expect("list").len(), shipped);
        assert_eq!(
            store.write(|tx| delete(tx, id)).expect_err("gone").code(),
            "not_found"
        );
    }

    #[test]
    fn bad_input_is_refused_with_a_clear_code() {
        let (_dir, store) = temp_store();
        for bad in [
            input("", "text", "es"),
            input("title", "   ", "es"),
            input("title", "text", "fr"),
            input(&"t".repeat(81), "text", "es"),
            input("title", &"x".repeat(2_001), "pt"),
        ] {
            let err = store.write(|tx| save(tx, &bad, 1)).expect_err("refused");
            assert_eq!(err.code(), "invalid_input");
        }
        let mut foreign = input("t", "b", "es");
        foreign.account_id = Some(99);
        assert_eq!(
            store
                .write(|tx| save(tx, &foreign, 1))
                .expect_err("no account")
                .code(),
            "not_found"
        );
    }

    #[test]
    fn importing_an_export_twice_adds_it_once() {
        let (_dir, store) = temp_store();
        let before = store.read(list).expect("list").len();
        let mut file = vec![
            input("Envío", "Sale mañana", "es"),
            input("Envio", "Sai amanhã", "pt"),
        ];
        file[1].account_id = Some(42); // an account this machine does not have
        assert_eq!(store.write(|tx| import(tx, &file, 1)).expect("import"), 2);
        assert_eq!(store.write(|tx| import(tx, &file, 1)).expect("again"), 0);
        let all = store.read(list).expect("list");
        assert_eq!(all.len(), before + 2);
        assert_eq!(all.last().and_then(|r| r.account_id), None);
        // A file with one bad reply adds none.
        let bad = vec![input("ok", "ok", "es"), input("", "x", "es")];
        assert!(store.write(|tx| import(tx, &bad, 1)).is_err());
        assert_eq!(store.read(list).expect("list").len(), before + 2);
    }
}
