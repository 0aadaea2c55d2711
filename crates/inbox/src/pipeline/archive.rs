//! Archiving: the seller puts a lead away; Mercado Libre's activity brings it back, with its
//! whole history (nothing is deleted when a lead is archived).

use chrono::{DateTime, Utc};

/// Something that happened to an archived lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// The buyer wrote a message at this time.
    BuyerMessage(DateTime<Utc>),
    /// The seller's own message (on Mercado Libre's site, or from here).
    SellerMessage(DateTime<Utc>),
    /// An order of the lead changed (status, tags, amounts, shipping).
    OrderChanged,
}

/// Whether `activity` brings back a lead archived at `archived_at`.
///
/// A buyer's message counts only if it is newer than the archiving: re-reading old history
/// during a sync must not undo the seller's choice. The seller's own messages never reopen.
pub fn reopens(archived_at: DateTime<Utc>, activity: Activity) -> bool {
    match activity {
        Activity::BuyerMessage(at) => at > archived_at,
        Activity::SellerMessage(_) => false,
        Activity::OrderChanged => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, hour, 0, 0)
            .single()
            .expect("valid date")
    }

    #[test]
    fn a_new_buyer_message_reopens() {
        assert!(reopens(at(10), Activity::BuyerMessage(at(11))));
    }

    #[test]
    fn old_buyer_messages_replayed_by_a_sync_do_not_reopen() {
        assert!(!reopens(at(10), Activity::BuyerMessage(at(9))));
        assert!(!reopens(at(10), Activity::BuyerMessage(at(10))));
    }

    #[test]
    fn seller_messages_do_not_reopen_but_order_changes_do() {
        assert!(!reopens(at(10), Activity::SellerMessage(at(12))));
        assert!(reopens(at(10), Activity::OrderChanged));
    }
}
