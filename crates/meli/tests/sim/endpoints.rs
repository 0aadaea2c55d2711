//! Every endpoint the client offers, happy path and documented errors.

use bytes::Bytes;
use meli::models::{MessageStatus, OrderStatus, PackStatus};
use meli::{MeliError, MessagesPage, OrderQuery, SendMessage};
use meli_sim::{LogisticType, NewSale, SELLER_MLA, SELLER_MLB};

use crate::support::*;

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[tokio::test]
async fn users_me_and_by_id() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let me = client.me().await.expect("me");
    assert_eq!(me.id, SELLER);
    assert_eq!(me.site_id.as_deref(), Some("MLA"));
    assert!(me.nickname.is_some());
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let buyer = client.user(sale.buyer_id as i64).await.expect("buyer");
    assert_eq!(buyer.id, sale.buyer_id as i64);
    assert!(buyer.display_name().is_some());
}

#[tokio::test]
async fn order_search_filters_statuses_dates_sort_and_paging() {
    // A fixed half-past clock and sales hours apart keep the hour-granular filter unambiguous.
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-20T15:30:00Z")
        .expect("time")
        .with_timezone(&chrono::Utc);
    let sim = sim_with(meli_sim::SimConfig {
        start_time: Some(start),
        ..meli_sim::SimConfig::empty()
    })
    .await;
    let control = sim.control();
    let paid = control
        .create_sale(NewSale::new(SELLER_MLA).created_minutes_ago(600))
        .expect("paid");
    let cancelled = control
        .create_sale(
            NewSale::new(SELLER_MLA)
                .status(meli_sim::OrderStatus::Cancelled)
                .created_minutes_ago(360),
        )
        .expect("cancelled");
    let pending = control
        .create_sale(
            NewSale::new(SELLER_MLA)
                .status(meli_sim::OrderStatus::PaymentRequired)
                .created_minutes_ago(60),
        )
        .expect("pending");
    control
        .create_sale(NewSale::new(SELLER_MLB))
        .expect("another seller's sale");
    let (client, _) = connected(&sim);

    let all = client
        .search_orders(&OrderQuery::seller(SELLER))
        .await
        .expect("search");
    let ids: Vec<i64> = all.results.iter().map(|o| o.id).collect();
    for sale in [&paid, &cancelled, &pending] {
        assert!(
            ids.contains(&(sale.order_ids[0] as i64)),
            "{ids:?} lacks {:?}",
            sale.order_ids
        );
    }
    assert_eq!(
        all.paging.total,
        Some(3),
        "only this seller's orders, cancelled included"
    );
    let cancelled_order = all
        .results
        .iter()
        .find(|o| o.id == cancelled.order_ids[0] as i64)
        .expect("cancelled");
    assert_eq!(cancelled_order.status, Some(OrderStatus::Cancelled));

    let mut only_paid = OrderQuery::seller(SELLER);
    only_paid.statuses = vec![OrderStatus::Paid];
    let page = client.search_orders(&only_paid).await.expect("search");
    assert_eq!(
        page.results.iter().map(|o| o.id).collect::<Vec<_>>(),
        vec![paid.order_ids[0] as i64]
    );

    let mut recent = OrderQuery::seller(SELLER);
    recent.created_from = Some(sim.control().now() - chrono::Duration::minutes(150));
    let page = client.search_orders(&recent).await.expect("search");
    assert_eq!(
        page.paging.total,
        Some(1),
        "hour-granular: from 13:00 keeps the sale of 14:30 only"
    );
    assert_eq!(page.results[0].id, pending.order_ids[0] as i64);

    let mut newest_first = OrderQuery::seller(SELLER);
    newest_first.sort = Some(meli::OrderSort::DateDesc);
    newest_first.limit = 1;
    newest_first.offset = 1;
    let page = client.search_orders(&newest_first).await.expect("search");
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.paging.offset, Some(1));
    assert_eq!(page.paging.total, Some(3));

    let mut updated = OrderQuery::seller(SELLER);
    updated.last_updated_from = Some(sim.control().now() + chrono::Duration::hours(2));
    let page = client.search_orders(&updated).await.expect("search");
    assert!(page.results.is_empty());

    let mut bad = OrderQuery::seller(SELLER);
    bad.limit = 0;
    let err = client.search_orders(&bad).await.expect_err("limit 0");
    assert_eq!(err.code(), "bad_request", "{err:?}");
}

#[tokio::test]
async fn order_pack_and_shipment_by_id() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).orders(2))
        .expect("pack sale");
    let (client, _) = connected(&sim);
    let order = client.order(sale.order_ids[0] as i64).await.expect("order");
    assert_eq!(order.pack_id, sale.pack_id.map(|p| p as i64));
    assert_eq!(order.conversation_id(), sale.conversation_id as i64);
    assert_eq!(order.buyer_id(), Some(sale.buyer_id as i64));
    assert!(!order.raw.is_null(), "raw JSON kept");
    let pack = client
        .pack(sale.pack_id.expect("pack") as i64)
        .await
        .expect("pack");
    assert_eq!(pack.order_ids().len(), 2);
    assert_eq!(pack.status, Some(PackStatus::Released));
    let shipment = client
        .shipment(sale.shipment_id as i64)
        .await
        .expect("shipment");
    assert_eq!(shipment.id, sale.shipment_id as i64);
    assert!(shipment.status.is_some());

    let missing = client.order(1).await.expect_err("no such order");
    assert!(matches!(missing, MeliError::NotFound { .. }), "{missing:?}");
    let other = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLB))
        .expect("other");
    let denied = client
        .order(other.order_ids[0] as i64)
        .await
        .expect_err("not ours");
    assert!(matches!(denied, MeliError::Forbidden { .. }), "{denied:?}");
    let missing = client.pack(1).await.expect_err("no such pack");
    assert_eq!(missing.code(), "not_found");
}

#[tokio::test]
async fn messages_paging_and_mark_as_read() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("lone order");
    assert_eq!(sale.pack_id, None);
    let id = sale.conversation_id;
    for i in 0..5 {
        sim.control()
            .buyer_writes(id, &format!("pregunta {i}"), None)
            .expect("buyer writes");
    }
    let (client, _) = connected(&sim);
    let page = MessagesPage {
        offset: 0,
        limit: 2,
        mark_as_read: false,
    };
    let first = client
        .messages(id as i64, SELLER, page)
        .await
        .expect("page 1");
    assert_eq!(first.messages.len(), 2);
    assert_eq!(first.paging.total, Some(5));
    let second = client
        .messages(id as i64, SELLER, MessagesPage { offset: 2, ..page })
        .await
        .expect("page 2");
    assert_eq!(second.messages.len(), 2);
    assert!(first
        .messages
        .iter()
        .all(|m| !second.messages.iter().any(|n| n.id == m.id)));
    assert!(
        first.messages.iter().all(|m| m.message_date.read.is_none()),
        "reading for the cache marks nothing"
    );

    let unread = client.unread().await.expect("unread");
    let entry = unread
        .results
        .iter()
        .find(|u| u.pack_id() == Some(id as i64))
        .expect("listed as unread");
    assert_eq!(entry.count, Some(5));

    client
        .mark_read(id as i64, SELLER)
        .await
        .expect("mark read");
    let unread = client.unread().await.expect("unread");
    assert!(
        unread
            .results
            .iter()
            .all(|u| u.pack_id() != Some(id as i64)),
        "{unread:?}"
    );
    let query = sim
        .control()
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.contains("/messages/packs/"))
        .expect("logged");
    assert!(query
        .query
        .as_deref()
        .unwrap_or("")
        .contains("tag=post_sale"));

    let bad = client
        .messages(id as i64, SELLER, MessagesPage { limit: 0, ..page })
        .await
        .expect_err("limit 0");
    assert_eq!(bad.code(), "bad_request");
    let other = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLB))
        .expect("other");
    let denied = client
        .messages(other.conversation_id as i64, SELLER, page)
        .await
        .expect_err("not ours");
    assert!(matches!(denied, MeliError::Forbidden { .. }), "{denied:?}");
}

#[tokio::test]
async fn replying_with_an_attachment_and_downloading_it() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let id = sale.conversation_id as i64;
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Cuándo llega?", None)
        .expect("buyer writes");
    let (client, _) = connected(&sim);
    let seller = client.interactive();

    let uploaded = seller
        .upload_attachment("guia.png", "image/png", Bytes::from_static(PNG))
        .await
        .expect("upload");
    assert!(uploaded.id.ends_with(".png"), "{}", uploaded.id);
    let logged = sim
        .control()
        .requests()
        .into_iter()
        .find(|r| r.path == "/messages/attachments")
        .expect("logged");
    assert!(logged
        .query
        .as_deref()
        .unwrap_or("")
        .contains("site_id=MLA"));

    let reply = SendMessage {
        from: SELLER,
        to: sale.buyer_id as i64,
        text: "Llega mañana, te dejo la guía.".into(),
        attachments: vec![uploaded.id.clone()],
    };
    let sent = seller
        .send_message(id, SELLER, &reply)
        .await
        .expect("sent")
        .expect("message in answer");
    assert_eq!(sent.text.as_deref(), Some("Llega mañana, te dejo la guía."));
    assert_eq!(
        sim.control()
            .buyer_sees(sale.conversation_id)
            .expect("buyer view"),
        vec![reply.text.clone()]
    );

    let page = client
        .messages(id, SELLER, MessagesPage::default())
        .await
        .expect("conversation");
    let mine = page
        .messages
        .iter()
        .find(|m| m.from_user_id() == Some(SELLER))
        .expect("our message");
    assert_eq!(mine.message_attachments[0].filename, uploaded.id);
    assert_eq!(mine.status, Some(MessageStatus::Available));
    let file = client
        .download_attachment(&uploaded.id)
        .await
        .expect("download");
    assert_eq!(&file[..], PNG);

    let not_a_picture = seller
        .upload_attachment(
            "x.exe",
            "application/octet-stream",
            Bytes::from_static(b"MZ\x90\0\x03"),
        )
        .await;
    assert_eq!(
        not_a_picture.expect_err("refused").code(),
        "attachment_rejected"
    );
    let mut huge = PNG.to_vec();
    huge.resize(25 * 1024 * 1024 + 1, 0);
    let too_big = seller
        .upload_attachment("big.png", "image/png", Bytes::from(huge))
        .await;
    assert_eq!(
        too_big.expect_err("over 25 MB").code(),
        "attachment_rejected"
    );
}

#[tokio::test]
async fn sending_errors_come_back_by_meaning() {
    let sim = sim().await;
    let control = sim.control();
    let (client, _) = connected(&sim);
    let message =
        |sale: &meli_sim::CreatedSale, text: &str, attachments: Vec<String>| SendMessage {
            from: SELLER,
            to: sale.buyer_id as i64,
            text: text.into(),
            attachments,
        };

    // Mercado Envíos 2: the seller may not start the conversation.
    let me2 = control
        .create_sale(NewSale::new(SELLER_MLA).logistic(LogisticType::DropOff))
        .expect("sale");
    let err = client
        .send_message(
            me2.conversation_id as i64,
            SELLER,
            &message(&me2, "Hola", vec![]),
        )
        .await
        .expect_err("me2");
    assert_eq!(err.code(), "action_guide_required", "{err:?}");

    let open = control.create_sale(NewSale::new(SELLER_MLA)).expect("sale");
    control
        .buyer_writes(open.conversation_id, "hola", None)
        .expect("buyer writes");
    let long = "a".repeat(351);
    let err = client
        .send_message(
            open.conversation_id as i64,
            SELLER,
            &message(&open, &long, vec![]),
        )
        .await
        .expect_err("long");
    assert!(matches!(err, MeliError::TextTooLong { .. }), "{err:?}");
    let err = client
        .send_message(
            open.conversation_id as i64,
            SELLER,
            &message(&open, "ver adjunto", vec!["nope.pdf".into()]),
        )
        .await
        .expect_err("bad attachment");
    assert!(
        matches!(err, MeliError::AttachmentInvalid { .. }),
        "{err:?}"
    );

    control
        .block_conversation(open.conversation_id, "blocked_by_mediation")
        .expect("block");
    let err = client
        .send_message(
            open.conversation_id as i64,
            SELLER,
            &message(&open, "hola", vec![]),
        )
        .await
        .expect_err("blocked");
    assert!(
        matches!(err, MeliError::ConversationBlocked { .. }),
        "{err:?}"
    );
    let page = client
        .messages(open.conversation_id as i64, SELLER, MessagesPage::default())
        .await
        .expect("read");
    let status = page.conversation_status.expect("status");
    assert!(status.is_blocked());
    assert_eq!(status.substatus.as_deref(), Some("blocked_by_mediation"));
    assert_eq!(
        count(&sim, "POST /messages/packs/{pack_id}/sellers/{seller_id}"),
        4,
        "no send was retried"
    );
}
