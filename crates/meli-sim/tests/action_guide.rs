//! Every row of the published action-guide error table, produced by a real situation.

mod common;

use common::{conversation, fixture, keys, message_to, send, Harness};
use meli_sim::{LogisticType, NewSale, SimConfig, SELLER_MLA, SELLER_MLB};
use serde_json::{json, Value};

fn option_path(key: u64) -> String {
    format!("/messages/action_guide/packs/{key}/option?tag=post_sale")
}

fn other(text: &str) -> Value {
    json!({ "option_id": "OTHER", "text": text })
}

async fn demo() -> Harness {
    Harness::start(SimConfig::demo()).await
}

fn landmark(h: &Harness, name: &str) -> u64 {
    h.sim.control().landmark(name).expect("landmark")
}

async fn post_option(h: &Harness, key: u64, body: &Value) -> (u16, Value) {
    send(h.post(&option_path(key)).json(body)).await
}

fn expect_error(answer: (u16, Value), status: u16, error: &str, message: &str) {
    let (got, body) = answer;
    assert_eq!(got, status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["message"], message, "{body}");
    assert_eq!(body["status_code"], status, "{body}");
}

#[tokio::test]
async fn options_depend_on_the_shipping_and_the_site() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide");
    let (status, body) =
        send(h.get(&format!("/messages/action_guide/packs/{key}?tag=post_sale"))).await;
    assert_eq!(status, 200, "{body}");
    let ids: Vec<&str> = body["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "REQUEST_VARIANTS",
            "REQUEST_BILLING_INFO",
            "SEND_INVOICE_LINK",
            "OTHER"
        ]
    );
    let other = &body["options"][3];
    assert_eq!(other["type"], "free_text");
    assert_eq!(other["char_limit"], 350);
    assert_eq!(other["cap_available"], 1);
    assert_eq!(
        body["options"][1]["templates"][0]["id"],
        "TEMPLATE___REQUEST_BILLING_INFO___MLA"
    );

    let flex = landmark(&h, "needs_action_guide_flex");
    let (_, body) = send(h.get(&format!(
        "/messages/action_guide/packs/{flex}?tag=post_sale"
    )))
    .await;
    let ids: Vec<&str> = body["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "REQUEST_BILLING_INFO",
            "SEND_INVOICE_LINK",
            "DELIVERY_PROMISE",
            "OTHER"
        ]
    );

    let (status, _) = send(h.get(&format!("/messages/action_guide/packs/{key}"))).await;
    assert_eq!(status, 400, "tag=post_sale is required");
}

#[tokio::test]
async fn caps_available_has_the_published_shape() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide");
    let (status, body) = send(h.get(&format!(
        "/messages/action_guide/packs/{key}/caps_available?tag=post_sale"
    )))
    .await;
    assert_eq!(status, 200);
    let published = fixture("action_guide_caps_available.json");
    assert_eq!(keys(&body[0]), keys(&published[0]));
    assert_eq!(
        body[0],
        json!({ "option_id": "REQUEST_VARIANTS", "cap_available": 1 })
    );
}

#[tokio::test]
async fn sending_other_uses_the_cap_and_a_second_time_is_refused() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide");
    let (status, sent) =
        post_option(&h, key, &fixture("action_guide_option_request_other.json")).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(keys(&sent), keys(&fixture("message_sent_response.json")));
    assert_eq!(sent["status"], "available");
    assert_eq!(sent["text"], "Cómo estás María, estaría necesitando de...");
    let (_, caps) = send(h.get(&format!(
        "/messages/action_guide/packs/{key}/caps_available?tag=post_sale"
    )))
    .await;
    assert_eq!(caps[3], json!({ "option_id": "OTHER", "cap_available": 0 }));
    expect_error(
        post_option(&h, key, &other("¿Pudiste verlo?")).await,
        403,
        "limit_exceeded",
        "You are not allowed to execute the option OTHER again",
    );
}

#[tokio::test]
async fn after_the_option_the_seller_waits_for_the_buyer_then_replies_normally() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide");
    post_option(&h, key, &other("Hola, ¿qué color preferís?")).await;
    let (_, body) = send(h.get(&conversation(key, SELLER_MLA))).await;
    let buyer = body["messages"][0]["to"]["user_id"]
        .as_str()
        .expect("buyer")
        .parse::<u64>()
        .expect("id");
    let path = conversation(key, SELLER_MLA);
    let (status, _) = send(h.post(&path).json(&message_to(buyer, "¿Y?"))).await;
    assert_eq!(status, 403, "still the buyer's turn");
    h.sim
        .control()
        .buyer_writes(key, "El rojo, gracias", None)
        .expect("write");
    let (status, _) = send(h.post(&path).json(&message_to(buyer, "¡Perfecto!"))).await;
    assert_eq!(status, 201);
}

/// One row of the published error table, met on a landmark of the demo world: the reason
/// posted and Mercado Libre's answer (status, `error`, `message`).
struct Row {
    landmark: &'static str,
    body: fn() -> Value,
    status: u16,
    error: &'static str,
    message: &'static str,
}

const BLOCKED: &str = "The conversation is blocked";
const NOT_VALID: &str = "The option selected is not valid";

const ROWS: &[Row] = &[
    Row {
        landmark: "cap_exhausted",
        body: || other("¿Hola?"),
        status: 403,
        error: "limit_exceeded",
        message: "You are not allowed to execute the option OTHER again",
    },
    Row {
        landmark: "needs_action_guide",
        body: || other(&"x".repeat(351)),
        status: 400,
        error: "bad_request",
        message: "The text is invalid",
    },
    Row {
        landmark: "needs_action_guide",
        body: || json!({ "option_id": "SAY_HELLO", "text": "hola" }),
        status: 404,
        error: "not_found",
        message: NOT_VALID,
    },
    // Offered only with Flex shipping.
    Row {
        landmark: "needs_action_guide",
        body: || json!({ "option_id": "DELIVERY_PROMISE", "text": "hola" }),
        status: 404,
        error: "not_found",
        message: NOT_VALID,
    },
    Row {
        landmark: "open_conversation",
        body: || other("hola"),
        status: 403,
        error: "forbidden",
        message: "This package has the conversation blocked, please check blocked messages",
    },
    Row {
        landmark: "blocked_by_buyer",
        body: || other("hola"),
        status: 403,
        error: "forbidden",
        message: BLOCKED,
    },
    Row {
        landmark: "awaiting_payment",
        body: || other("hola"),
        status: 403,
        error: "forbidden",
        message: BLOCKED,
    },
    Row {
        landmark: "cancelled",
        body: || other("hola"),
        status: 403,
        error: "forbidden",
        message: BLOCKED,
    },
    Row {
        landmark: "fulfillment_undelivered",
        body: || other("hola"),
        status: 403,
        error: "forbidden",
        message: BLOCKED,
    },
];

#[tokio::test]
async fn every_row_of_the_error_table_on_the_demo() {
    let h = demo().await;
    for row in ROWS {
        let key = landmark(&h, row.landmark);
        let (status, body) = post_option(&h, key, &(row.body)()).await;
        assert_eq!(
            (
                status,
                &body["error"],
                &body["message"],
                &body["status_code"]
            ),
            (
                row.status,
                &json!(row.error),
                &json!(row.message),
                &json!(row.status)
            ),
            "{}: {body}",
            row.landmark
        );
    }
}

#[tokio::test]
async fn templates_are_checked_per_site() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide");
    expect_error(
        post_option(&h, key, &json!({ "option_id": "REQUEST_BILLING_INFO", "template_id": "TEMPLATE___REQUEST_BILLING_INFO___MLB" })).await,
        400,
        "bad_request",
        "The template TEMPLATE___REQUEST_BILLING_INFO___MLB is invalid",
    );
    let (status, sent) = post_option(&h, key, &json!({ "option_id": "REQUEST_BILLING_INFO", "template_id": "TEMPLATE___REQUEST_BILLING_INFO___MLA" })).await;
    assert_eq!(status, 201);
    assert!(sent["text"].as_str().expect("text").contains("factura"));
}

#[tokio::test]
async fn other_is_withdrawn_once_delivered() {
    let h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    h.sim.control().deliver(sale.order_ids[0]).expect("deliver");
    expect_error(
        post_option(&h, sale.conversation_id, &other("hola")).await,
        404,
        "not_found",
        "The option selected is not valid",
    );
}

#[tokio::test]
async fn simultaneous_options_on_one_sale_meet_the_lock() {
    // A long hold, so the second request surely arrives while the first is processed.
    let h = Harness::start(SimConfig {
        action_guide_processing: std::time::Duration::from_secs(2),
        ..SimConfig::demo()
    })
    .await;
    let key = landmark(&h, "needs_action_guide");
    let billing = json!({ "option_id": "REQUEST_BILLING_INFO", "template_id": "TEMPLATE___REQUEST_BILLING_INFO___MLA" });
    let free = other("Hola, ¿talle?");
    let (a, b) = tokio::join!(post_option(&h, key, &free), post_option(&h, key, &billing));
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let conflict = if a.0 == 409 { a } else { b };
    expect_error(
        conflict,
        409,
        "conflict",
        "There is another request locking this operation",
    );
}

#[tokio::test]
async fn another_sellers_pack_is_not_accessible() {
    let h = demo().await;
    let theirs = landmark(&h, "mlb_open_conversation");
    expect_error(
        post_option(&h, theirs, &other("hola")).await,
        403,
        "forbidden",
        &format!("You are not allowed to access the information of the pack {theirs}"),
    );
    let (status, _) = send(h.get(&format!(
        "/messages/action_guide/packs/{theirs}?tag=post_sale"
    )))
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_excepted_case_answers_the_published_body() {
    let h = demo().await;
    let (status, body) = post_option(&h, landmark(&h, "excepted_case"), &other("hola")).await;
    assert_eq!(status, 400);
    assert_eq!(body, fixture("action_guide_error_excepted_case.json"));
}

#[tokio::test]
async fn a_deactivated_buyer_answers_451() {
    let h = demo().await;
    let (status, body) = post_option(&h, landmark(&h, "buyer_deactivated"), &other("hola")).await;
    assert_eq!(status, 451, "{body}");
}

#[tokio::test]
async fn a_delivery_promise_cannot_be_in_the_past() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide_flex");
    let today = h.sim.control().now().date_naive();
    let promise = |init: String| {
        json!({
            "option_id": "DELIVERY_PROMISE",
            "template_id": "TEMPLATE___DELIVERY_PROMISE___MLA",
            "vars": [{ "id": "INIT", "value": init }, { "id": "LIMIT", "value": (today + chrono::Days::new(3)).to_string() }],
        })
    };
    let (status, body) = post_option(
        &h,
        key,
        &promise((today - chrono::Days::new(1)).to_string()),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["message"]
        .as_str()
        .expect("message")
        .contains("before today"));
    let (status, sent) = post_option(&h, key, &promise(today.to_string())).await;
    assert_eq!(status, 201, "{sent}");
    assert!(sent["text"]
        .as_str()
        .expect("text")
        .contains(&today.to_string()));
}

#[tokio::test]
async fn free_text_options_are_moderated_like_messages() {
    let h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).logistic(LogisticType::CrossDocking))
        .expect("sale");
    let (status, sent) =
        post_option(&h, sale.conversation_id, &other("Llamame al 11 4555-1234")).await;
    assert_eq!(status, 201);
    assert_eq!(sent["status"], "moderated");
    assert_eq!(sent["message_moderation"]["reason"], "personal_data");
    assert_eq!(
        keys(&sent),
        keys(&fixture("message_sent_moderated_response.json"))
    );
}

#[tokio::test]
async fn the_mlb_seller_gets_portuguese_templates() {
    let mut h = Harness::empty().await;
    h.as_user(SELLER_MLB);
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLB))
        .expect("sale");
    let (status, sent) = post_option(&h, sale.conversation_id, &json!({ "option_id": "REQUEST_BILLING_INFO", "template_id": "TEMPLATE___REQUEST_BILLING_INFO___MLB" })).await;
    assert_eq!(status, 201);
    assert!(sent["text"].as_str().expect("text").contains("nota fiscal"));
}

#[tokio::test]
async fn templates_carry_each_sites_text_and_send_the_sellers() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide");
    let (_, body) = send(h.get(&format!("/messages/action_guide/packs/{key}?tag=post_sale"))).await;
    let template = &body["options"][1]["templates"][0];
    let mla = template["texts"]["mla"]["html"].as_str().expect("mla text");
    assert!(mla.contains("- DNI"), "{mla}");
    let mlm = template["texts"]["mlm"]["html"].as_str().expect("mlm text");
    assert!(mlm.contains("- RFC"), "{mlm}");
    let mlb = template["texts"]["mlb"]["html"].as_str().expect("mlb text");
    assert!(mlb.contains("nota fiscal"), "{mlb}");

    let (status, sent) = post_option(
        &h,
        key,
        &json!({ "option_id": "REQUEST_BILLING_INFO", "template_id": template["id"] }),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(
        sent["text"], mla,
        "the message is the text the guide showed"
    );
}

#[tokio::test]
async fn a_cap_used_elsewhere_is_refused_as_limit_exceeded() {
    let h = demo().await;
    let key = landmark(&h, "needs_action_guide_flex");
    h.sim
        .control()
        .set_cap(key, "REQUEST_BILLING_INFO", 0)
        .expect("cap");
    let (_, caps) = send(h.get(&format!(
        "/messages/action_guide/packs/{key}/caps_available?tag=post_sale"
    )))
    .await;
    assert_eq!(
        caps[0],
        json!({ "option_id": "REQUEST_BILLING_INFO", "cap_available": 0 })
    );
    expect_error(
        post_option(&h, key, &json!({ "option_id": "REQUEST_BILLING_INFO", "template_id": "TEMPLATE___REQUEST_BILLING_INFO___MLA" })).await,
        403,
        "limit_exceeded",
        "You are not allowed to execute the option REQUEST_BILLING_INFO again",
    );
    assert!(h.sim.control().set_cap(key, "SAY_HELLO", 1).is_err());
}
