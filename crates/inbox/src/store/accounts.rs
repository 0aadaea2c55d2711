//! Connected Mercado Libre accounts: one per user and site, several at once.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::to_millis;
use crate::error::{InboxError, Result};
use crate::rules::SourceState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub user_id: i64,
    pub site_id: String,
    pub nickname: Option<String>,
    pub state: SourceState,
}

pub(crate) fn parse_state(key: &str) -> SourceState {
    if key == "connected" {
        SourceState::Connected
    } else {
        SourceState::Disabled
    }
}

/// Records a (re)connected account and returns its id; reconnecting enables it again and
/// keeps its cached data.
pub fn connect(
    conn: &Connection,
    user_id: i64,
    site_id: &str,
    nickname: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id = conn.query_row(
        "INSERT INTO accounts (user_id, site_id, nickname, state, connected_at)
         VALUES (?1, ?2, ?3, 'connected', ?4)
         ON CONFLICT (user_id, site_id) DO UPDATE SET
             nickname = COALESCE(excluded.nickname, nickname),
             state = 'connected', connected_at = excluded.connected_at, disabled_at = NULL
         RETURNING id",
        params![user_id, site_id, nickname, to_millis(now)],
        |r| r.get(0),
    )?;
    Ok(id)
}

/// Disconnected by the seller, or authorization revoked: sends are refused, data stays.
pub fn disable(conn: &Connection, account_id: i64, now: DateTime<Utc>) -> Result<()> {
    let changed = conn.execute(
        "UPDATE accounts SET state = 'disabled', disabled_at = ?2 WHERE id = ?1 AND state <> 'disabled'",
        params![account_id, to_millis(now)],
    )?;
    if changed == 0 {
        get(conn, account_id)?;
    }
    Ok(())
}

pub fn get(conn: &Connection, account_id: i64) -> Result<Account> {
    conn.query_row(
        "SELECT id, user_id, site_id, nickname, state FROM accounts WHERE id = ?1",
        [account_id],
        row_to_account,
    )
    .optional()?
    .ok_or_else(|| InboxError::NotFound(format!("account {account_id}")))
}

pub fn list(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt =
        conn.prepare("SELECT id, user_id, site_id, nickname, state FROM accounts ORDER BY id")?;
    let rows = stmt.query_map([], row_to_account)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The accounts as the UI lists them, oldest connection first.
pub fn list_for_ui(conn: &Connection) -> Result<Vec<crate::ipc::AccountDto>> {
    Ok(list(conn)?
        .into_iter()
        .map(|a| crate::ipc::AccountDto {
            id: a.id,
            user_id: a.user_id.to_string(),
            site_id: a.site_id,
            nickname: a.nickname,
            state: a.state,
        })
        .collect())
}

fn row_to_account(r: &rusqlite::Row) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        user_id: r.get(1)?,
        site_id: r.get(2)?,
        nickname: r.get(3)?,
        state: parse_state(&r.get::<_, String>(4)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{now, temp_store};

    #[test]
    fn several_accounts_and_reconnect_keeps_the_id() {
        let (_dir, store) = temp_store();
        let (a, b, again) = store
            .write(|tx| {
                let a = connect(tx, 1, "MLA", Some("TIENDA"), now())?;
                let b = connect(tx, 1, "MLB", None, now())?;
                disable(tx, a, now())?;
                let again = connect(tx, 1, "MLA", None, now())?;
                Ok((a, b, again))
            })
            .expect("writes");
        assert_ne!(a, b);
        assert_eq!(a, again);
        let accounts = store.read(list).expect("lists");
        assert_eq!(accounts.len(), 2);
        let shown = store.read(list_for_ui).expect("lists");
        assert_eq!(shown[1].site_id, "MLB");
        assert_eq!(
            serde_json::to_value(&shown[0]).expect("json")["state"],
            "connected"
        );
        assert_eq!(accounts[0].state, SourceState::Connected);
        assert_eq!(
            accounts[0].nickname.as_deref(),
            Some("TIENDA"),
            "kept on reconnect"
        );
    }

    #[test]
    fn disable_marks_the_account_and_unknown_ids_are_not_found() {
        let (_dir, store) = temp_store();
        let id = store
            .write(|tx| connect(tx, 5, "MLM", None, now()))
            .expect("connects");
        store.write(|tx| disable(tx, id, now())).expect("disables");
        assert_eq!(
            store.read(|c| get(c, id)).expect("gets").state,
            SourceState::Disabled
        );
        let missing = store
            .write(|tx| disable(tx, 99, now()))
            .expect_err("missing");
        assert_eq!(missing.code(), "not_found");
    }
}
