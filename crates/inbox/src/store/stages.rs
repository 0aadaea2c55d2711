//! The board's columns: Mercado Libre's five stages (fixed ids 1..5, seeded by the first
//! migration) and the seller's custom stages, which sit after Paid.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{InboxError, Result};
use crate::pipeline::placement::{check_reorder, check_stage_name};
use crate::pipeline::{Column, StageRefusal, SystemStage};

pub const fn system_stage_id(stage: SystemStage) -> i64 {
    match stage {
        SystemStage::PaymentRequired => 1,
        SystemStage::PaymentInProcess => 2,
        SystemStage::Paid => 3,
        SystemStage::Canceled => 4,
        SystemStage::Invalid => 5,
    }
}

pub fn column_id(column: Column) -> i64 {
    match column {
        Column::System(stage) => system_stage_id(stage),
        Column::Custom(id) => id,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub id: i64,
    pub system: Option<SystemStage>,
    pub name: Option<String>,
}

impl Stage {
    pub fn column(&self) -> Column {
        match self.system {
            Some(stage) => Column::System(stage),
            None => Column::Custom(self.id),
        }
    }

    /// `system:<stage>` or `custom:<id>`: the key the UI uses for a column.
    pub fn key(&self) -> String {
        column_key(self.column())
    }
}

pub fn column_key(column: Column) -> String {
    match column {
        Column::System(stage) => format!("system:{}", stage.key()),
        Column::Custom(id) => format!("custom:{id}"),
    }
}

pub fn parse_column_key(key: &str) -> Result<Column> {
    let invalid = || InboxError::InvalidInput(format!("column key {key:?}"));
    match key.split_once(':') {
        Some(("system", stage)) => SystemStage::from_key(stage)
            .map(Column::System)
            .ok_or_else(invalid),
        Some(("custom", id)) => id.parse().map(Column::Custom).map_err(|_| invalid()),
        _ => Err(invalid()),
    }
}

/// Every column in board order: the system stages with the custom ones after Paid.
pub fn board_order(conn: &Connection) -> Result<Vec<Stage>> {
    let customs = custom_stages(conn)?;
    let mut stages = Vec::with_capacity(SystemStage::ALL.len() + customs.len());
    for system in SystemStage::ALL {
        stages.push(Stage {
            id: system_stage_id(system),
            system: Some(system),
            name: None,
        });
        if system == SystemStage::Paid {
            stages.extend(customs.iter().cloned());
        }
    }
    Ok(stages)
}

pub fn custom_stages(conn: &Connection) -> Result<Vec<Stage>> {
    let mut stmt =
        conn.prepare("SELECT id, name FROM stages WHERE system_key IS NULL ORDER BY position, id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Stage {
            id: r.get(0)?,
            system: None,
            name: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn custom_names_except(conn: &Connection, except: Option<i64>) -> Result<Vec<String>> {
    Ok(custom_stages(conn)?
        .into_iter()
        .filter(|s| Some(s.id) != except)
        .filter_map(|s| s.name)
        .collect())
}

/// Makes sure `id` is a custom stage; system stages are locked.
fn require_custom(conn: &Connection, id: i64) -> Result<()> {
    let system: Option<Option<String>> = conn
        .query_row("SELECT system_key FROM stages WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match system {
        None => Err(InboxError::NotFound(format!("stage {id}"))),
        Some(Some(_)) => Err(StageRefusal::SystemStageLocked.into()),
        Some(None) => Ok(()),
    }
}

/// Adds a custom stage at the end (just before Canceled) and returns its id.
pub fn add(conn: &Connection, name: &str) -> Result<i64> {
    let name = check_stage_name(
        name,
        custom_names_except(conn, None)?.iter().map(String::as_str),
    )?;
    Ok(conn.query_row(
        "INSERT INTO stages (name, position)
         VALUES (?1, (SELECT COALESCE(MAX(position), -1) + 1 FROM stages WHERE system_key IS NULL))
         RETURNING id",
        [name],
        |r| r.get(0),
    )?)
}

pub fn rename(conn: &Connection, id: i64, name: &str) -> Result<()> {
    require_custom(conn, id)?;
    let name = check_stage_name(
        name,
        custom_names_except(conn, Some(id))?
            .iter()
            .map(String::as_str),
    )?;
    conn.execute(
        "UPDATE stages SET name = ?2 WHERE id = ?1",
        params![id, name],
    )?;
    Ok(())
}

/// Puts the custom stages in `ids`' order; `ids` must list each of them once.
pub fn reorder(conn: &Connection, ids: &[i64]) -> Result<()> {
    for id in ids {
        require_custom(conn, *id)?;
    }
    let current: Vec<i64> = custom_stages(conn)?.iter().map(|s| s.id).collect();
    check_reorder(&current, ids)?;
    for (position, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE stages SET position = ?2 WHERE id = ?1",
            params![id, position as i64],
        )?;
    }
    Ok(())
}

/// Deletes a custom stage; its leads go back to Paid (they are paid: only paid leads enter
/// custom stages, and a sync takes them out when that changes). Returns how many moved.
pub fn delete(conn: &Connection, id: i64) -> Result<usize> {
    require_custom(conn, id)?;
    let moved = conn.execute(
        "UPDATE leads SET stage_id = ?2 WHERE stage_id = ?1",
        params![id, system_stage_id(SystemStage::Paid)],
    )?;
    conn.execute("DELETE FROM stages WHERE id = ?1", [id])?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    fn keys(conn: &Connection) -> Vec<String> {
        board_order(conn)
            .expect("stages")
            .iter()
            .map(Stage::key)
            .collect()
    }

    #[test]
    fn custom_stages_sit_after_paid_in_their_order() {
        let (_dir, store) = temp_store();
        let (a, b) = store
            .write(|tx| Ok((add(tx, "Preparing")?, add(tx, "Shipped")?)))
            .expect("adds");
        let order = store.read(|c| Ok(keys(c))).expect("reads");
        assert_eq!(
            order,
            [
                "system:payment_required".to_owned(),
                "system:payment_in_process".into(),
                "system:paid".into(),
                format!("custom:{a}"),
                format!("custom:{b}"),
                "system:canceled".into(),
                "system:invalid".into(),
            ]
        );
        store.write(|tx| reorder(tx, &[b, a])).expect("reorders");
        let order = store.read(|c| Ok(keys(c))).expect("reads");
        assert_eq!(order[3], format!("custom:{b}"));
        assert_eq!(order[4], format!("custom:{a}"));
    }

    #[test]
    fn rename_checks_names_and_system_stages_are_locked() {
        let (_dir, store) = temp_store();
        let (a, _b) = store
            .write(|tx| Ok((add(tx, "Preparing")?, add(tx, "Shipped")?)))
            .expect("adds");
        store
            .write(|tx| rename(tx, a, "  Packing "))
            .expect("renames");
        let names: Vec<_> = store
            .read(custom_stages)
            .expect("reads")
            .into_iter()
            .filter_map(|s| s.name)
            .collect();
        assert_eq!(names, ["Packing", "Shipped"]);

        let dup = store
            .write(|tx| rename(tx, a, "shipped"))
            .expect_err("duplicate");
        assert_eq!(dup.code(), "duplicate_name");
        let paid = system_stage_id(SystemStage::Paid);
        for result in [
            store.write(|tx| rename(tx, paid, "Pagado")),
            store.write(|tx| delete(tx, paid).map(|_| ())),
            store.write(|tx| reorder(tx, &[paid, a])),
        ] {
            assert_eq!(result.expect_err("locked").code(), "system_stage_locked");
        }
        assert_eq!(
            store
                .write(|tx| rename(tx, 999, "x"))
                .expect_err("missing")
                .code(),
            "not_found"
        );
        assert_eq!(
            store
                .write(|tx| reorder(tx, &[a]))
                .expect_err("partial")
                .code(),
            "not_a_permutation"
        );
    }

    #[test]
    fn column_keys_round_trip() {
        for column in [Column::System(SystemStage::Canceled), Column::Custom(12)] {
            assert_eq!(
                parse_column_key(&column_key(column)).expect("parses"),
                column
            );
        }
        for bad in ["", "system:nope", "custom:x", "paid"] {
            assert_eq!(
                parse_column_key(bad).expect_err("bad").code(),
                "invalid_input",
                "{bad}"
            );
        }
    }
}
