//! Leads and their stages, as pure functions of Mercado Libre's data.
//!
//! - [`order`]: the inbox's input type for an order, read tolerantly from the API's JSON;
//! - [`status`]: order status → system stage (the table), and a pack's stage from its orders;
//! - [`lead`]: orders → leads (pack or lone order), name, contact, tags and card data;
//! - [`placement`]: board columns, the seller's moves and custom stages;
//! - [`archive`]: when an archived lead comes back.

pub mod archive;
pub mod lead;
pub mod order;
pub mod placement;
pub mod status;

pub use lead::{CardData, Contact, LeadKey, LeadSnapshot};
pub use order::{Buyer, Money, Order, OrderItem};
pub use placement::{Column, MoveRefusal, StageRefusal};

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

    /// The stable key used in the store and in column keys (`system:<key>`).
    pub fn key(self) -> &'static str {
        match self {
            SystemStage::PaymentRequired => "payment_required",
            SystemStage::PaymentInProcess => "payment_in_process",
            SystemStage::Paid => "paid",
            SystemStage::Canceled => "canceled",
            SystemStage::Invalid => "invalid",
        }
    }

    pub fn from_key(key: &str) -> Option<SystemStage> {
        SystemStage::ALL.into_iter().find(|s| s.key() == key)
    }

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
    fn keys_round_trip_and_match_serde() {
        for stage in SystemStage::ALL {
            assert_eq!(SystemStage::from_key(stage.key()), Some(stage));
            assert_eq!(serde_json::to_value(stage).expect("json"), stage.key());
        }
        assert_eq!(SystemStage::from_key("custom"), None);
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
