//! Questions of the demo (Spanish on the MLA seller's listings, Portuguese on the MLB seller's,
//! in every status, some from buyers who later bought) and of the bulk world.

use chrono::{DateTime, TimeDelta, Utc};

use super::items::listings_of;
use super::AnswerStatus;
use crate::ids::{SELLER_MLA, SELLER_MLB};
use crate::rng::Rng;
use crate::scenario::NewSale;
use crate::state::World;

/// `(question, answer)` pairs a buyer asks and a seller answers, in Spanish.
pub const QA_ES: &[(&str, &str)] = &[
    (
        "Hola, ¿tenés stock para envío inmediato?",
        "¡Hola! Sí, tenemos stock y despachamos en el día.",
    ),
    (
        "¿Hacen factura A?",
        "Sí, hacemos factura A. Indicá tu CUIT al comprar.",
    ),
    (
        "¿Viene con garantía?",
        "Sí, tiene 6 meses de garantía oficial.",
    ),
    (
        "¿Cuánto tarda el envío a Córdoba?",
        "Entre 2 y 4 días hábiles con Mercado Envíos.",
    ),
    (
        "¿Es original o réplica?",
        "Es 100 % original, con caja sellada.",
    ),
    (
        "¿Tienen en color negro?",
        "Por ahora solo en los colores publicados.",
    ),
    (
        "¿Puedo retirar en persona?",
        "Sí, podés elegir retiro en el punto de entrega.",
    ),
    (
        "¿Qué medidas tiene exactamente?",
        "Las medidas están en la descripción: 30 × 20 × 12 cm.",
    ),
    (
        "¿Aceptan cuotas sin interés?",
        "Sí, las cuotas que ofrece Mercado Pago en la publicación.",
    ),
    (
        "Si compro dos, ¿me hacen descuento?",
        "Sí, comprando dos unidades se aplica el descuento por cantidad.",
    ),
];

/// The same in Portuguese.
pub const QA_PT: &[(&str, &str)] = &[
    (
        "Olá, tem pronta entrega?",
        "Olá! Sim, temos estoque e enviamos no mesmo dia.",
    ),
    (
        "Emite nota fiscal?",
        "Sim, emitimos nota fiscal em todas as vendas.",
    ),
    ("Tem garantia?", "Sim, garantia de 6 meses do fabricante."),
    (
        "Quanto tempo demora para chegar em Campinas?",
        "De 2 a 4 dias úteis pelo Mercado Envios.",
    ),
    ("É original?", "Sim, produto 100% original e lacrado."),
    ("Tem na cor preta?", "No momento só nas cores do anúncio."),
    (
        "Posso retirar pessoalmente?",
        "Sim, escolha retirada no ponto de entrega.",
    ),
    (
        "Quais as medidas exatas?",
        "As medidas estão na descrição: 30 × 20 × 12 cm.",
    ),
    (
        "Parcela sem juros?",
        "Sim, nas parcelas que o Mercado Pago oferece no anúncio.",
    ),
    (
        "Se eu comprar dois tem desconto?",
        "Sim, comprando duas unidades o desconto é aplicado.",
    ),
];

/// Listings of each seller that get questions in the demo (six each, a dozen in all).
const DEMO_LISTINGS: usize = 6;

/// The demo's questions, after its sales exist. Landmarks (question ids): `question_fresh`,
/// `question_waiting_long`, `question_bought_later`, `question_banned_answer`,
/// `question_on_hold`, `question_under_review`, `question_deleted`, `question_closed`, and the
/// same prefixed `mlb_` for the Brazilian seller.
pub(crate) fn demo(world: &mut World, now: DateTime<Utc>) {
    let mut rng = Rng::new(world.seed ^ 0x0E57);
    for (seller, pairs, prefix) in [(SELLER_MLA, QA_ES, ""), (SELLER_MLB, QA_PT, "mlb_")] {
        demo_for(world, &mut rng, seller, pairs, prefix, now);
    }
}

fn demo_for(
    world: &mut World,
    rng: &mut Rng,
    seller: u64,
    pairs: &[(&str, &str)],
    prefix: &str,
    now: DateTime<Utc>,
) {
    let Some(site) = world.users.get(&seller).map(|u| u.site) else {
        return;
    };
    let listings = listings_of(world, seller);
    let mark = |world: &mut World, name: &str, id: u64| {
        world.landmarks.set(&format!("{prefix}{name}"), id);
    };
    for (n, l) in listings.iter().take(DEMO_LISTINGS).enumerate() {
        // Two answered from weeks ago, for reference under each listing.
        for k in 0..2 {
            let (q, a) = pairs[(n * 3 + k) % pairs.len()];
            let buyer = world.new_buyer(site, rng);
            let asked = now - TimeDelta::days(20 + 5 * k as i64 + n as i64);
            let id = world.questions.insert(seller, buyer, &l.id, q, asked);
            let answered = asked + TimeDelta::minutes(15 + 40 * k as i64 + rng.below(90) as i64);
            world.questions.answer(id, a, answered, false);
        }
        // One waiting: fresh on some listings, long on others.
        let (q, _) = pairs[(n * 3 + 2) % pairs.len()];
        let buyer = world.new_buyer(site, rng);
        let minutes = if n % 2 == 0 {
            12 + n as i64 * 7
        } else {
            60 * (5 + n as i64 * 9)
        };
        let id = world
            .questions
            .insert(seller, buyer, &l.id, q, now - TimeDelta::minutes(minutes));
        if n == 0 {
            mark(world, "question_fresh", id);
        }
        if n == 5 {
            mark(world, "question_waiting_long", id);
        }
        // The same buyer asks again on the first listings: the buyer's other questions.
        if n < 2 {
            let (q2, _) = pairs[(n + 7) % pairs.len()];
            world.questions.insert(
                seller,
                buyer,
                &l.id,
                q2,
                now - TimeDelta::minutes(minutes - 5),
            );
        }
    }
    let Some(first) = listings.first() else {
        return;
    };
    let second = listings.get(1).unwrap_or(first);
    let third = listings.get(2).unwrap_or(first);

    // A buyer asked, was answered, then bought that listing.
    let (q, a) = pairs[3];
    let buyer = world.new_buyer(site, rng);
    let asked = now - TimeDelta::days(3);
    let id = world.questions.insert(seller, buyer, &second.id, q, asked);
    world
        .questions
        .answer(id, a, asked + TimeDelta::minutes(25), false);
    mark(world, "question_bought_later", id);
    let sale = NewSale::new(seller)
        .buyer(buyer)
        .created_minutes_ago(60 * 24 * 2);
    if let Ok(created) = world.create_sale(&sale, now) {
        for order_id in created.order_ids {
            if let Some(o) = world.order_mut(order_id) {
                o.item = second.index as u16;
            }
        }
    }

    // An answer moderation banned.
    let (q, a) = pairs[4];
    let buyer = world.new_buyer(site, rng);
    let asked = now - TimeDelta::days(6);
    let id = world.questions.insert(seller, buyer, &third.id, q, asked);
    world
        .questions
        .answer(id, a, asked + TimeDelta::hours(2), false);
    if let Some(answer) = world.questions.get_mut(id).and_then(|q| q.answer.as_mut()) {
        answer.status = AnswerStatus::Banned;
    }
    mark(world, "question_banned_answer", id);

    // On hold, under review, deleted, banned.
    let buyer = world.new_buyer(site, rng);
    let id = world.questions.insert(
        seller,
        buyer,
        &first.id,
        pairs[5].0,
        now - TimeDelta::hours(3),
    );
    if let Some(q) = world.questions.get_mut(id) {
        q.hold = true;
    }
    mark(world, "question_on_hold", id);
    let buyer = world.new_buyer(site, rng);
    let id = world.questions.insert(
        seller,
        buyer,
        &third.id,
        pairs[6].0,
        now - TimeDelta::hours(30),
    );
    if let Some(q) = world.questions.get_mut(id) {
        q.status = super::QuestionStatus::UnderReview;
    }
    mark(world, "question_under_review", id);
    let buyer = world.new_buyer(site, rng);
    let id = world.questions.insert(
        seller,
        buyer,
        &second.id,
        pairs[7].0,
        now - TimeDelta::days(9),
    );
    if let Some(q) = world.questions.get_mut(id) {
        q.status = super::QuestionStatus::Deleted;
        q.deleted_from_listing = true;
    }
    mark(world, "question_deleted", id);
    let buyer = world.new_buyer(site, rng);
    let id = world.questions.insert(
        seller,
        buyer,
        &first.id,
        "Escribime al 11 5555 1234 así hablamos por fuera",
        now - TimeDelta::days(4),
    );
    if let Some(q) = world.questions.get_mut(id) {
        q.status = super::QuestionStatus::Banned;
    }
    mark(world, "question_banned", id);

    // A listing that closed with a question never answered.
    if let Some(closed) = listings.get(DEMO_LISTINGS) {
        let buyer = world.new_buyer(site, rng);
        let id = world.questions.insert(
            seller,
            buyer,
            &closed.id,
            pairs[8].0,
            now - TimeDelta::days(12),
        );
        world
            .questions
            .close_item(&closed.id, now - TimeDelta::days(10));
        mark(world, "question_closed", id);
    }
}

/// `count` questions over the bulk world's sellers and listings across 300 days, oldest first:
/// most answered, one in ten waiting, a few banned or deleted. Askers are the world's buyers.
pub(crate) fn bulk(world: &mut World, now: DateTime<Utc>, count: u32) {
    let mut rng = Rng::new(world.seed ^ 0x0B0C);
    let sellers = world.sellers.clone();
    let buyers: Vec<u64> = world.orders.iter().map(|o| o.buyer).take(5_000).collect();
    let span_minutes = 300 * 24 * 60_i64;
    for n in 0..count {
        let Some(&seller) = sellers.get(n as usize % sellers.len().max(1)) else {
            return;
        };
        let Some(site) = world.users.get(&seller).map(|u| u.site) else {
            continue;
        };
        let listings = listings_of(world, seller);
        let Some(l) = listings.get(rng.below(listings.len() as u64) as usize) else {
            continue;
        };
        let pairs = if site.portuguese { QA_PT } else { QA_ES };
        let (q, a) = *rng.pick(pairs);
        let buyer = match buyers.get(rng.below(buyers.len().max(1) as u64) as usize) {
            Some(&b) => b,
            None => world.new_buyer(site, &mut rng),
        };
        let ago = span_minutes - i64::from(n) * span_minutes / i64::from(count.max(1));
        let asked = now - TimeDelta::minutes(ago.max(1));
        let text = format!("{q} (#{n})");
        let id = world.questions.insert(seller, buyer, &l.id, &text, asked);
        let roll = rng.below(100);
        if roll < 85 && ago > 700 {
            world.questions.answer(
                id,
                a,
                asked + TimeDelta::minutes(5 + rng.below(600) as i64),
                false,
            );
        } else if roll < 88 {
            if let Some(q) = world.questions.get_mut(id) {
                q.status = super::QuestionStatus::Banned;
            }
        } else if roll < 90 {
            if let Some(q) = world.questions.get_mut(id) {
                q.status = super::QuestionStatus::Deleted;
                q.deleted_from_listing = true;
            }
        }
    }
}
