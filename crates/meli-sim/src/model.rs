//! The simulated world's records. They hold only what the simulator needs; the JSON Mercado Libre
//! returns is rendered from them by the resource modules.

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A site the simulator knows: the ids and words that differ from country to country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    pub id: &'static str,
    pub country_id: &'static str,
    pub currency_id: &'static str,
    pub portuguese: bool,
    pub permalink_host: &'static str,
    /// The country's messaging agent (new messaging architecture, Feb 2026).
    pub agent_id: u64,
    /// Local time offset of order dates, as the API prints them.
    pub utc_offset_hours: i32,
}

pub const SITES: &[Site] = &[
    Site {
        id: "MLA",
        country_id: "AR",
        currency_id: "ARS",
        portuguese: false,
        permalink_host: "perfil.mercadolibre.com.ar",
        agent_id: 3_037_674_934,
        utc_offset_hours: -3,
    },
    Site {
        id: "MLB",
        country_id: "BR",
        currency_id: "BRL",
        portuguese: true,
        permalink_host: "perfil.mercadolivre.com.br",
        agent_id: 3_037_675_074,
        utc_offset_hours: -3,
    },
    Site {
        id: "MLM",
        country_id: "MX",
        currency_id: "MXN",
        portuguese: false,
        permalink_host: "perfil.mercadolibre.com.mx",
        agent_id: 3_037_204_279,
        utc_offset_hours: -6,
    },
];

pub fn site(id: &str) -> Option<&'static Site> {
    SITES.iter().find(|s| s.id.eq_ignore_ascii_case(id))
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub nickname: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub site: &'static Site,
    pub city: &'static str,
    pub state: &'static str,
    pub registration_date: DateTime<Utc>,
    pub seller: bool,
    /// The buyer closed their account: the action guide answers 451.
    pub deactivated: bool,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// An order's `status`, as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Confirmed,
    PaymentRequired,
    PaymentInProcess,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    PendingCancel,
    Cancelled,
    Invalid,
}

impl OrderStatus {
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

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::PaymentRequired => "payment_required",
            OrderStatus::PaymentInProcess => "payment_in_process",
            OrderStatus::PartiallyPaid => "partially_paid",
            OrderStatus::Paid => "paid",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::PendingCancel => "pending_cancel",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Invalid => "invalid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The money has not arrived yet, so messaging is blocked (`blocked_by_payment`).
    pub fn awaits_payment(self) -> bool {
        matches!(
            self,
            OrderStatus::Confirmed
                | OrderStatus::PaymentRequired
                | OrderStatus::PaymentInProcess
                | OrderStatus::PartiallyPaid
        )
    }

    /// A payment was credited, which is when the order gets its `date_closed`.
    pub fn was_paid(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid | OrderStatus::PartiallyRefunded | OrderStatus::PendingCancel
        )
    }
}

/// A shipment's `logistic_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogisticType {
    /// Mercado Envíos Full.
    Fulfillment,
    CrossDocking,
    DropOff,
    /// Flex.
    SelfService,
    /// Shipping arranged by the seller, outside Mercado Envíos 2.
    Custom,
}

impl LogisticType {
    pub fn as_str(self) -> &'static str {
        match self {
            LogisticType::Fulfillment => "fulfillment",
            LogisticType::CrossDocking => "cross_docking",
            LogisticType::DropOff => "drop_off",
            LogisticType::SelfService => "self_service",
            LogisticType::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            LogisticType::Fulfillment,
            LogisticType::CrossDocking,
            LogisticType::DropOff,
            LogisticType::SelfService,
            LogisticType::Custom,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
    }

    /// Mercado Envíos 2: sellers may start a conversation only through the action guide.
    pub fn is_me2(self) -> bool {
        !matches!(self, LogisticType::Custom)
    }

    pub fn mode(self) -> &'static str {
        if self.is_me2() {
            "me2"
        } else {
            "custom"
        }
    }
}

/// A shipment's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    Pending,
    ReadyToShip,
    Shipped,
    Delivered,
    Cancelled,
}

impl ShipmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentStatus::Pending => "pending",
            ShipmentStatus::ReadyToShip => "ready_to_ship",
            ShipmentStatus::Shipped => "shipped",
            ShipmentStatus::Delivered => "delivered",
            ShipmentStatus::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Order {
    pub id: u64,
    pub seller: u64,
    pub buyer: u64,
    pub pack: Option<u64>,
    pub status: OrderStatus,
    pub date_created: DateTime<Utc>,
    pub date_closed: Option<DateTime<Utc>>,
    pub last_updated: DateTime<Utc>,
    /// Index into the item catalogue of the seller's site.
    pub item: u16,
    pub quantity: u16,
    pub unit_price_cents: u64,
    pub shipment: Option<u64>,
}

impl Order {
    pub fn total_cents(&self) -> u64 {
        self.unit_price_cents * u64::from(self.quantity)
    }
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub id: u64,
    pub seller: u64,
    pub buyer: u64,
    pub orders: Vec<u64>,
    pub shipment: Option<u64>,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Shipment {
    pub id: u64,
    pub seller: u64,
    pub order: u64,
    pub logistic_type: LogisticType,
    pub status: ShipmentStatus,
    pub date_created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Clean,
    /// Rejected by moderation, with the documented reason.
    Rejected(&'static str),
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub from: u64,
    pub to: u64,
    pub text: String,
    pub created: DateTime<Utc>,
    pub read: Option<DateTime<Utc>>,
    pub moderation: Moderation,
    pub attachments: Vec<String>,
    pub client_id: u64,
}

/// The post-sale conversation of one pack (or lone order) with its seller.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// The pack id, or the order id of a lone order.
    pub key: u64,
    pub seller: u64,
    pub buyer: u64,
    /// Messages go through the country's messaging agent instead of the buyer.
    pub agent: Option<u64>,
    /// Generated history that is materialised only when read (bulk scenario).
    pub seeded: u16,
    pub seeded_read: bool,
    pub messages: Vec<Message>,
    /// A block that does not follow from the orders (by buyer, mediation, time, …).
    pub block: Option<(String, DateTime<Utc>)>,
    /// Messages the seller may still send per action-guide option, indexed like `OPTIONS`.
    pub caps: [u8; 5],
    /// Products with manufacturing time: the action guide answers `blocked_by_excepted_case`.
    pub excepted_case: bool,
    pub claim_id: Option<u64>,
    /// Listing requests a new message of this conversation stays out of the listing for
    /// (0: listed at once). Mercado Libre's listing may lag behind a send it accepted.
    pub listing_lag: u32,
    /// Messages not listed yet, with the listing requests each still misses.
    pub unlisted: Vec<(String, u32)>,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: String,
    pub owner: u64,
    pub original_filename: String,
    pub mime: &'static str,
    pub data: Bytes,
    pub created: DateTime<Utc>,
    /// Sent with a message; orphans are deleted after 48 hours.
    pub attached: bool,
}

/// `client_id` of messages written on Mercado Libre's own site and apps rather than through
/// the seller's application: buyers' messages, and what the seller writes there.
pub const SITE_CLIENT_ID: u64 = 7_092_418_533;

/// The seller's application, registered in the developer center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub client_id: u64,
    pub client_secret: String,
    pub redirect_uri: String,
}
