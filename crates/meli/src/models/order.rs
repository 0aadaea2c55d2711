//! `GET /orders/{id}` and `GET /orders/search`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de;
use super::macros::{raw_record, tolerant_enum};
use super::{OrderId, PackId, Paging, ShipmentId, UserId};

tolerant_enum! {
    /// An order's status (meli-api.md §3.2). `Invalid` appears only in the Global Selling table.
    pub enum OrderStatus {
        Confirmed = "confirmed",
        PaymentRequired = "payment_required",
        PaymentInProcess = "payment_in_process",
        PartiallyPaid = "partially_paid",
        Paid = "paid",
        PartiallyRefunded = "partially_refunded",
        PendingCancel = "pending_cancel",
        Cancelled = "cancelled",
        Invalid = "invalid",
    }
}

impl OrderStatus {
    /// Every documented status: seller searches must name them all, or cancelled orders are dropped.
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::Confirmed,
        OrderStatus::PaymentRequired,
        OrderStatus::PaymentInProcess,
        OrderStatus::PartiallyPaid,
        OrderStatus::Paid,
        OrderStatus::PartiallyRefunded,
        OrderStatus::PendingCancel,
        OrderStatus::Cancelled,
        OrderStatus::Invalid,
    ];
}

raw_record! {
    /// A sale. Buyer names are often absent: look them up with `GET /users/{id}`.
    pub struct Order {
        #[serde(deserialize_with = "de::id")]
        pub id: OrderId,
        #[serde(default)]
        pub status: Option<OrderStatus>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub status_detail: Option<String>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub date_created: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub date_closed: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub date_last_updated: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub last_updated: Option<DateTime<Utc>>,
        /// Null for a lone order: then the order id stands in for the pack id in messaging paths.
        #[serde(default, deserialize_with = "de::opt_id")]
        pub pack_id: Option<PackId>,
        #[serde(default)]
        pub buyer: Option<OrderParty>,
        #[serde(default)]
        pub seller: Option<OrderParty>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub order_items: Vec<OrderItem>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub payments: Vec<Payment>,
        #[serde(default)]
        pub shipping: Option<ShippingRef>,
        #[serde(default, deserialize_with = "de::opt_f64")]
        pub total_amount: Option<f64>,
        #[serde(default, deserialize_with = "de::opt_f64")]
        pub paid_amount: Option<f64>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub currency_id: Option<String>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub tags: Vec<String>,
        #[serde(default, deserialize_with = "de::opt_bool")]
        pub fulfilled: Option<bool>,
        #[serde(default)]
        pub context: Option<OrderContext>,
        #[serde(default)]
        pub cancel_detail: Option<CancelDetail>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub manufacturing_ending_date: Option<DateTime<Utc>>,
        /// Claims (mediations) opened on the order; the claims work reads them by id.
        #[serde(default, deserialize_with = "de::nullable")]
        pub mediations: Vec<Mediation>,
    }
}

/// A claim on an order, as the order names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mediation {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
}

impl Order {
    /// The id to use in `/packs/{id}` messaging paths: the pack, or the order itself when alone.
    pub fn conversation_id(&self) -> PackId {
        self.pack_id.unwrap_or(self.id)
    }

    pub fn buyer_id(&self) -> Option<UserId> {
        self.buyer.as_ref().map(|b| b.id)
    }

    pub fn shipment_id(&self) -> Option<ShipmentId> {
        self.shipping.as_ref().and_then(|s| s.id)
    }
}

/// Where the sale happened; `flows` names special cases (`supermarket`, `cbt`, `b2b`, …) that
/// change who may write first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OrderContext {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub channel: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub site: Option<String>,
    #[serde(default, deserialize_with = "de::nullable")]
    pub flows: Vec<String>,
}

/// Why and by whom an order was cancelled.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CancelDetail {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub group: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub requested_by: Option<String>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub date: Option<DateTime<Utc>>,
}

/// The buyer or seller of an order; current payloads often carry only the id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderParty {
    #[serde(deserialize_with = "de::id")]
    pub id: UserId,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub nickname: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub last_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderItem {
    pub item: Item,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub quantity: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub unit_price: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub currency_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Item ids are strings like `MLB1054990648`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub variation_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub seller_sku: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status_detail: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub total_paid_amount: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub transaction_amount: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub currency_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub date_approved: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShippingRef {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<ShipmentId>,
}

/// One page of `GET /orders/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSearch {
    #[serde(default, deserialize_with = "de::nullable")]
    pub results: Vec<Order>,
    #[serde(default)]
    pub paging: Paging,
    #[serde(default)]
    pub sort: Option<SortRef>,
    /// What a `206 Partial Content` answer said its orders lack (`X-Content-Missing`:
    /// `buyer`, `shipping`, …): those fields are absent or empty, not cleared.
    #[serde(skip)]
    pub content_missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SortRef {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_order_keeps_its_mediations() {
        let order: Order = serde_json::from_value(json!({
            "id": 2000009047722568u64, "mediations": [{ "id": "5208000001" }]
        }))
        .expect("parses");
        assert_eq!(order.mediations, [Mediation { id: 5208000001 }]);
        let plain: Order =
            serde_json::from_value(json!({ "id": 1, "mediations": null })).expect("null");
        assert!(plain.mediations.is_empty());
    }
}
