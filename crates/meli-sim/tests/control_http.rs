//! The `/_sim/` control API, as an end-to-end test outside the process would use it.

mod common;

use std::time::Duration;

use base64::Engine;
use common::{conversation, send, Harness};
use meli_sim::{SimConfig, SELLER_MLA};
use serde_json::{json, Value};

async fn control(h: &Harness, path: &str, body: Value) -> Value {
    let (status, answer) = send(h.http.post(h.url(path)).json(&body)).await;
    assert_eq!(status, 200, "{path}: {answer}");
    answer
}

#[tokio::test]
async fn summary_lists_the_app_sellers_and_landmarks() {
    let h = Harness::start(SimConfig::demo()).await;
    let (status, summary) = send(h.http.get(h.url("/_sim/summary"))).await;
    assert_eq!(status, 200);
    assert_eq!(
        summary["redirect_uri"],
        "https://relay.mostrador.test/callback"
    );
    assert_eq!(summary["client_id"], h.sim.app().client_id);
    assert_eq!(summary["sellers"].as_array().expect("sellers").len(), 2);
    assert!(summary["landmarks"]["needs_action_guide"].is_u64());
    assert!(summary["orders"].as_u64().expect("orders") >= 300);
}

#[tokio::test]
async fn a_buyer_buys_pays_writes_with_attachment_and_reads_over_http() {
    let h = Harness::empty().await;
    let sale = control(
        &h,
        "/_sim/sales",
        json!({ "seller_id": SELLER_MLA, "status": "payment_required", "logistic_type": "custom" }),
    )
    .await;
    let key = sale["conversation_id"].as_u64().expect("id");
    let order = sale["order_ids"][0].as_u64().expect("order");
    let (_, body) = send(h.get(&conversation(key, SELLER_MLA))).await;
    assert_eq!(
        body["conversation_status"]["substatus"],
        "blocked_by_payment"
    );

    control(&h, &format!("/_sim/orders/{order}/pay"), json!({})).await;
    let (_, order_json) = send(h.get(&format!("/orders/{order}"))).await;
    assert_eq!(order_json["status"], "paid");

    let png = base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\n0000");
    control(
        &h,
        &format!("/_sim/packs/{key}/buyer_messages"),
        json!({ "text": "Mirá la foto", "attachment": { "filename": "foto.png", "content_base64": png } }),
    )
    .await;
    let (_, body) = send(h.get(&conversation(key, SELLER_MLA))).await;
    assert_eq!(body["messages"][0]["text"], "Mirá la foto");
    assert_eq!(
        body["messages"][0]["message_attachments"][0]["type"],
        "image/png"
    );

    control(
        &h,
        &format!("/_sim/packs/{key}/seller_messages"),
        json!({ "text": "Desde el sitio" }),
    )
    .await;
    control(&h, &format!("/_sim/packs/{key}/buyer_read"), json!({})).await;
    let (_, body) = send(h.get(&conversation(key, SELLER_MLA))).await;
    assert_eq!(body["messages"][0]["text"], "Desde el sitio");
    assert!(
        body["messages"][0]["message_date"]["read"].is_string(),
        "the buyer read it"
    );

    control(
        &h,
        &format!("/_sim/packs/{key}/block"),
        json!({ "substatus": "blocked_by_buyer" }),
    )
    .await;
    let (_, body) = send(h.get(&conversation(key, SELLER_MLA))).await;
    assert_eq!(body["conversation_status"]["substatus"], "blocked_by_buyer");
    let (status, _) = send(h.http.delete(h.url(&format!("/_sim/packs/{key}/block")))).await;
    assert_eq!(status, 200);

    control(
        &h,
        &format!("/_sim/orders/{order}/status"),
        json!({ "status": "partially_refunded" }),
    )
    .await;
    let (_, order_json) = send(h.get(&format!("/orders/{order}"))).await;
    assert_eq!(order_json["status"], "partially_refunded");

    control(&h, &format!("/_sim/orders/{order}/cancel"), json!({})).await;
    let (_, order_json) = send(h.get(&format!("/orders/{order}"))).await;
    assert_eq!(order_json["status"], "cancelled");
}

#[tokio::test]
async fn clock_revoke_faults_and_counts_over_http() {
    let h = Harness::empty().await;
    let before = send(h.http.get(h.url("/_sim/clock"))).await.1["now"].clone();
    let after = control(&h, "/_sim/clock/advance", json!({ "seconds": 3600 })).await;
    assert_ne!(before, after["now"]);

    control(
        &h,
        "/_sim/faults",
        json!({ "path_prefix": "/users", "kind": { "kind": "too_many_requests", "retry_after_secs": 3 }, "times": 1 }),
    )
    .await;
    let response = h.get("/users/me").send().await.expect("response");
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    let (_, counts) = send(h.http.get(h.url("/_sim/requests/counts"))).await;
    assert_eq!(counts["GET /users/me"], 1);
    let (_, log) = send(h.http.get(h.url("/_sim/requests"))).await;
    assert_eq!(log[0]["fault"], "too_many_requests");

    control(&h, "/_sim/revoke", json!({ "user_id": SELLER_MLA })).await;
    assert_eq!(send(h.get("/users/me")).await.0, 401);

    let (status, body) = send(h.http.post(h.url("/_sim/orders/1/pay"))).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn live_buyers_act_on_a_timer() {
    let h = Harness::start(SimConfig::demo()).await;
    let ctl = h.sim.control();
    let before = ctl.summary().orders;
    let unread_before = send(h.get("/messages/unread?role=seller&tag=post_sale"))
        .await
        .1;
    ctl.set_live(Some(Duration::from_millis(20)));
    // Something happens by itself: a new order or a new unread message.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let unread_now = send(h.get("/messages/unread?role=seller&tag=post_sale"))
            .await
            .1;
        if ctl.summary().orders > before || unread_now != unread_before {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "nothing happened in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ctl.set_live(None);
}

#[tokio::test]
async fn an_action_guide_cap_is_set_over_http() {
    let h = Harness::start(SimConfig::demo()).await;
    let key = h
        .sim
        .control()
        .landmark("needs_action_guide")
        .expect("landmark");
    control(
        &h,
        &format!("/_sim/packs/{key}/caps"),
        json!({ "option_id": "OTHER", "cap_available": 0 }),
    )
    .await;
    let (_, caps) = send(h.get(&format!(
        "/messages/action_guide/packs/{key}/caps_available?tag=post_sale"
    )))
    .await;
    let other = caps
        .as_array()
        .expect("caps")
        .iter()
        .find(|c| c["option_id"] == "OTHER")
        .cloned();
    assert_eq!(
        other,
        Some(json!({ "option_id": "OTHER", "cap_available": 0 }))
    );
    let (status, _) = send(
        h.http
            .post(h.url(&format!("/_sim/packs/{key}/caps")))
            .json(&json!({ "option_id": "NOPE", "cap_available": 1 })),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn one_pack_fails_for_ever_or_n_times_until_lifted() {
    let h = Harness::empty().await;
    let mut keys = Vec::new();
    for _ in 0..2 {
        let sale = control(
            &h,
            "/_sim/sales",
            json!({ "seller_id": SELLER_MLA, "status": "paid", "logistic_type": "custom" }),
        )
        .await;
        keys.push(sale["conversation_id"].as_u64().expect("id"));
    }
    let (bad, good) = (keys[0], keys[1]);
    control(
        &h,
        &format!("/_sim/packs/{bad}/faults"),
        json!({ "status": 451 }),
    )
    .await;
    for _ in 0..3 {
        let (status, body) = send(h.get(&conversation(bad, SELLER_MLA))).await;
        assert_eq!(status, 451, "{body}");
        assert_eq!(send(h.get(&conversation(good, SELLER_MLA))).await.0, 200);
    }
    // A malformed body twice, then the real answer.
    control(
        &h,
        &format!("/_sim/packs/{bad}/faults"),
        json!({ "malformed": true, "times": 2 }),
    )
    .await;
    for _ in 0..2 {
        let response = h
            .get(&conversation(bad, SELLER_MLA))
            .send()
            .await
            .expect("response");
        let text = response.text().await.expect("body");
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    }
    assert_eq!(send(h.get(&conversation(bad, SELLER_MLA))).await.0, 200);

    control(
        &h,
        &format!("/_sim/packs/{bad}/faults"),
        json!({ "status": 500 }),
    )
    .await;
    assert_eq!(send(h.get(&conversation(bad, SELLER_MLA))).await.0, 500);
    let (status, _) = send(h.http.delete(h.url(&format!("/_sim/packs/{bad}/faults")))).await;
    assert_eq!(status, 200);
    assert_eq!(send(h.get(&conversation(bad, SELLER_MLA))).await.0, 200);

    let (status, _) = send(
        h.http
            .post(h.url(&format!("/_sim/packs/{bad}/faults")))
            .json(&json!({ "status": 200 })),
    )
    .await;
    assert_eq!(status, 400, "only error statuses");
}

#[tokio::test]
async fn without_the_messages_permission_every_messaging_call_is_refused_for_the_app() {
    let h = Harness::empty().await;
    let sale = control(
        &h,
        "/_sim/sales",
        json!({ "seller_id": SELLER_MLA, "status": "paid", "logistic_type": "custom" }),
    )
    .await;
    let key = sale["conversation_id"].as_u64().expect("id");
    let (_, switches) = send(h.http.get(h.url("/_sim/switches"))).await;
    assert_eq!(switches["messages_scope"], true, "off in the plain world");
    let answer = control(&h, "/_sim/switches", json!({ "messages_scope": false })).await;
    assert_eq!(answer["messages_scope"], false);
    for path in [
        conversation(key, SELLER_MLA),
        "/messages/unread?role=seller&tag=post_sale".to_owned(),
        format!("/messages/action_guide/packs/{key}?tag=post_sale"),
    ] {
        let (status, body) = send(h.get(&path)).await;
        assert_eq!(status, 403, "{path}");
        assert_eq!(body["error"], "access_denied", "{path}: {body}");
        assert!(
            !body.to_string().contains("invalid for resource"),
            "not the per-resource body: {body}"
        );
    }
    let (status, _) = send(h.get("/users/me")).await;
    assert_eq!(status, 200, "the rest of the API answers");
    let (status, _) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}"))).await;
    assert_eq!(status, 200, "orders keep working");
    control(&h, "/_sim/switches", json!({ "messages_scope": true })).await;
    assert_eq!(send(h.get(&conversation(key, SELLER_MLA))).await.0, 200);
}

#[tokio::test]
async fn pages_oldest_first_and_the_seller_reading_on_the_site_over_http() {
    let h = Harness::empty().await;
    let sale = control(
        &h,
        "/_sim/sales",
        json!({ "seller_id": SELLER_MLA, "status": "paid", "logistic_type": "custom" }),
    )
    .await;
    let key = sale["conversation_id"].as_u64().expect("id");
    for text in ["primero", "segundo"] {
        control(
            &h,
            &format!("/_sim/packs/{key}/buyer_messages"),
            json!({ "text": text }),
        )
        .await;
        // Distinct times, so the order is visible in the dates too.
        control(&h, "/_sim/clock/advance", json!({ "seconds": 60 })).await;
    }
    let path =
        format!("/messages/packs/{key}/sellers/{SELLER_MLA}?tag=post_sale&mark_as_read=false");
    let texts = |body: &Value| -> Vec<String> {
        body["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| m["text"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let (_, switches) = send(h.http.get(h.url("/_sim/switches"))).await;
    assert_eq!(
        switches["messages_oldest_first"], false,
        "off in the plain world"
    );
    let (_, newest_first) = send(h.get(&path)).await;
    assert_eq!(texts(&newest_first), ["segundo", "primero"]);
    control(
        &h,
        "/_sim/switches",
        json!({ "messages_oldest_first": true }),
    )
    .await;
    let (_, oldest_first) = send(h.get(&path)).await;
    assert_eq!(texts(&oldest_first), ["primero", "segundo"]);
    assert_eq!(oldest_first["paging"]["total"], 2);

    let unread = "/messages/unread?role=seller&tag=post_sale";
    let (_, before) = send(h.get(unread)).await;
    assert_eq!(before["results"][0]["count"], 2);
    control(&h, &format!("/_sim/packs/{key}/seller_read"), json!({})).await;
    let (_, after) = send(h.get(unread)).await;
    assert_eq!(after["results"], json!([]), "read on the site: {after}");
    let (_, body) = send(h.get(&path)).await;
    assert!(body["messages"][0]["message_date"]["read"].is_string());

    let (_, reads) = send(h.http.get(h.url("/_sim/requests/reads_per_application"))).await;
    let app = h.sim.app().client_id.to_string();
    assert!(
        reads[&app].as_u64().expect("reads of the application") >= 5,
        "{reads}"
    );
}
