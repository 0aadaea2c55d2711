//! From orders to leads: a lead is a pack (orders bought together, one conversation) or a
//! lone order, named by its number, with the buyer as its contact.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::untrusted::clean_name;

use super::order::{Buyer, Money, Order, OrderItem};
use super::status::lead_stage;
use super::SystemStage;

/// Which conversation a lead is. Mercado Libre addresses a lone order's conversation with
/// the order id in the `/packs/` path, so both kinds carry one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LeadKey {
    Pack(i64),
    Order(i64),
}

impl LeadKey {
    pub fn of(order: &Order) -> LeadKey {
        match order.pack_id {
            Some(pack) => LeadKey::Pack(pack),
            None => LeadKey::Order(order.id),
        }
    }

    /// The id in `/messages/packs/{id}/sellers/{seller}`.
    pub fn conversation_id(self) -> i64 {
        match self {
            LeadKey::Pack(id) | LeadKey::Order(id) => id,
        }
    }

    pub fn is_pack(self) -> bool {
        matches!(self, LeadKey::Pack(_))
    }

    /// The lead's name is the pack or order number, as the seller sees it on Mercado Libre.
    pub fn name(self) -> String {
        self.conversation_id().to_string()
    }

    pub fn from_parts(conversation_id: i64, is_pack: bool) -> LeadKey {
        if is_pack {
            LeadKey::Pack(conversation_id)
        } else {
            LeadKey::Order(conversation_id)
        }
    }
}

/// The buyer as the lead's contact. Names may be missing from orders; the sync fills them
/// from the user endpoint or the conversation, and [`Contact::filled_from`] keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    pub buyer_id: i64,
    pub nickname: Option<String>,
    pub name: Option<String>,
}

impl Contact {
    pub fn from_buyer(buyer: &Buyer) -> Contact {
        let name = clean_name(
            &[buyer.first_name.as_deref(), buyer.last_name.as_deref()]
                .into_iter()
                .flatten()
                .map(clean_name)
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        );
        Contact {
            buyer_id: buyer.id,
            nickname: buyer
                .nickname
                .as_deref()
                .map(clean_name)
                .filter(|n| !n.is_empty()),
            name: (!name.is_empty()).then_some(name),
        }
    }

    /// This contact, with the gaps filled from what we knew before (or learnt elsewhere).
    /// Newer non-empty values win: a buyer may change their nickname.
    pub fn filled_from(self, known: &Contact) -> Contact {
        let same_buyer = self.buyer_id == known.buyer_id || self.buyer_id == 0;
        if !same_buyer {
            return self;
        }
        Contact {
            buyer_id: if self.buyer_id == 0 {
                known.buyer_id
            } else {
                self.buyer_id
            },
            nickname: self.nickname.or_else(|| known.nickname.clone()),
            name: self.name.or_else(|| known.name.clone()),
        }
    }

    /// What the board shows: the name, else the nickname.
    pub fn display(&self) -> Option<&str> {
        self.name.as_deref().or(self.nickname.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardOrder {
    pub id: i64,
    pub status: String,
    pub items: Vec<OrderItem>,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub id: i64,
    pub status: Option<String>,
    #[serde(default)]
    pub substatus: Option<String>,
}

/// The tag of a lead with a claim open on it (an order's `mediations`, or a claim its
/// conversation's status names).
pub const CLAIM_TAG: &str = "claim";

/// Shipment statuses before delivery: the lead is "not delivered" yet.
const UNDELIVERED: [&str; 5] = [
    "pending",
    "handling",
    "ready_to_ship",
    "shipped",
    "not_delivered",
];

/// The delivered / not delivered tags from the shipments' statuses, where they were read:
/// Mercado Libre no longer adds these tags to orders by itself, so the orders' own are
/// replaced. Without a read status the orders' tags stay as they came.
fn delivery_tags(tags: &mut Vec<String>, shipments: &[Shipment]) {
    let known: Vec<&str> = shipments
        .iter()
        .filter_map(|s| s.status.as_deref())
        .collect();
    if known.is_empty() {
        return;
    }
    tags.retain(|t| t != "delivered" && t != "not_delivered");
    if known.iter().all(|s| *s == "delivered") {
        tags.push("delivered".to_owned());
    } else if known.iter().any(|s| UNDELIVERED.contains(s)) {
        tags.push("not_delivered".to_owned());
    }
}

/// What the lead card shows besides the conversation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CardData {
    pub orders: Vec<CardOrder>,
    /// One per currency, sorted by currency; a pack is almost always in one.
    pub totals: Vec<Money>,
    pub shipments: Vec<Shipment>,
    pub created_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A lead as its orders describe it right now.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadSnapshot {
    pub key: LeadKey,
    pub name: String,
    pub contact: Contact,
    pub tags: Vec<String>,
    pub stage: SystemStage,
    pub card: CardData,
}

/// Groups orders into leads. Orders of one pack share a lead whatever order they came in.
pub fn group_by_lead(orders: impl IntoIterator<Item = Order>) -> BTreeMap<LeadKey, Vec<Order>> {
    let mut leads: BTreeMap<LeadKey, Vec<Order>> = BTreeMap::new();
    for order in orders {
        leads.entry(LeadKey::of(&order)).or_default().push(order);
    }
    leads
}

fn sum_by_currency<'a>(amounts: impl IntoIterator<Item = &'a Money>) -> Vec<Money> {
    let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
    for money in amounts {
        *sums.entry(money.currency.as_str()).or_default() += money.cents;
    }
    sums.into_iter()
        .map(|(currency, cents)| Money {
            currency: currency.to_owned(),
            cents,
        })
        .collect()
}

/// The lead of `orders` (all of one key). `previous` is the stage the lead had, kept when
/// no order has a status we know.
pub fn snapshot(key: LeadKey, orders: &[Order], previous: Option<SystemStage>) -> LeadSnapshot {
    let mut orders: Vec<&Order> = orders.iter().collect();
    orders.sort_by_key(|o| o.id);

    let contact = orders
        .iter()
        .map(|o| Contact::from_buyer(&o.buyer))
        .reduce(|acc, next| acc.filled_from(&next))
        .unwrap_or_default();

    let mut shipments: Vec<Shipment> = Vec::new();
    for order in &orders {
        if let Some(id) = order.shipping_id {
            if !shipments.iter().any(|s| s.id == id) {
                shipments.push(Shipment {
                    id,
                    status: order.shipping_status.clone(),
                    substatus: order.shipping_substatus.clone(),
                });
            }
        }
    }

    let mut tags: Vec<String> = orders.iter().flat_map(|o| o.tags.iter().cloned()).collect();
    delivery_tags(&mut tags, &shipments);
    if orders.iter().any(|o| !o.claims.is_empty()) {
        tags.push(CLAIM_TAG.to_owned());
    }
    tags.sort();
    tags.dedup();

    let card = CardData {
        orders: orders
            .iter()
            .map(|o| CardOrder {
                id: o.id,
                status: o.status.clone(),
                items: o.items.clone(),
                total: o.total.clone(),
            })
            .collect(),
        totals: sum_by_currency(orders.iter().map(|o| &o.total)),
        shipments,
        created_at: orders.iter().filter_map(|o| o.date_created).min(),
        closed_at: orders.iter().filter_map(|o| o.date_closed).max(),
        updated_at: orders.iter().filter_map(|o| o.last_updated).max(),
    };

    LeadSnapshot {
        key,
        name: key.name(),
        contact,
        tags,
        stage: lead_stage(orders.iter().map(|o| o.status.as_str()), previous),
        card,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn order(id: i64, pack: Option<i64>, status: &str) -> Order {
        Order {
            id,
            pack_id: pack,
            status: status.to_owned(),
            buyer: Buyer {
                id: 77,
                ..Buyer::default()
            },
            items: vec![OrderItem {
                item_id: format!("MLA{id}"),
                title: format!("Item {id}"),
                quantity: 2,
                unit_price: Money {
                    currency: "ARS".into(),
                    cents: 500,
                },
            }],
            total: Money {
                currency: "ARS".into(),
                cents: 1000,
            },
            paid: None,
            shipping_id: None,
            shipping_status: None,
            shipping_substatus: None,
            tags: vec![],
            claims: vec![],
            date_created: None,
            date_closed: None,
            last_updated: None,
        }
    }

    #[test]
    fn orders_of_a_pack_make_one_lead_and_lone_orders_their_own() {
        let leads = group_by_lead([
            order(1, Some(100), "paid"),
            order(2, None, "paid"),
            order(3, Some(100), "paid"),
        ]);
        let keys: Vec<_> = leads.keys().copied().collect();
        assert_eq!(keys, [LeadKey::Pack(100), LeadKey::Order(2)]);
        assert_eq!(leads[&LeadKey::Pack(100)].len(), 2);
    }

    #[test]
    fn read_shipment_statuses_replace_the_orders_delivery_tags() {
        let mut a = order(1, Some(100), "paid");
        a.tags = vec!["paid".into(), "not_delivered".into()];
        a.shipping_id = Some(900);
        let untouched = snapshot(LeadKey::Pack(100), &[a.clone()], None);
        assert_eq!(
            untouched.tags,
            ["not_delivered", "paid"],
            "nothing read: as sent"
        );
        a.shipping_status = Some("delivered".into());
        let delivered = snapshot(LeadKey::Pack(100), &[a.clone()], None);
        assert_eq!(delivered.tags, ["delivered", "paid"]);
        a.tags = vec!["paid".into()];
        a.shipping_status = Some("shipped".into());
        a.shipping_substatus = Some("out_for_delivery".into());
        let shipped = snapshot(LeadKey::Pack(100), &[a.clone()], None);
        assert_eq!(shipped.tags, ["not_delivered", "paid"]);
        assert_eq!(
            shipped.card.shipments[0].substatus.as_deref(),
            Some("out_for_delivery")
        );
        a.shipping_status = Some("cancelled".into());
        assert_eq!(snapshot(LeadKey::Pack(100), &[a], None).tags, ["paid"]);
    }

    #[test]
    fn an_order_with_a_mediation_tags_the_lead_claim() {
        let a = order(1, Some(100), "paid");
        let mut b = order(2, Some(100), "paid");
        b.claims = vec![5208000001];
        assert!(
            !snapshot(LeadKey::Pack(100), std::slice::from_ref(&a), None)
                .tags
                .contains(&CLAIM_TAG.to_owned())
        );
        assert!(snapshot(LeadKey::Pack(100), &[a, b], None)
            .tags
            .contains(&CLAIM_TAG.to_owned()));
    }

    #[test]
    fn lead_is_named_by_pack_or_order_number() {
        assert_eq!(LeadKey::Pack(2000006181551917).name(), "2000006181551917");
        assert_eq!(LeadKey::Order(2032217210).name(), "2032217210");
        assert_eq!(LeadKey::from_parts(5, true), LeadKey::Pack(5));
        assert_eq!(LeadKey::from_parts(5, false), LeadKey::Order(5));
    }

    #[test]
    fn snapshot_gathers_tags_totals_items_and_shipments() {
        let mut a = order(1, Some(100), "paid");
        a.tags = vec!["paid".into(), "not_delivered".into()];
        a.shipping_id = Some(900);
        a.shipping_status = Some("ready_to_ship".into());
        let mut b = order(2, Some(100), "payment_required");
        b.tags = vec!["not_paid".into()];
        b.shipping_id = Some(900);
        b.total = Money {
            currency: "ARS".into(),
            cents: 250,
        };
        let lead = snapshot(LeadKey::Pack(100), &[b, a], None);
        assert_eq!(lead.name, "100");
        assert_eq!(lead.stage, SystemStage::Paid);
        assert_eq!(lead.tags, ["not_delivered", "not_paid", "paid"]);
        assert_eq!(
            lead.card.totals,
            [Money {
                currency: "ARS".into(),
                cents: 1250
            }]
        );
        assert_eq!(
            lead.card.orders.iter().map(|o| o.id).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(lead.card.orders[0].items[0].quantity, 2);
        assert_eq!(
            lead.card.shipments,
            [Shipment {
                id: 900,
                status: Some("ready_to_ship".into()),
                substatus: None
            }]
        );
    }

    #[test]
    fn totals_in_several_currencies_stay_apart() {
        let a = order(1, Some(5), "paid");
        let mut b = order(2, Some(5), "paid");
        b.total = Money {
            currency: "USD".into(),
            cents: 300,
        };
        let lead = snapshot(LeadKey::Pack(5), &[a, b], None);
        assert_eq!(
            lead.card.totals,
            [
                Money {
                    currency: "ARS".into(),
                    cents: 1000
                },
                Money {
                    currency: "USD".into(),
                    cents: 300
                }
            ]
        );
    }

    #[test]
    fn snapshot_dates_span_the_orders() {
        let day = |d: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, d, 12, 0, 0).single();
        let mut a = order(1, Some(5), "paid");
        a.date_created = day(2);
        a.last_updated = day(9);
        let mut b = order(2, Some(5), "paid");
        b.date_created = day(1);
        b.date_closed = day(3);
        b.last_updated = day(4);
        let lead = snapshot(LeadKey::Pack(5), &[a, b], None);
        assert_eq!(lead.card.created_at, day(1));
        assert_eq!(lead.card.closed_at, day(3));
        assert_eq!(lead.card.updated_at, day(9));
    }

    #[test]
    fn a_contact_keeps_no_bidirectional_controls_from_the_buyer() {
        let contact = Contact::from_buyer(&Buyer {
            id: 7,
            nickname: Some("\u{2067}NICK\u{2069}".into()),
            first_name: Some("Juan\u{202E}".into()),
            last_name: Some("\u{202D}".into()),
        });
        assert_eq!(contact.name.as_deref(), Some("Juan"));
        assert_eq!(contact.nickname.as_deref(), Some("NICK"));
    }

    #[test]
    fn contact_from_names_or_nickname_and_missing_data_filled_later() {
        let buyer = Buyer {
            id: 9,
            nickname: Some("TETE2024".into()),
            first_name: Some("Ana".into()),
            last_name: Some("Souza".into()),
        };
        let full = Contact::from_buyer(&buyer);
        assert_eq!(full.display(), Some("Ana Souza"));

        let bare = Contact::from_buyer(&Buyer {
            id: 9,
            ..Buyer::default()
        });
        assert_eq!(bare.display(), None);
        let filled = bare.filled_from(&full);
        assert_eq!(filled, full);

        let nick_only = Contact {
            buyer_id: 9,
            nickname: Some("NEWNICK".into()),
            name: None,
        };
        let merged = nick_only.filled_from(&full);
        assert_eq!(merged.nickname.as_deref(), Some("NEWNICK"));
        assert_eq!(merged.name.as_deref(), Some("Ana Souza"));

        let other = Contact {
            buyer_id: 10,
            nickname: None,
            name: None,
        };
        assert_eq!(
            other.clone().filled_from(&full),
            other,
            "another buyer's names never leak"
        );
    }

    #[test]
    fn unknown_status_keeps_previous_stage_in_snapshot() {
        let lead = snapshot(
            LeadKey::Order(1),
            &[order(1, None, "brand_new_status")],
            Some(SystemStage::Paid),
        );
        assert_eq!(lead.stage, SystemStage::Paid);
    }
}
