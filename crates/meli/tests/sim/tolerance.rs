//! The simulator's "quirks" fault rewrites real answers the ways Mercado Libre's JSON varies
//! (string ids, upper-case statuses, null or missing optional fields, unknown fields): every
//! model must read the same meaning from both.

use meli::models::{OptionId, OptionRequest};
use meli::{MessagesPage, OrderQuery, SendMessage};
use meli_sim::{FaultKind, FaultRule, LogisticType, NewSale, SELLER_MLA};

use crate::support::*;

fn quirk_next(sim: &meli_sim::Simulator, path: &str) {
    sim.control()
        .inject_fault(FaultRule::next(1, path, FaultKind::Quirks));
}

#[tokio::test]
async fn every_read_means_the_same_with_quirks() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).orders(2))
        .expect("pack sale");
    let id = sale.conversation_id;
    sim.control()
        .buyer_writes(id, "¿Tenés factura A?", None)
        .expect("buyer writes");
    let (client, _) = connected(&sim);
    let page = MessagesPage::default();

    let plain = client.me().await.expect("me");
    quirk_next(&sim, "/users/me");
    let quirky = client.me().await.expect("me with quirks");
    assert_eq!(
        (quirky.id, quirky.nickname.clone()),
        (plain.id, plain.nickname.clone())
    );
    assert_eq!(
        quirky.raw["id"],
        serde_json::json!(plain.id.to_string()),
        "the quirk really applied"
    );

    let plain = client
        .search_orders(&OrderQuery::seller(SELLER))
        .await
        .expect("search");
    quirk_next(&sim, "/orders/search");
    let quirky = client
        .search_orders(&OrderQuery::seller(SELLER))
        .await
        .expect("search with quirks");
    assert_eq!(quirky.results.len(), plain.results.len());
    for (a, b) in plain.results.iter().zip(&quirky.results) {
        assert_eq!(
            (a.id, &a.status, a.buyer_id()),
            (b.id, &b.status, b.buyer_id())
        );
    }

    let order_id = sale.order_ids[0];
    let plain = client.order(order_id as i64).await.expect("order");
    quirk_next(&sim, &format!("/orders/{order_id}"));
    let quirky = client
        .order(order_id as i64)
        .await
        .expect("order with quirks");
    assert_eq!(
        (quirky.id, &quirky.status, quirky.total_amount),
        (plain.id, &plain.status, plain.total_amount)
    );
    assert_eq!(quirky.pack_id, plain.pack_id, "a pack id sent as a string");
    assert_eq!(quirky.conversation_id(), id as i64);

    let pack_id = sale.pack_id.expect("pack") as i64;
    let plain = client.pack(pack_id).await.expect("pack");
    quirk_next(&sim, &format!("/packs/{pack_id}"));
    let quirky = client.pack(pack_id).await.expect("pack with quirks");
    assert_eq!(
        (quirky.order_ids(), &quirky.status),
        (plain.order_ids(), &plain.status)
    );

    let plain = client
        .shipment(sale.shipment_id as i64)
        .await
        .expect("shipment");
    quirk_next(&sim, &format!("/shipments/{}", sale.shipment_id));
    let quirky = client
        .shipment(sale.shipment_id as i64)
        .await
        .expect("shipment with quirks");
    assert_eq!(quirky.status, plain.status);

    let plain = client
        .messages(id as i64, SELLER, page)
        .await
        .expect("messages");
    quirk_next(&sim, "/messages/packs/");
    let quirky = client
        .messages(id as i64, SELLER, page)
        .await
        .expect("messages with quirks");
    assert_eq!(quirky.messages.len(), plain.messages.len());
    let (a, b) = (&plain.messages[0], &quirky.messages[0]);
    assert_eq!(
        (&a.id, a.from_user_id(), &a.status, &a.text),
        (&b.id, b.from_user_id(), &b.status, &b.text)
    );
    assert_eq!(
        quirky.conversation_status.and_then(|c| c.status),
        plain.conversation_status.and_then(|c| c.status)
    );

    let plain = client.unread().await.expect("unread");
    quirk_next(&sim, "/messages/unread");
    let quirky = client.unread().await.expect("unread with quirks");
    assert_eq!(quirky.user_id, plain.user_id);
    assert_eq!(quirky.results, plain.results);
}

#[tokio::test]
async fn sent_messages_parse_with_quirks() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).logistic(LogisticType::DropOff))
        .expect("sale");
    let id = sale.conversation_id;
    let (client, _) = connected(&sim);

    quirk_next(&sim, "/messages/action_guide/");
    let guide = client
        .action_guide(id as i64)
        .await
        .expect("guide with quirks");
    assert!(guide.options.iter().any(|o| o.id == OptionId::OtherReason));
    quirk_next(&sim, "/messages/action_guide/");
    let caps = client
        .caps_available(id as i64)
        .await
        .expect("caps with quirks");
    assert!(!caps.is_empty());

    quirk_next(&sim, "/messages/action_guide/");
    let sent = client
        .send_option(
            id as i64,
            &OptionRequest::free_text(OptionId::OtherReason, "Hola, ¿qué color?"),
        )
        .await
        .expect("option with quirks");
    assert_eq!(sent.to_user_id(), Some(sale.buyer_id as i64));
    assert_eq!(sent.status, Some(meli::models::MessageStatus::Available));

    sim.control()
        .buyer_writes(id, "Azul", None)
        .expect("buyer replies");
    quirk_next(&sim, "/messages/packs/");
    let reply = SendMessage {
        from: SELLER,
        to: sale.buyer_id as i64,
        text: "¡Listo!".into(),
        attachments: vec![],
    };
    let sent = client
        .send_message(id as i64, SELLER, &reply)
        .await
        .expect("send with quirks")
        .expect("message");
    assert_eq!(sent.text.as_deref(), Some("¡Listo!"));
}
