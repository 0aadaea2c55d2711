//! Mercado Libre's order status and the system stage it puts a lead in.
//!
//! | order status                         | stage              |
//! |--------------------------------------|--------------------|
//! | `payment_required`, `confirmed`      | Payment Required   |
//! | `payment_in_process`, `partially_paid` | Payment in Process |
//! | `paid`, `partially_refunded`         | Paid               |
//! | `cancelled`, `pending_cancel`        | Canceled           |
//! | `invalid`                            | Invalid            |
//! | anything else                        | no stage: the lead stays where it was |
//!
//! Statuses are compared case-insensitively and trimmed, because the API has sent both
//! `paid` and `PAID`. `confirmed` is Payment Required: it is the initial, unpaid state.
//! `pending_cancel` is Canceled because the buyer can no longer be served, even though the
//! refund is still being worked out.

use super::SystemStage;

/// The table above, as the code reads it. Keep the module doc in step.
pub const STATUS_TABLE: [(&str, SystemStage); 9] = [
    ("payment_required", SystemStage::PaymentRequired),
    ("confirmed", SystemStage::PaymentRequired),
    ("payment_in_process", SystemStage::PaymentInProcess),
    ("partially_paid", SystemStage::PaymentInProcess),
    ("paid", SystemStage::Paid),
    ("partially_refunded", SystemStage::Paid),
    ("cancelled", SystemStage::Canceled),
    ("pending_cancel", SystemStage::Canceled),
    ("invalid", SystemStage::Invalid),
];

/// The stage an order status means, or `None` for a status we do not know
/// (Mercado Libre adds values without notice; the caller keeps the lead where it was).
pub fn stage_for_status(status: &str) -> Option<SystemStage> {
    let status = status.trim();
    STATUS_TABLE
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(status))
        .map(|(_, stage)| *stage)
}

/// The stage of a lead from the stages of its orders (`None` = unknown status).
///
/// The rule, in order:
/// 1. any order Paid → **Paid** (something was bought and paid: the seller has work to do and
///    Mercado Libre opens the conversation);
/// 2. else any order Payment in Process → **Payment in Process**;
/// 3. else any order Payment Required → **Payment Required**;
/// 4. else every known order is Canceled or Invalid: all Invalid → **Invalid**, otherwise
///    **Canceled** (a mix of cancelled and invalidated orders is a cancelled sale to the seller);
/// 5. no order with a known status → `None`: the lead keeps its previous stage.
///
/// Orders with an unknown status are left out, so one odd order does not move a pack.
pub fn pack_stage(
    order_stages: impl IntoIterator<Item = Option<SystemStage>>,
) -> Option<SystemStage> {
    let known: Vec<SystemStage> = order_stages.into_iter().flatten().collect();
    let any = |s: SystemStage| known.contains(&s);
    if known.is_empty() {
        None
    } else if any(SystemStage::Paid) {
        Some(SystemStage::Paid)
    } else if any(SystemStage::PaymentInProcess) {
        Some(SystemStage::PaymentInProcess)
    } else if any(SystemStage::PaymentRequired) {
        Some(SystemStage::PaymentRequired)
    } else if known.iter().all(|s| *s == SystemStage::Invalid) {
        Some(SystemStage::Invalid)
    } else {
        Some(SystemStage::Canceled)
    }
}

/// The stage a lead goes to after Mercado Libre told us its orders' statuses.
///
/// Unknown statuses are logged; if no status is known the lead stays in `previous`, and a
/// lead we have never placed starts in Payment Required, where nothing can be sent to it.
pub fn lead_stage<'a>(
    statuses: impl IntoIterator<Item = &'a str>,
    previous: Option<SystemStage>,
) -> SystemStage {
    let stages: Vec<Option<SystemStage>> = statuses
        .into_iter()
        .map(|status| {
            let stage = stage_for_status(status);
            if stage.is_none() {
                tracing::warn!(status, "unknown order status: the lead keeps its stage");
            }
            stage
        })
        .collect();
    pack_stage(stages)
        .or(previous)
        .unwrap_or(SystemStage::PaymentRequired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SystemStage::*;

    #[test]
    fn every_documented_status_maps_to_its_stage() {
        let cases = [
            ("payment_required", PaymentRequired),
            ("confirmed", PaymentRequired),
            ("payment_in_process", PaymentInProcess),
            ("partially_paid", PaymentInProcess),
            ("paid", Paid),
            ("partially_refunded", Paid),
            ("cancelled", Canceled),
            ("pending_cancel", Canceled),
            ("invalid", Invalid),
        ];
        for (status, stage) in cases {
            assert_eq!(stage_for_status(status), Some(stage), "{status}");
        }
    }

    #[test]
    fn statuses_are_case_insensitive_and_trimmed() {
        assert_eq!(stage_for_status("PAID"), Some(Paid));
        assert_eq!(
            stage_for_status(" Payment_In_Process "),
            Some(PaymentInProcess)
        );
        assert_eq!(stage_for_status("CANCELLED"), Some(Canceled));
    }

    #[test]
    fn unknown_statuses_have_no_stage() {
        for status in ["", "refunded", "canceled_by_magic", "paid!", "pai"] {
            assert_eq!(stage_for_status(status), None, "{status}");
        }
    }

    #[test]
    fn unknown_status_keeps_the_previous_stage() {
        assert_eq!(lead_stage(["shipped_to_mars"], Some(Paid)), Paid);
        assert_eq!(lead_stage(["shipped_to_mars"], Some(Canceled)), Canceled);
        assert_eq!(lead_stage(["shipped_to_mars"], None), PaymentRequired);
        assert_eq!(lead_stage([], Some(PaymentInProcess)), PaymentInProcess);
    }

    #[test]
    fn a_known_status_overrides_the_previous_stage() {
        assert_eq!(lead_stage(["cancelled"], Some(Paid)), Canceled);
        assert_eq!(lead_stage(["paid", "mystery"], Some(Canceled)), Paid);
    }

    fn stage_of(statuses: &[&str]) -> Option<SystemStage> {
        pack_stage(statuses.iter().map(|s| stage_for_status(s)))
    }

    #[test]
    fn single_orders_take_their_own_stage() {
        for stage in SystemStage::ALL {
            assert_eq!(pack_stage([Some(stage)]), Some(stage));
        }
    }

    #[test]
    fn every_pair_of_stages_follows_the_rule() {
        // Precedence from the doc comment: Paid > In Process > Required > Canceled > Invalid,
        // except that only an all-Invalid pack is Invalid.
        let rank = |s: SystemStage| match s {
            Paid => 4,
            PaymentInProcess => 3,
            PaymentRequired => 2,
            Canceled => 1,
            Invalid => 0,
        };
        for a in SystemStage::ALL {
            for b in SystemStage::ALL {
                let expected = if rank(a) >= rank(b) { a } else { b };
                assert_eq!(
                    pack_stage([Some(a), Some(b)]),
                    Some(expected),
                    "{a:?}+{b:?}"
                );
            }
        }
    }

    #[test]
    fn pack_combinations_from_real_statuses() {
        assert_eq!(stage_of(&["paid", "payment_required"]), Some(Paid));
        assert_eq!(stage_of(&["paid", "cancelled"]), Some(Paid));
        assert_eq!(stage_of(&["partially_refunded", "cancelled"]), Some(Paid));
        assert_eq!(
            stage_of(&["payment_in_process", "payment_required"]),
            Some(PaymentInProcess)
        );
        assert_eq!(
            stage_of(&["partially_paid", "cancelled"]),
            Some(PaymentInProcess)
        );
        assert_eq!(stage_of(&["confirmed", "cancelled"]), Some(PaymentRequired));
        assert_eq!(stage_of(&["cancelled", "cancelled"]), Some(Canceled));
        assert_eq!(stage_of(&["cancelled", "pending_cancel"]), Some(Canceled));
        assert_eq!(stage_of(&["invalid", "invalid"]), Some(Invalid));
        assert_eq!(stage_of(&["invalid", "cancelled"]), Some(Canceled));
        assert_eq!(stage_of(&["invalid", "paid"]), Some(Paid));
        assert_eq!(stage_of(&["invalid", "weird"]), Some(Invalid));
        assert_eq!(stage_of(&["weird", "odd"]), None);
        assert_eq!(stage_of(&[]), None);
    }

    #[test]
    fn every_triple_of_statuses_is_decided_or_left_alone() {
        let mut statuses: Vec<&str> = STATUS_TABLE.iter().map(|(s, _)| *s).collect();
        statuses.push("unknown_status");
        for a in &statuses {
            for b in &statuses {
                for c in &statuses {
                    let decided = stage_of(&[a, b, c]);
                    let known: Vec<_> = [a, b, c]
                        .iter()
                        .filter_map(|s| stage_for_status(s))
                        .collect();
                    match decided {
                        None => assert!(known.is_empty()),
                        Some(stage) => {
                            assert!(known.contains(&stage) || stage == Canceled);
                            if known.contains(&Paid) {
                                assert_eq!(stage, Paid);
                            }
                            if stage == Invalid {
                                assert!(known.iter().all(|s| *s == Invalid));
                            }
                        }
                    }
                }
            }
        }
    }
}
