//! The demo world: two sellers on different sites (MLA in Spanish, MLB in Portuguese), a few
//! hundred orders in every status, packs, conversations with attachments, moderated messages,
//! blocked conversations and sales that need the action guide. The same seed gives the same
//! world.
//!
//! Named sales ([`crate::Landmarks`]), all of the MLA seller unless prefixed `mlb_`:
//!
//! | name | what it is |
//! |---|---|
//! | `needs_action_guide` | paid, drop-off (Mercado Envíos 2), nobody wrote: only the action guide may start |
//! | `needs_action_guide_flex` | the same on Flex (offers `DELIVERY_PROMISE`) |
//! | `cap_exhausted` | the seller already used OTHER and waits for the buyer |
//! | `open_conversation` | Mercado Envíos 2, the buyer wrote: reply with `POST /messages` |
//! | `custom_shipping` | shipping outside Mercado Envíos 2, nobody wrote: the seller may start |
//! | `awaiting_payment` | `payment_required`: `blocked_by_payment` |
//! | `cancelled` | cancelled with no messages: `blocked_by_cancelled_order` |
//! | `fulfillment_undelivered` | Full, not delivered: `blocked_by_fulfillment` |
//! | `blocked_by_buyer`, `blocked_by_mediation`, `blocked_by_time` | blocked with that substatus |
//! | `excepted_case` | the action guide answers `blocked_by_excepted_case` |
//! | `buyer_deactivated` | the action guide answers 451 |
//! | `with_attachments` | messages with a photo and an invoice PDF |
//! | `moderated` | a seller message moderated for personal data |
//! | `pack` | a pack of three orders with a conversation |
//! | `mlb_open_conversation` | the MLB seller's open conversation, in Portuguese |
//! | `mlb_agent` | an MLB conversation held through the messaging agent |
//!
//! Questions (landmarks hold question ids; see [`crate::questions::seed`]): answered and
//! waiting ones on six listings of each seller, in Spanish and Portuguese, and
//! `question_fresh`, `question_waiting_long`, `question_bought_later` (the buyer then bought
//! that listing), `question_banned_answer`, `question_banned`, `question_on_hold`,
//! `question_under_review`, `question_deleted`, `question_closed`, each also `mlb_`-prefixed.

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalog;
use crate::ids::{SELLER_MLA, SELLER_MLB};
use crate::model::{Attachment, LogisticType, Message, OrderStatus, ShipmentStatus};
use crate::moderation::moderate;
use crate::rng::Rng;
use crate::scenario::NewSale;
use crate::state::World;

/// A 1×1 PNG, the smallest real photo a buyer can send.
pub const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A one-page PDF, as an invoice.
pub const TINY_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

const STATUS_WEIGHTS: &[(OrderStatus, u64)] = &[
    (OrderStatus::Paid, 45),
    (OrderStatus::Confirmed, 4),
    (OrderStatus::PaymentRequired, 8),
    (OrderStatus::PaymentInProcess, 6),
    (OrderStatus::PartiallyPaid, 4),
    (OrderStatus::PartiallyRefunded, 6),
    (OrderStatus::PendingCancel, 3),
    (OrderStatus::Cancelled, 16),
    (OrderStatus::Invalid, 3),
];

const LOGISTIC_WEIGHTS: &[(LogisticType, u64)] = &[
    (LogisticType::DropOff, 35),
    (LogisticType::CrossDocking, 20),
    (LogisticType::Fulfillment, 15),
    (LogisticType::SelfService, 10),
    (LogisticType::Custom, 20),
];

fn weighted<T: Copy>(rng: &mut Rng, table: &[(T, u64)]) -> Option<T> {
    let total: u64 = table.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (value, weight) in table {
        if roll < *weight {
            return Some(*value);
        }
        roll -= weight;
    }
    None
}

pub(crate) fn populate(world: &mut World, now: DateTime<Utc>) {
    let mut rng = Rng::new(world.seed ^ 0xDE30);
    for seller in [SELLER_MLA, SELLER_MLB] {
        history(world, &mut rng, seller, now);
    }
    landmarks(world, &mut rng, now);
}

/// About 150 sales per seller over the last 60 days, oldest first.
fn history(world: &mut World, rng: &mut Rng, seller: u64, now: DateTime<Utc>) {
    const SALES: u32 = 150;
    let span = 60 * 24 * 60;
    for i in 0..SALES {
        // The first sales walk through every status so each appears at least once.
        let status = match OrderStatus::ALL.get(i as usize) {
            Some(s) => *s,
            None => weighted(rng, STATUS_WEIGHTS).unwrap_or(OrderStatus::Paid),
        };
        let logistic = weighted(rng, LOGISTIC_WEIGHTS).unwrap_or(LogisticType::DropOff);
        let age = span - i * span / SALES + rng.below(200) as u32;
        let delivered = age > 60 * 24 * 7 || rng.chance(30);
        let spec = NewSale::new(seller)
            .status(status)
            .logistic(logistic)
            .orders(if rng.chance(15) {
                2 + rng.below(2) as u8
            } else {
                1
            })
            .shipment_status(if delivered {
                ShipmentStatus::Delivered
            } else if rng.chance(50) {
                ShipmentStatus::Shipped
            } else {
                ShipmentStatus::ReadyToShip
            })
            .created_minutes_ago(age);
        let Ok(sale) = world.create_sale(&spec, now) else {
            continue;
        };
        let key = sale.conversation_id;
        if !rng.chance(45) {
            continue;
        }
        let leave_unread = rng.chance(30);
        chat(world, rng, key, now, leave_unread);
        if rng.chance(8) {
            attach(world, rng, key, now);
        }
        if rng.chance(5) {
            let text = if is_portuguese(world, key) {
                "Me chama no WhatsApp 11 98765-4321"
            } else {
                "Escribime al WhatsApp 11 4555-1234"
            };
            let at = last_time(world, key) + TimeDelta::minutes(3);
            say(world, rng, key, false, text, at.min(now), false);
        }
        if rng.chance(6) {
            let substatus = *rng.pick(&[
                "blocked_by_buyer",
                "blocked_by_mediation",
                "blocked_by_time",
                "blocked_by_refund",
            ]);
            if let Some(c) = world.conversations.get_mut(&key) {
                c.block = Some((substatus.to_owned(), now - TimeDelta::days(1)));
            }
        }
    }
}

fn is_portuguese(world: &World, key: u64) -> bool {
    world
        .conversations
        .get(&key)
        .and_then(|c| world.users.get(&c.seller))
        .is_some_and(|u| u.site.portuguese)
}

fn last_time(world: &World, key: u64) -> DateTime<Utc> {
    world
        .conversations
        .get(&key)
        .and_then(|c| c.messages.last().map(|m| m.created))
        .or_else(|| world.sale_orders(key).first().map(|o| o.date_created))
        .unwrap_or_default()
}

/// A message in the conversation; `by_seller` decides the direction.
fn say(
    world: &mut World,
    rng: &mut Rng,
    key: u64,
    by_seller: bool,
    text: &str,
    at: DateTime<Utc>,
    read: bool,
) -> Option<usize> {
    let (seller, other) = world
        .conversations
        .get(&key)
        .map(|c| (c.seller, world.counterpart(c)))?;
    let message = Message {
        id: rng.hex(32),
        from: if by_seller { seller } else { other },
        to: if by_seller { other } else { seller },
        text: text.to_owned(),
        created: at,
        read: read.then(|| at + TimeDelta::minutes(4)),
        moderation: moderate(text),
        attachments: Vec::new(),
        client_id: crate::model::SITE_CLIENT_ID,
    };
    world.push_message(key, message)
}

/// A short exchange started by the buyer; the last buyer message stays unread if asked.
fn chat(world: &mut World, rng: &mut Rng, key: u64, now: DateTime<Utc>, leave_unread: bool) {
    let (buyer_lines, seller_lines) = if is_portuguese(world, key) {
        (catalog::BUYER_LINES_PT, catalog::SELLER_LINES_PT)
    } else {
        (catalog::BUYER_LINES_ES, catalog::SELLER_LINES_ES)
    };
    let turns = 1 + rng.below(5);
    let mut at = last_time(world, key) + TimeDelta::minutes(20);
    for turn in 0..turns {
        let by_seller = turn % 2 == 1;
        let text = if by_seller {
            *rng.pick(seller_lines)
        } else {
            *rng.pick(buyer_lines)
        };
        let last = turn + 1 == turns;
        let read = !(last && leave_unread && !by_seller);
        say(world, rng, key, by_seller, text, at.min(now), read);
        at += TimeDelta::minutes(30 + rng.below(600) as i64);
    }
}

/// The buyer sends a photo and the seller an invoice.
fn attach(world: &mut World, rng: &mut Rng, key: u64, now: DateTime<Utc>) {
    let portuguese = is_portuguese(world, key);
    let Some((seller, buyer)) = world.conversations.get(&key).map(|c| (c.seller, c.buyer)) else {
        return;
    };
    let at = (last_time(world, key) + TimeDelta::minutes(10)).min(now);
    let files = [
        (buyer, "foto-del-paquete.png", "image/png", TINY_PNG, false),
        (
            seller,
            if portuguese {
                "nota-fiscal.pdf"
            } else {
                "factura.pdf"
            },
            "application/pdf",
            TINY_PDF,
            true,
        ),
    ];
    for (owner, name, mime, data, by_seller) in files {
        let ext = if mime == "image/png" { "png" } else { "pdf" };
        let id = format!("{owner}_{}.{ext}", rng.uuid());
        world.attachments.insert(
            id.clone(),
            Attachment {
                id: id.clone(),
                owner,
                original_filename: name.to_owned(),
                mime,
                data: axum::body::Bytes::from_static(data),
                created: at,
                attached: true,
            },
        );
        let text = match (by_seller, portuguese) {
            (false, false) => "Así llegó la caja, ¿es normal?",
            (false, true) => "A caixa chegou assim, é normal?",
            (true, false) => "Te dejo la factura de tu compra.",
            (true, true) => "Segue a nota fiscal da sua compra.",
        };
        if let Some(index) = say(world, rng, key, by_seller, text, at, true) {
            if let Some(m) = world
                .conversations
                .get_mut(&key)
                .and_then(|c| c.messages.get_mut(index))
            {
                m.attachments.push(id);
            }
        }
    }
}

fn landmark(world: &mut World, name: &str, spec: NewSale, now: DateTime<Utc>) -> Option<u64> {
    let sale = world.create_sale(&spec.created_minutes_ago(90), now).ok()?;
    world.landmarks.set(name, sale.conversation_id);
    Some(sale.conversation_id)
}

fn landmarks(world: &mut World, rng: &mut Rng, now: DateTime<Utc>) {
    let paid = |seller| NewSale::new(seller).status(OrderStatus::Paid);
    landmark(world, "needs_action_guide", paid(SELLER_MLA), now);
    landmark(
        world,
        "needs_action_guide_flex",
        paid(SELLER_MLA).logistic(LogisticType::SelfService),
        now,
    );
    if let Some(key) = landmark(world, "cap_exhausted", paid(SELLER_MLA), now) {
        say(
            world,
            rng,
            key,
            true,
            "¡Hola! ¿Me confirmás el color que preferís?",
            now - TimeDelta::minutes(30),
            false,
        );
        if let Some(c) = world.conversations.get_mut(&key) {
            c.caps[4] = 0;
        }
    }
    if let Some(key) = landmark(world, "open_conversation", paid(SELLER_MLA), now) {
        chat(world, rng, key, now, true);
    }
    landmark(
        world,
        "custom_shipping",
        paid(SELLER_MLA).logistic(LogisticType::Custom),
        now,
    );
    landmark(
        world,
        "awaiting_payment",
        NewSale::new(SELLER_MLA).status(OrderStatus::PaymentRequired),
        now,
    );
    landmark(
        world,
        "cancelled",
        NewSale::new(SELLER_MLA).status(OrderStatus::Cancelled),
        now,
    );
    landmark(
        world,
        "fulfillment_undelivered",
        paid(SELLER_MLA)
            .logistic(LogisticType::Fulfillment)
            .shipment_status(ShipmentStatus::Shipped),
        now,
    );
    for substatus in [
        "blocked_by_buyer",
        "blocked_by_mediation",
        "blocked_by_time",
    ] {
        if let Some(key) = landmark(world, substatus, paid(SELLER_MLA), now) {
            chat(world, rng, key, now, false);
            if let Some(c) = world.conversations.get_mut(&key) {
                c.block = Some((substatus.to_owned(), now - TimeDelta::hours(2)));
                if substatus == "blocked_by_mediation" {
                    c.claim_id = Some(5_208_000_000 + key % 1_000_000);
                }
            }
        }
    }
    if let Some(key) = landmark(world, "excepted_case", paid(SELLER_MLA), now) {
        if let Some(c) = world.conversations.get_mut(&key) {
            c.excepted_case = true;
        }
    }
    if let Some(key) = landmark(world, "buyer_deactivated", paid(SELLER_MLA), now) {
        let buyer = world.conversations.get(&key).map(|c| c.buyer);
        if let Some(user) = buyer.and_then(|b| world.users.get_mut(&b)) {
            user.deactivated = true;
        }
    }
    if let Some(key) = landmark(world, "with_attachments", paid(SELLER_MLA), now) {
        chat(world, rng, key, now, false);
        attach(world, rng, key, now);
    }
    if let Some(key) = landmark(world, "moderated", paid(SELLER_MLA), now) {
        chat(world, rng, key, now, false);
        let at = (last_time(world, key) + TimeDelta::minutes(5)).min(now);
        say(
            world,
            rng,
            key,
            true,
            "Escribime a ventas.mateando@gmail.com y lo vemos",
            at,
            false,
        );
    }
    if let Some(key) = landmark(world, "pack", paid(SELLER_MLA).orders(3), now) {
        chat(world, rng, key, now, true);
    }
    if let Some(key) = landmark(world, "mlb_open_conversation", paid(SELLER_MLB), now) {
        chat(world, rng, key, now, true);
    }
    let agent_sale = paid(SELLER_MLB)
        .logistic(LogisticType::Fulfillment)
        .shipment_status(ShipmentStatus::Delivered);
    if let Some(key) = landmark(world, "mlb_agent", agent_sale, now) {
        let agent = world.users.get(&SELLER_MLB).map(|u| u.site.agent_id);
        if let Some(c) = world.conversations.get_mut(&key) {
            c.agent = agent;
        }
        say(
            world,
            rng,
            key,
            false,
            "Olá! O comprador pergunta quando chega a segunda unidade.",
            now - TimeDelta::minutes(40),
            false,
        );
    }
}
