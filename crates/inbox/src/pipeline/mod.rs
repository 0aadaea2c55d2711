//! Leads and their stages.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The stages Mercado Libre's order state decides. They cannot be deleted or reordered;
/// a seller's own stages sit after [`SystemStage::Paid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "SystemStage.ts")]
pub enum SystemStage {
    PaymentRequired,
    PaymentInProcess,
    Paid,
    Canceled,
    Invalid,
}

impl SystemStage {
    /// Board order, left to right.
    pub const ALL: [SystemStage; 5] = [
        SystemStage::PaymentRequired,
        SystemStage::PaymentInProcess,
        SystemStage::Paid,
        SystemStage::Canceled,
        SystemStage::Invalid,
    ];

    /// Whether the seller may message a lead in this stage (Mercado Libre blocks unpaid orders).
    pub fn allows_messages(self) -> bool {
        matches!(self, SystemStage::Paid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paid_allows_messages() {
        let allowed: Vec<_> = SystemStage::ALL
            .into_iter()
            .filter(|s| s.allows_messages())
            .collect();
        assert_eq!(allowed, vec![SystemStage::Paid]);
    }

    #[test]
    fn stage_keys_are_snake_case() {
        let keys: Vec<String> = SystemStage::ALL
            .iter()
            .map(|s| serde_json::to_string(s).expect("serializes"))
            .collect();
        assert_eq!(
            keys,
            [
                "\"payment_required\"",
                "\"payment_in_process\"",
                "\"paid\"",
                "\"canceled\"",
                "\"invalid\""
            ]
        );
    }
}
