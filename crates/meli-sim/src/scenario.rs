//! Sales made to order (by the scenarios and by tests through the control API), the sellers
//! every scenario has, and the bulk scenario's plain orders.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog;
use crate::error::SimError;
use crate::ids::{SELLER_MLA, SELLER_MLB};
use crate::model::{
    site, Conversation, LogisticType, Order, OrderStatus, Pack, Shipment, ShipmentStatus, Site,
    User,
};
use crate::rng::Rng;
use crate::state::World;

/// A sale to add to the world (control API). Defaults: one paid order, Mercado Envíos drop-off,
/// shipment ready to ship, created an hour ago, a new buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewSale {
    pub seller_id: u64,
    pub buyer_id: Option<u64>,
    pub status: OrderStatus,
    pub logistic_type: LogisticType,
    pub shipment_status: ShipmentStatus,
    /// More than one makes a pack.
    pub orders: u8,
    pub created_minutes_ago: u32,
}

impl Default for NewSale {
    fn default() -> Self {
        Self {
            seller_id: SELLER_MLA,
            buyer_id: None,
            status: OrderStatus::Paid,
            logistic_type: LogisticType::DropOff,
            shipment_status: ShipmentStatus::ReadyToShip,
            orders: 1,
            created_minutes_ago: 60,
        }
    }
}

impl NewSale {
    pub fn new(seller_id: u64) -> Self {
        Self {
            seller_id,
            ..Self::default()
        }
    }

    pub fn status(mut self, status: OrderStatus) -> Self {
        self.status = status;
        self
    }

    pub fn logistic(mut self, logistic_type: LogisticType) -> Self {
        self.logistic_type = logistic_type;
        self
    }

    pub fn shipment_status(mut self, status: ShipmentStatus) -> Self {
        self.shipment_status = status;
        self
    }

    pub fn orders(mut self, orders: u8) -> Self {
        self.orders = orders;
        self
    }

    pub fn buyer(mut self, buyer_id: u64) -> Self {
        self.buyer_id = Some(buyer_id);
        self
    }

    pub fn created_minutes_ago(mut self, minutes: u32) -> Self {
        self.created_minutes_ago = minutes;
        self
    }
}

/// What [`NewSale`] created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedSale {
    /// The id for `/messages/packs/{id}/…` and the action guide: the pack, or the lone order.
    pub conversation_id: u64,
    pub pack_id: Option<u64>,
    pub order_ids: Vec<u64>,
    pub buyer_id: u64,
    pub shipment_id: u64,
}

/// The two sellers every scenario has.
pub(crate) fn add_sellers(world: &mut World, now: DateTime<Utc>) {
    let sellers = [
        (
            SELLER_MLA,
            "MATEANDO_ARG",
            "Lucía",
            "Fernández",
            "MLA",
            "Palermo",
            "AR-C",
        ),
        (
            SELLER_MLB,
            "CASA_DO_CAFE_BR",
            "João",
            "Pereira",
            "MLB",
            "São Paulo",
            "BR-SP",
        ),
    ];
    for (id, nickname, first, last, site_id, city, state) in sellers {
        let Some(site) = site(site_id) else { continue };
        world.users.insert(
            id,
            User {
                id,
                nickname: nickname.into(),
                first_name: first.into(),
                last_name: last.into(),
                email: format!("{}@mostrador.test", nickname.to_lowercase()),
                site,
                city,
                state,
                registration_date: now - TimeDelta::days(2_000),
                seller: true,
                deactivated: false,
            },
        );
        world.sellers.push(id);
    }
    // The countries' messaging agents answer for buyers in agent-held conversations.
    for site_id in ["MLA", "MLB"] {
        let Some(site) = site(site_id) else { continue };
        world.users.insert(
            site.agent_id,
            User {
                id: site.agent_id,
                nickname: format!("AGENTE_{site_id}"),
                first_name: "Mercado".into(),
                last_name: "Libre".into(),
                email: format!("agent.{}@mercadolibre.test", site_id.to_lowercase()),
                site,
                city: "",
                state: "",
                registration_date: now - TimeDelta::days(400),
                seller: false,
                deactivated: false,
            },
        );
    }
    world.logged_in = SELLER_MLA;
}

impl World {
    pub(crate) fn new_buyer(&mut self, site: &'static Site, rng: &mut Rng) -> u64 {
        let n = self.next_buyer_id;
        self.next_buyer_id += 1;
        // Every third buyer has an id above 32 bits, as new Mercado Libre accounts do.
        let id = if n.is_multiple_of(3) {
            n + 3_000_000_000
        } else {
            n
        };
        let (firsts, lasts, cities) = if site.portuguese {
            (
                catalog::FIRST_NAMES_PT,
                catalog::LAST_NAMES_PT,
                catalog::CITIES_PT,
            )
        } else {
            (
                catalog::FIRST_NAMES_ES,
                catalog::LAST_NAMES_ES,
                catalog::CITIES_ES,
            )
        };
        let first = *rng.pick(firsts);
        let last = *rng.pick(lasts);
        let (city, state) = *rng.pick(cities);
        let nickname = format!("{}{}{}", ascii_upper(first), ascii_upper(last), id % 10_000);
        self.users.insert(
            id,
            User {
                id,
                email: format!("{}@buyer.test", nickname.to_lowercase()),
                nickname,
                first_name: first.into(),
                last_name: last.into(),
                site,
                city,
                state,
                registration_date: self.landmark_epoch(),
                seller: false,
                deactivated: false,
            },
        );
        id
    }

    fn landmark_epoch(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(1_500_000_000, 0).unwrap_or_default()
    }

    /// Adds a sale: its orders, shipment, pack (when more than one order) and an empty
    /// conversation.
    pub fn create_sale(
        &mut self,
        spec: &NewSale,
        now: DateTime<Utc>,
    ) -> Result<CreatedSale, SimError> {
        let seller_site = match self.users.get(&spec.seller_id) {
            Some(u) if u.seller => u.site,
            _ => return Err(SimError::NotASeller(spec.seller_id)),
        };
        let mut rng = Rng::for_key(self.seed, self.next_order_id);
        let buyer = match spec.buyer_id {
            Some(b) if self.users.contains_key(&b) => b,
            Some(b) => return Err(SimError::UnknownUser(b)),
            None => self.new_buyer(seller_site, &mut rng),
        };
        let created = now - TimeDelta::minutes(i64::from(spec.created_minutes_ago));
        let closed = spec
            .status
            .was_paid()
            .then(|| created + TimeDelta::minutes(3));
        let shipment_id = self.next_shipment_id;
        self.next_shipment_id += 1;
        let count = spec.orders.max(1);
        let pack_id = (count > 1).then(|| {
            let id = self.next_pack_id;
            self.next_pack_id += 1;
            id
        });
        let items = if seller_site.portuguese {
            catalog::ITEMS_PT
        } else {
            catalog::ITEMS_ES
        };
        let mut order_ids = Vec::new();
        for _ in 0..count {
            let id = self.next_order_id;
            self.next_order_id += 1;
            let item = rng.below(items.len() as u64) as u16;
            let quantity = 1 + rng.below(2) as u16;
            let unit_price_cents = items.get(usize::from(item)).map_or(100_000, |i| i.1);
            self.insert_order(Order {
                id,
                seller: spec.seller_id,
                buyer,
                pack: pack_id,
                status: spec.status,
                date_created: created,
                date_closed: closed,
                last_updated: closed.unwrap_or(created),
                item,
                quantity,
                unit_price_cents,
                shipment: Some(shipment_id),
            });
            order_ids.push(id);
        }
        let shipment_status = match spec.status {
            OrderStatus::Cancelled | OrderStatus::Invalid => ShipmentStatus::Cancelled,
            s if s.awaits_payment() => ShipmentStatus::Pending,
            _ => spec.shipment_status,
        };
        self.shipments.insert(
            shipment_id,
            Shipment {
                id: shipment_id,
                seller: spec.seller_id,
                order: order_ids.first().copied().unwrap_or_default(),
                logistic_type: spec.logistic_type,
                status: shipment_status,
                date_created: created,
                last_updated: closed.unwrap_or(created),
            },
        );
        if let Some(id) = pack_id {
            self.packs.insert(
                id,
                Pack {
                    id,
                    seller: spec.seller_id,
                    buyer,
                    orders: order_ids.clone(),
                    shipment: Some(shipment_id),
                    date_created: created,
                    last_updated: closed.unwrap_or(created),
                },
            );
        }
        let conversation_id = pack_id.unwrap_or_else(|| order_ids.first().copied().unwrap_or(0));
        self.conversations.insert(
            conversation_id,
            Conversation {
                key: conversation_id,
                seller: spec.seller_id,
                buyer,
                agent: None,
                seeded: 0,
                seeded_read: true,
                messages: Vec::new(),
                block: None,
                caps: [1; 5],
                excepted_case: false,
                claim_id: None,
                listing_lag: 0,
                unlisted: Vec::new(),
            },
        );
        Ok(CreatedSale {
            conversation_id,
            pack_id,
            order_ids,
            buyer_id: buyer,
            shipment_id,
        })
    }

    pub(crate) fn insert_order(&mut self, order: Order) {
        self.order_generation += 1;
        let index = self.orders.len();
        self.order_index.insert(order.id, index);
        self.seller_orders
            .entry(order.seller)
            .or_default()
            .push(index);
        self.orders.push(order);
    }
}

fn ascii_upper(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'ã' | 'â' => 'A',
            'é' | 'ê' => 'E',
            'í' => 'I',
            'ó' | 'ô' | 'õ' => 'O',
            'ú' => 'U',
            'ç' => 'C',
            'ñ' => 'N',
            c => c.to_ascii_uppercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Plain paid-or-not orders with generated conversations, cheap enough for 100,000 orders:
/// messages are only materialised when a conversation is read.
pub(crate) fn populate_bulk(
    world: &mut World,
    now: DateTime<Utc>,
    orders: u32,
    messages_per_order: u16,
) {
    let sellers = world.sellers.clone();
    let statuses = [
        OrderStatus::Paid,
        OrderStatus::Paid,
        OrderStatus::Paid,
        OrderStatus::PaymentRequired,
        OrderStatus::Cancelled,
        OrderStatus::PartiallyRefunded,
    ];
    let mut rng = Rng::new(world.seed ^ 0xB01C);
    let span_minutes = 60 * 24 * 300;
    for n in 0..orders {
        let Some(&seller) = sellers.get(n as usize % sellers.len().max(1)) else {
            return;
        };
        let spec = NewSale {
            seller_id: seller,
            buyer_id: None,
            status: *rng.pick(&statuses),
            logistic_type: if rng.chance(20) {
                LogisticType::Custom
            } else {
                LogisticType::DropOff
            },
            shipment_status: ShipmentStatus::Delivered,
            orders: 1,
            // Oldest first, so ids grow with dates as they do on Mercado Libre.
            created_minutes_ago: span_minutes
                - (u64::from(n) * u64::from(span_minutes) / u64::from(orders.max(1))) as u32,
        };
        if let Ok(sale) = world.create_sale(&spec, now) {
            if let Some(conversation) = world.conversations.get_mut(&sale.conversation_id) {
                conversation.seeded = messages_per_order;
                // One conversation in ten ends with an unread buyer message.
                conversation.seeded_read = !rng.chance(10);
            }
        }
    }
}
