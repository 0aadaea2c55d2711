//! `GET /packs/{id}` and `GET /shipments/{id}`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de;
use super::macros::{raw_record, tolerant_enum};
use super::{OrderId, PackId, ShipmentId, UserId};

tolerant_enum! {
    /// A pack's status (Global Selling adds `filling` and `filled`).
    pub enum PackStatus {
        Released = "released",
        Error = "error",
        PendingCancel = "pending_cancel",
        Cancelled = "cancelled",
        Filling = "filling",
        Filled = "filled",
    }
}

raw_record! {
    /// A cart: several orders of one buyer that share a shipment and a conversation.
    pub struct Pack {
        #[serde(deserialize_with = "de::id")]
        pub id: PackId,
        #[serde(default)]
        pub status: Option<PackStatus>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub status_detail: Option<String>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub orders: Vec<IdRef>,
        #[serde(default)]
        pub buyer: Option<IdRef>,
        #[serde(default)]
        pub shipment: Option<IdRef>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub date_created: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub last_updated: Option<DateTime<Utc>>,
    }
}

impl Pack {
    pub fn order_ids(&self) -> Vec<OrderId> {
        self.orders.iter().map(|o| o.id).collect()
    }

    pub fn buyer_id(&self) -> Option<UserId> {
        self.buyer.as_ref().map(|b| b.id)
    }
}

/// `{ "id": … }`, the way orders, buyers and shipments are referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRef {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
}

tolerant_enum! {
    /// A shipment's status.
    pub enum ShipmentStatus {
        Pending = "pending",
        Handling = "handling",
        ReadyToShip = "ready_to_ship",
        Shipped = "shipped",
        Delivered = "delivered",
        NotDelivered = "not_delivered",
        NotVerified = "not_verified",
        Cancelled = "cancelled",
    }
}

raw_record! {
    /// The parts of `GET /shipments/{id}` the inbox needs: whether the package arrived.
    pub struct Shipment {
        #[serde(deserialize_with = "de::id")]
        pub id: ShipmentId,
        #[serde(default)]
        pub status: Option<ShipmentStatus>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub substatus: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub logistic_type: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub mode: Option<String>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub date_created: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub last_updated: Option<DateTime<Utc>>,
    }
}
