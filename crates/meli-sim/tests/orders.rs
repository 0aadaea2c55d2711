mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use common::{send, Harness};
use meli_sim::{LogisticType, NewSale, OrderStatus, Scenario, SimConfig, SELLER_MLA, SELLER_MLB};
use serde_json::Value;

fn start_time() -> DateTime<Utc> {
    "2026-03-10T10:30:00Z".parse().expect("time")
}

async fn harness_at_start_time() -> Harness {
    Harness::start(SimConfig {
        start_time: Some(start_time()),
        ..SimConfig::empty()
    })
    .await
}

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../../shared/meli-fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("object").keys().cloned().collect()
}

fn ids(body: &Value) -> Vec<u64> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|o| o["id"].as_u64().expect("id"))
        .collect()
}

#[tokio::test]
async fn search_has_the_published_shape() {
    let h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let (status, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}"))).await;
    assert_eq!(status, 200, "{body}");
    let published = fixture("orders_search.json");
    assert_eq!(keys(&body), keys(&published));
    let order = &body["results"][0];
    let missing: Vec<_> = keys(&published["results"][0])
        .difference(&keys(order))
        .cloned()
        .collect();
    assert!(missing.is_empty(), "order lacks {missing:?}");
    assert_eq!(order["id"], sale.order_ids[0]);
    assert_eq!(order["buyer"]["id"], sale.buyer_id);
    assert_eq!(order["status"], "paid");
    assert_eq!(order["currency_id"], "ARS");
    assert_eq!(order["shipping"]["id"], sale.shipment_id);
    assert_eq!(order["payments"][0]["status"], "approved");
    assert_eq!(
        body["paging"],
        serde_json::json!({"total": 1, "offset": 0, "limit": 50})
    );
    assert_eq!(body["sort"]["id"], "date_asc");
}

#[tokio::test]
async fn seller_searches_drop_cancelled_orders_unless_asked() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let paid = ctl.create_sale(NewSale::new(SELLER_MLA)).expect("sale");
    let cancelled = ctl
        .create_sale(NewSale::new(SELLER_MLA).status(OrderStatus::Cancelled))
        .expect("sale");
    let invalid = ctl
        .create_sale(NewSale::new(SELLER_MLA).status(OrderStatus::Invalid))
        .expect("sale");
    let (_, plain) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}"))).await;
    let sorted = |mut v: Vec<u64>| {
        v.sort_unstable();
        v
    };
    assert_eq!(
        sorted(ids(&plain)),
        [paid.order_ids[0], invalid.order_ids[0]]
    );
    let (_, asked) = send(h.get(&format!(
        "/orders/search?seller={SELLER_MLA}&order.status=paid,cancelled"
    )))
    .await;
    assert_eq!(
        sorted(ids(&asked)),
        [paid.order_ids[0], cancelled.order_ids[0]]
    );
}

#[tokio::test]
async fn the_lenient_switch_keeps_cancelled_orders() {
    let h = Harness::start(SimConfig {
        strict_cancelled_filter: false,
        ..SimConfig::empty()
    })
    .await;
    h.sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).status(OrderStatus::Cancelled))
        .expect("sale");
    let (_, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}"))).await;
    assert_eq!(body["paging"]["total"], 1);
}

#[tokio::test]
async fn date_filters_keep_only_the_hour() {
    let h = harness_at_start_time().await;
    // Created 10:30, paid 10:33: last updated at 10:33.
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).created_minutes_ago(0))
        .expect("sale");
    let search = |query: &str| h.get(&format!("/orders/search?seller={SELLER_MLA}&{query}"));
    let (_, body) = send(search(
        "order.date_last_updated.from=2026-03-10T10:59:59.000-00:00",
    ))
    .await;
    assert_eq!(ids(&body), sale.order_ids, "10:59:59 counts as 10:00");
    let (_, body) = send(search(
        "order.date_last_updated.from=2026-03-10T11:00:00.000-00:00",
    ))
    .await;
    assert!(ids(&body).is_empty());
    let (_, body) = send(search(
        "order.date_last_updated.to=2026-03-10T10:45:00.000-00:00",
    ))
    .await;
    assert!(ids(&body).is_empty(), "10:45 counts as 10:00, before 10:33");
    let (_, body) = send(search(
        "order.date_created.from=2026-03-10T07:10:00.000-03:00",
    ))
    .await;
    assert_eq!(
        ids(&body),
        sale.order_ids,
        "offsets are honoured: 07:10-03:00 is 10:00Z"
    );
    let (status, _) = send(search("order.date_created.from=yesterday")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn paging_sorting_and_limits() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let mut created = Vec::new();
    for minutes in [300, 200, 100] {
        let sale = ctl
            .create_sale(NewSale::new(SELLER_MLA).created_minutes_ago(minutes))
            .expect("sale");
        created.push(sale.order_ids[0]);
    }
    let (_, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}&limit=2"))).await;
    assert_eq!(ids(&body), created[..2]);
    assert_eq!(
        body["paging"],
        serde_json::json!({"total": 3, "offset": 0, "limit": 2})
    );
    let (_, body) = send(h.get(&format!(
        "/orders/search?seller={SELLER_MLA}&limit=2&offset=2"
    )))
    .await;
    assert_eq!(ids(&body), created[2..]);
    let (_, body) = send(h.get(&format!(
        "/orders/search?seller={SELLER_MLA}&sort=date_desc"
    )))
    .await;
    let mut reversed = created.clone();
    reversed.reverse();
    assert_eq!(ids(&body), reversed);
    assert_eq!(body["sort"]["id"], "date_desc");
    let (status, _) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}&limit=51"))).await;
    assert_eq!(status, 400);
    let (status, _) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}&offset=x"))).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn search_is_only_for_the_callers_own_sales() {
    let h = Harness::empty().await;
    let (status, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLB}"))).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "caller.id.invalid");
    let (status, _) = send(h.get("/orders/search")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn order_by_id_and_its_errors() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let mine = ctl.create_sale(NewSale::new(SELLER_MLA)).expect("sale");
    let theirs = ctl.create_sale(NewSale::new(SELLER_MLB)).expect("sale");
    let (status, order) = send(h.get(&format!("/orders/{}", mine.order_ids[0]))).await;
    assert_eq!(status, 200);
    assert_eq!(order["seller"]["id"], SELLER_MLA);
    let (status, body) = send(h.get(&format!("/orders/{}", theirs.order_ids[0]))).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("not_owned_order"))
    );
    let (status, body) = send(h.get("/orders/2000009999999999")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("order_not_found"))
    );
    let (status, body) = send(h.get("/orders/abc")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_order_id"))
    );
}

#[tokio::test]
async fn packs_have_the_published_shape_and_are_per_seller() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let sale = ctl
        .create_sale(NewSale::new(SELLER_MLA).orders(3))
        .expect("sale");
    let pack_id = sale.pack_id.expect("a pack");
    let (status, pack) = send(h.get(&format!("/packs/{pack_id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(keys(&pack), keys(&fixture("pack.json")));
    assert_eq!(pack["orders"].as_array().expect("orders").len(), 3);
    assert_eq!(pack["status"], "released");
    assert_eq!(pack["shipment"]["id"], sale.shipment_id);
    let (_, order) = send(h.get(&format!("/orders/{}", sale.order_ids[1]))).await;
    assert_eq!(order["pack_id"], pack_id);

    let theirs = ctl
        .create_sale(NewSale::new(SELLER_MLB).orders(2))
        .expect("sale");
    let (status, _) = send(h.get(&format!("/packs/{}", theirs.pack_id.expect("pack")))).await;
    assert_eq!(status, 403);
    let (status, _) = send(h.get("/packs/1")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn shipments_report_status_and_logistic_type() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let sale = ctl
        .create_sale(NewSale::new(SELLER_MLA).logistic(LogisticType::Fulfillment))
        .expect("sale");
    let (status, shipment) = send(h.get(&format!("/shipments/{}", sale.shipment_id))).await;
    assert_eq!(status, 200);
    assert_eq!(shipment["logistic_type"], "fulfillment");
    assert_eq!(shipment["mode"], "me2");
    assert_eq!(shipment["status"], "ready_to_ship");
    ctl.deliver(sale.order_ids[0]).expect("deliver");
    let (_, shipment) = send(h.get(&format!("/shipments/{}", sale.shipment_id))).await;
    assert_eq!(shipment["status"], "delivered");
    let theirs = ctl.create_sale(NewSale::new(SELLER_MLB)).expect("sale");
    let (status, _) = send(h.get(&format!("/shipments/{}", theirs.shipment_id))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn buyer_actions_change_the_order() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let sale = ctl
        .create_sale(NewSale::new(SELLER_MLA).status(OrderStatus::PaymentRequired))
        .expect("sale");
    let id = sale.order_ids[0];
    let (_, order) = send(h.get(&format!("/orders/{id}"))).await;
    assert_eq!(order["status"], "payment_required");
    assert!(order["date_closed"].is_null());
    ctl.buyer_pays(id).expect("pays");
    let (_, order) = send(h.get(&format!("/orders/{id}"))).await;
    assert_eq!(order["status"], "paid");
    assert!(order["date_closed"].is_string());
    ctl.buyer_cancels(id).expect("cancels");
    let (_, order) = send(h.get(&format!("/orders/{id}"))).await;
    assert_eq!(order["status"], "cancelled");
}

#[tokio::test]
async fn demo_has_every_status_on_both_sites() {
    let mut h = Harness::start(SimConfig::demo()).await;
    for seller in [SELLER_MLA, SELLER_MLB] {
        h.as_user(seller);
        let mut statuses = BTreeSet::new();
        let mut offset = 0;
        loop {
            let (status, body) = send(h.get(&format!(
                "/orders/search?seller={seller}&order.status=confirmed,payment_required,payment_in_process,partially_paid,paid,partially_refunded,pending_cancel,cancelled,invalid&offset={offset}"
            )))
            .await;
            assert_eq!(status, 200);
            for o in body["results"].as_array().expect("results") {
                statuses.insert(o["status"].as_str().expect("status").to_owned());
            }
            offset += 50;
            if offset as u64 >= body["paging"]["total"].as_u64().expect("total") {
                assert!(offset >= 150, "a few hundred orders in all");
                break;
            }
        }
        assert_eq!(statuses.len(), 9, "{seller}: {statuses:?}");
    }
}

#[tokio::test]
async fn the_same_seed_builds_the_same_world() {
    let a = Harness::start(SimConfig::demo()).await;
    let b = Harness::start(SimConfig::demo()).await;
    let path = format!("/orders/search?seller={SELLER_MLA}&limit=50&offset=40");
    let (_, x) = send(a.get(&path)).await;
    let (_, y) = send(b.get(&path)).await;
    assert_eq!(ids(&x), ids(&y));
    assert_eq!(
        x["results"][3]["order_items"][0]["item"]["title"],
        y["results"][3]["order_items"][0]["item"]["title"]
    );
    assert_eq!(
        a.sim.control().summary().landmarks,
        b.sim.control().summary().landmarks
    );
    let c = Harness::start(SimConfig {
        seed: 99,
        ..SimConfig::demo()
    })
    .await;
    let (_, z) = send(c.get(&path)).await;
    assert_ne!(
        x["results"].to_string(),
        z["results"].to_string(),
        "another seed, another world"
    );
}

#[tokio::test]
async fn bulk_builds_100k_orders() {
    // How fast is the benchmarks' business (`cargo xtask bench`); here, only that it ends.
    let h = tokio::time::timeout(
        std::time::Duration::from_secs(300),
        Harness::start(SimConfig {
            scenario: Scenario::Bulk {
                orders: 100_000,
                messages_per_order: 6,
            },
            ..SimConfig::default()
        }),
    )
    .await
    .expect("the bulk world is built");
    assert_eq!(h.sim.control().summary().orders, 100_000);
    let (status, body) = send(h.get(&format!(
        "/orders/search?seller={SELLER_MLA}&order.status=paid,cancelled,payment_required,partially_refunded"
    )))
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["paging"]["total"], 50_000);
}

#[tokio::test]
async fn q_and_tags_filter_searches() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let paid = ctl.create_sale(NewSale::new(SELLER_MLA)).expect("sale");
    let unpaid = ctl
        .create_sale(NewSale::new(SELLER_MLA).status(OrderStatus::PaymentRequired))
        .expect("sale");
    let (_, body) = send(h.get(&format!(
        "/orders/search?seller={SELLER_MLA}&q={}",
        unpaid.order_ids[0]
    )))
    .await;
    assert_eq!(ids(&body), unpaid.order_ids);
    assert_eq!(body["query"], unpaid.order_ids[0].to_string());
    let (_, buyer) = send(h.get(&format!("/users/{}", paid.buyer_id))).await;
    let nickname = buyer["nickname"].as_str().expect("nickname");
    let (_, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}&q={nickname}"))).await;
    assert_eq!(ids(&body), paid.order_ids);
    let (_, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}&tags=paid"))).await;
    assert_eq!(ids(&body), paid.order_ids);
    let (_, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}&tags.not=paid"))).await;
    assert_eq!(ids(&body), unpaid.order_ids);
}

#[tokio::test]
async fn searches_keep_only_the_last_12_months() {
    let mut h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    h.sim
        .control()
        .advance_clock(std::time::Duration::from_secs(366 * 24 * 3600));
    h.as_user(SELLER_MLA);
    let (_, body) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}"))).await;
    assert_eq!(body["paging"]["total"], 0);
    let (status, _) = send(h.get(&format!("/orders/{}", sale.order_ids[0]))).await;
    assert_eq!(status, 200, "the order itself is still there");
}

#[tokio::test]
async fn searches_page_no_further_than_the_1000th_result() {
    let h = Harness::empty().await;
    let base = format!("/orders/search?seller={SELLER_MLA}");
    let (status, _) = send(h.get(&format!("{base}&offset=950&limit=50"))).await;
    assert_eq!(status, 200, "the last page within the cap");
    for (offset, limit) in [(951, 50), (1000, 1), (1001, 1), (5000, 50)] {
        let (status, body) = send(h.get(&format!("{base}&offset={offset}&limit={limit}"))).await;
        assert_eq!(status, 400, "offset {offset} limit {limit}: {body}");
        assert_eq!(body["error"], "bad_request");
        assert_eq!(body["status"], 400);
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Invalid offset param")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn the_invalid_status_switch_refuses_searches_that_name_it() {
    let h = Harness::empty().await;
    h.sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let with = format!("/orders/search?seller={SELLER_MLA}&order.status=paid,invalid");
    let without = format!("/orders/search?seller={SELLER_MLA}&order.status=paid");
    assert_eq!(send(h.get(&with)).await.0, 200, "off: accepted");
    h.sim.control().set_switches(&meli_sim::SwitchChange {
        refuse_invalid_status: Some(true),
        ..Default::default()
    });
    let (status, body) = send(h.get(&with)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["message"], "Invalid order.status value: invalid");
    assert_eq!(send(h.get(&without)).await.0, 200, "other statuses pass");
    assert!(
        !meli_sim::SwitchState::default().refuse_invalid_status,
        "off by default"
    );
}

#[tokio::test]
async fn a_partial_order_answers_206_naming_what_it_lacks() {
    let h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let path = format!("/orders/{}", sale.order_ids[0]);
    let complete = h.get(&path).send().await.expect("answer");
    assert_eq!(complete.status(), 200);
    assert!(complete.headers().get("x-content-missing").is_none());
    h.sim.control().set_switches(&meli_sim::SwitchChange {
        partial_fields: Some(vec!["buyer".into(), "shipping".into()]),
        ..Default::default()
    });
    for path in [path, format!("/orders/search?seller={SELLER_MLA}")] {
        let answer = h.get(&path).send().await.expect("answer");
        assert_eq!(answer.status(), 206, "{path}");
        assert_eq!(
            answer
                .headers()
                .get("x-content-missing")
                .and_then(|v| v.to_str().ok()),
            Some("buyer, shipping")
        );
        let body: Value = answer.json().await.expect("json");
        let order = body.get("results").map_or(&body, |r| &r[0]);
        assert!(
            order.get("buyer").is_none() && order.get("shipping").is_none(),
            "{order}"
        );
        assert_eq!(order["status"], "paid", "the rest is there");
    }
}

#[tokio::test]
async fn with_the_switch_shipments_move_on_the_clock() {
    /// Status and substatus now; a fresh token each time, for the clock jumps days.
    async fn read(h: &mut Harness, path: &str) -> (Option<String>, Value) {
        h.as_user(SELLER_MLA);
        let (status, body) = send(h.get(path).header("x-format-new", "true")).await;
        assert_eq!(status, 200, "{body}");
        (
            body["status"].as_str().map(str::to_owned),
            body["substatus"].clone(),
        )
    }
    let mut h = harness_at_start_time().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).created_minutes_ago(0))
        .expect("sale");
    let path = format!("/shipments/{}", sale.shipment_id);
    let control = h.sim.control();
    assert_eq!(
        read(&mut h, &path).await.0.as_deref(),
        Some("ready_to_ship")
    );
    control.advance_clock(std::time::Duration::from_secs(30 * 3600));
    assert_eq!(
        read(&mut h, &path).await.0.as_deref(),
        Some("ready_to_ship"),
        "off: it stays"
    );
    control.set_switches(&meli_sim::SwitchChange {
        moving_shipments: Some(true),
        ..Default::default()
    });
    assert_eq!(
        read(&mut h, &path).await.0.as_deref(),
        Some("shipped"),
        "24 h after it was ready"
    );
    control.advance_clock(std::time::Duration::from_secs(38 * 3600));
    let (status, substatus) = read(&mut h, &path).await;
    assert_eq!(
        (status.as_deref(), substatus.as_str()),
        (Some("shipped"), Some("out_for_delivery"))
    );
    control.advance_clock(std::time::Duration::from_secs(5 * 3600));
    assert_eq!(
        read(&mut h, &path).await.0.as_deref(),
        Some("delivered"),
        "48 h after it shipped"
    );
}

#[tokio::test]
async fn a_claim_shows_in_the_order_and_the_conversation() {
    let h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let (_, order) = send(h.get(&format!("/orders/{}", sale.order_ids[0]))).await;
    assert_eq!(order["mediations"], serde_json::json!([]));
    let claim = h
        .sim
        .control()
        .open_claim(sale.conversation_id)
        .expect("claim");
    let (_, order) = send(h.get(&format!("/orders/{}", sale.order_ids[0]))).await;
    assert_eq!(order["mediations"], serde_json::json!([{ "id": claim }]));
    let (_, page) = send(h.get(&common::conversation(sale.conversation_id, SELLER_MLA))).await;
    assert_eq!(page["conversation_status"]["claim_id"], claim);
}
