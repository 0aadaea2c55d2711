//! Which column a lead sits in, and which moves the seller may make.
//!
//! Mercado Libre decides the system stage; the seller may only refine a Paid lead into one of
//! their custom stages (which sit after Paid on the board) and move it back. A move that would
//! contradict Mercado Libre is refused with a [`MoveRefusal`]; after a sync, a lead whose
//! orders left Paid leaves its custom stage too.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SystemStage;

/// A board column: a system stage or a seller's custom stage (by its id in the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    System(SystemStage),
    Custom(i64),
}

/// Why a move was refused; `code()` is stable for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(export, export_to = "MoveRefusal.ts")]
pub enum MoveRefusal {
    /// Only paid leads go into custom stages.
    #[error("only paid leads can be moved into a custom stage (this one is {stage:?})")]
    NotPaid { stage: SystemStage },
    /// The target system stage is not what Mercado Libre says of the orders.
    #[error("Mercado Libre says this lead is {actual:?}, not {target:?}")]
    ContradictsMercadoLibre {
        target: SystemStage,
        actual: SystemStage,
    },
}

impl MoveRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            MoveRefusal::NotPaid { .. } => "not_paid",
            MoveRefusal::ContradictsMercadoLibre { .. } => "contradicts_mercado_libre",
        }
    }
}

/// Checks a seller's move of a lead whose orders say `actual` into `target`.
pub fn check_move(actual: SystemStage, target: Column) -> Result<Column, MoveRefusal> {
    match target {
        Column::System(stage) if stage == actual => Ok(target),
        Column::System(stage) => Err(MoveRefusal::ContradictsMercadoLibre {
            target: stage,
            actual,
        }),
        Column::Custom(_) if actual == SystemStage::Paid => Ok(target),
        Column::Custom(_) => Err(MoveRefusal::NotPaid { stage: actual }),
    }
}

/// The column after Mercado Libre reported `actual`: a custom stage is kept while the lead
/// is still paid, otherwise the lead follows Mercado Libre.
pub fn column_after_sync(actual: SystemStage, current: Option<Column>) -> Column {
    match current {
        Some(Column::Custom(id)) if actual == SystemStage::Paid => Column::Custom(id),
        _ => Column::System(actual),
    }
}

/// Why a change to the custom stages was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(export, export_to = "StageRefusal.ts")]
pub enum StageRefusal {
    #[error("a stage needs a name")]
    EmptyName,
    #[error("a stage name has at most {max} characters")]
    NameTooLong { max: u32 },
    #[error("there is already a stage named {name}")]
    DuplicateName { name: String },
    #[error("Mercado Libre's stages cannot be renamed, reordered or deleted")]
    SystemStageLocked,
    #[error("the new order must list every custom stage exactly once")]
    NotAPermutation,
}

impl StageRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            StageRefusal::EmptyName => "empty_name",
            StageRefusal::NameTooLong { .. } => "name_too_long",
            StageRefusal::DuplicateName { .. } => "duplicate_name",
            StageRefusal::SystemStageLocked => "system_stage_locked",
            StageRefusal::NotAPermutation => "not_a_permutation",
        }
    }
}

pub const STAGE_NAME_MAX: usize = 40;

/// A custom stage name, trimmed; unique among the others (case-insensitively) so two columns
/// never look the same.
pub fn check_stage_name<'a>(
    name: &str,
    others: impl IntoIterator<Item = &'a str>,
) -> Result<String, StageRefusal> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StageRefusal::EmptyName);
    }
    if name.chars().count() > STAGE_NAME_MAX {
        return Err(StageRefusal::NameTooLong {
            max: STAGE_NAME_MAX as u32,
        });
    }
    let lower = name.to_lowercase();
    if others
        .into_iter()
        .any(|other| other.trim().to_lowercase() == lower)
    {
        return Err(StageRefusal::DuplicateName {
            name: name.to_owned(),
        });
    }
    Ok(name.to_owned())
}

/// Checks that `wanted` is a reordering of exactly the `current` custom stages.
pub fn check_reorder(current: &[i64], wanted: &[i64]) -> Result<(), StageRefusal> {
    let mut a = current.to_vec();
    let mut b = wanted.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    if a == b && !has_duplicates(&b) {
        Ok(())
    } else {
        Err(StageRefusal::NotAPermutation)
    }
}

fn has_duplicates(sorted: &[i64]) -> bool {
    sorted.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use SystemStage::*;

    #[test]
    fn paid_leads_move_between_paid_and_custom_stages() {
        assert_eq!(check_move(Paid, Column::Custom(7)), Ok(Column::Custom(7)));
        assert_eq!(
            check_move(Paid, Column::System(Paid)),
            Ok(Column::System(Paid))
        );
    }

    #[test]
    fn unpaid_leads_never_enter_custom_stages() {
        for stage in [PaymentRequired, PaymentInProcess, Canceled, Invalid] {
            assert_eq!(
                check_move(stage, Column::Custom(7)),
                Err(MoveRefusal::NotPaid { stage })
            );
        }
    }

    #[test]
    fn every_contradicting_system_move_is_refused() {
        for actual in SystemStage::ALL {
            for target in SystemStage::ALL {
                let result = check_move(actual, Column::System(target));
                if actual == target {
                    assert_eq!(result, Ok(Column::System(target)));
                } else {
                    assert_eq!(
                        result,
                        Err(MoveRefusal::ContradictsMercadoLibre { target, actual })
                    );
                }
            }
        }
    }

    #[test]
    fn sync_keeps_custom_stage_only_while_paid() {
        assert_eq!(
            column_after_sync(Paid, Some(Column::Custom(3))),
            Column::Custom(3)
        );
        assert_eq!(
            column_after_sync(Canceled, Some(Column::Custom(3))),
            Column::System(Canceled)
        );
        assert_eq!(
            column_after_sync(Paid, Some(Column::System(PaymentInProcess))),
            Column::System(Paid)
        );
        assert_eq!(
            column_after_sync(PaymentRequired, None),
            Column::System(PaymentRequired)
        );
    }

    #[test]
    fn stage_names_are_trimmed_bounded_and_unique() {
        assert_eq!(
            check_stage_name("  Shipped ", ["Preparing"]),
            Ok("Shipped".into())
        );
        assert_eq!(check_stage_name("   ", []), Err(StageRefusal::EmptyName));
        let long = "x".repeat(STAGE_NAME_MAX + 1);
        assert_eq!(
            check_stage_name(&long, []),
            Err(StageRefusal::NameTooLong { max: 40 })
        );
        assert_eq!(
            check_stage_name(&"ñ".repeat(STAGE_NAME_MAX), []).map(|n| n.chars().count()),
            Ok(40)
        );
        assert_eq!(
            check_stage_name("preparing", ["Preparing"]),
            Err(StageRefusal::DuplicateName {
                name: "preparing".into()
            })
        );
    }

    #[test]
    fn reorder_must_be_a_permutation() {
        assert_eq!(check_reorder(&[1, 2, 3], &[3, 1, 2]), Ok(()));
        assert_eq!(check_reorder(&[], &[]), Ok(()));
        assert_eq!(
            check_reorder(&[1, 2, 3], &[1, 2]),
            Err(StageRefusal::NotAPermutation)
        );
        assert_eq!(
            check_reorder(&[1, 2], &[1, 2, 9]),
            Err(StageRefusal::NotAPermutation)
        );
        assert_eq!(
            check_reorder(&[1, 2], &[1, 1]),
            Err(StageRefusal::NotAPermutation)
        );
    }

    #[test]
    fn refusal_codes_are_stable() {
        assert_eq!(MoveRefusal::NotPaid { stage: Canceled }.code(), "not_paid");
        let json = serde_json::to_value(MoveRefusal::ContradictsMercadoLibre {
            target: Paid,
            actual: Canceled,
        })
        .expect("json");
        assert_eq!(json["code"], "contradicts_mercado_libre");
        assert_eq!(
            StageRefusal::SystemStageLocked.code(),
            "system_stage_locked"
        );
    }
}
