mod common;

use common::{conversation, fixture, keys, message_to, send, Harness};
use meli_sim::{
    LogisticType, NewSale, OrderStatus, Scenario, ShipmentStatus, SimConfig, SELLER_MLA, SELLER_MLB,
};
use serde_json::{json, Value};

async fn open_sale(h: &Harness) -> meli_sim::CreatedSale {
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    h.sim
        .control()
        .buyer_writes(sale.conversation_id, "Hola, ¿cuándo despachan?", None)
        .expect("buyer writes");
    sale
}

async fn unread(h: &Harness) -> Value {
    let (status, body) = send(h.get("/messages/unread?role=seller&tag=post_sale")).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn texts(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].as_str().expect("text").to_owned())
        .collect()
}

#[tokio::test]
async fn a_conversation_has_the_published_shape() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let (status, body) = send(h.get(&conversation(sale.conversation_id, SELLER_MLA))).await;
    assert_eq!(status, 200, "{body}");
    let published = fixture("messages_by_pack_with_attachment.json");
    for part in ["paging", "conversation_status"] {
        assert!(
            keys(&published[part]).is_subset(&keys(&body[part])),
            "{part}"
        );
    }
    let message = &body["messages"][0];
    let mut expected = keys(&published["messages"][0]);
    expected.insert("to".into());
    assert!(expected.is_subset(&keys(message)), "{message}");
    assert_eq!(message["from"]["user_id"], sale.buyer_id.to_string());
    assert_eq!(message["status"], "available");
    assert_eq!(body["seller_max_message_length"], 350);
    assert_eq!(body["conversation_status"]["status"], "active");
    assert_eq!(
        body["conversation_status"]["path"],
        format!("/packs/{}/sellers/{SELLER_MLA}", sale.conversation_id)
    );
}

#[tokio::test]
async fn the_tag_and_paging_params_are_checked() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let bare = format!(
        "/messages/packs/{}/sellers/{SELLER_MLA}",
        sale.conversation_id
    );
    let (status, _) = send(h.get(&bare)).await;
    assert_eq!(status, 400, "tag=post_sale is required");
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let cases = [
        ("&limit=0", "The limit param must be greater than 0"),
        ("&limit=abc", "Invalid limit param"),
        ("&offset=-1", "Invalid offset param"),
    ];
    for (query, message) in cases {
        let (status, body) = send(h.get(&format!("{path}{query}"))).await;
        assert_eq!((status, body["message"].as_str()), (400, Some(message)));
    }
}

#[tokio::test]
async fn reading_marks_buyer_messages_read_unless_told_not_to() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let key = sale.conversation_id;
    let body = unread(&h).await;
    assert_eq!(
        body["results"],
        json!([{ "resource": format!("/packs/{key}/sellers/{SELLER_MLA}"), "count": 1 }])
    );
    let path = conversation(key, SELLER_MLA);
    send(h.get(&format!("{path}&mark_as_read=false"))).await;
    assert_eq!(h.sim.control().seller_unread(key).expect("count"), 1);
    assert_eq!(
        unread(&h).await["results"]
            .as_array()
            .expect("results")
            .len(),
        1
    );
    let (_, first) = send(h.get(&path)).await;
    assert!(first["messages"][0]["message_date"]["read"].is_null());
    assert!(unread(&h).await["results"]
        .as_array()
        .expect("results")
        .is_empty());
    assert_eq!(h.sim.control().seller_unread(key).expect("count"), 0);
    let (_, again) = send(h.get(&path)).await;
    assert!(again["messages"][0]["message_date"]["read"].is_string());
}

#[tokio::test]
async fn lone_orders_use_the_order_id_and_pack_orders_the_pack_id() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let lone = ctl.create_sale(NewSale::new(SELLER_MLA)).expect("sale");
    assert_eq!(lone.pack_id, None);
    assert_eq!(lone.conversation_id, lone.order_ids[0]);
    let (status, _) = send(h.get(&conversation(lone.order_ids[0], SELLER_MLA))).await;
    assert_eq!(status, 200);
    let packed = ctl
        .create_sale(NewSale::new(SELLER_MLA).orders(2))
        .expect("sale");
    let (status, _) = send(h.get(&conversation(packed.pack_id.expect("pack"), SELLER_MLA))).await;
    assert_eq!(status, 200);
    let (status, _) = send(h.get(&conversation(packed.order_ids[0], SELLER_MLA))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn conversations_are_per_seller() {
    let mut h = Harness::empty().await;
    let sale = open_sale(&h).await;
    h.as_user(SELLER_MLB);
    let (status, body) = send(h.get(&conversation(sale.conversation_id, SELLER_MLB))).await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = send(h.get(&conversation(sale.conversation_id, SELLER_MLA))).await;
    assert_eq!(status, 403, "another seller's id in the path");
}

#[tokio::test]
async fn sending_answers_201_with_the_message() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let text = "¡Hola! Sale mañana 🚚";
    let (status, sent) = send(h.post(&path).json(&message_to(sale.buyer_id, text))).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(keys(&sent), keys(&fixture("message_sent_response.json")));
    assert_eq!(sent["status"], "available");
    assert_eq!(sent["to"]["user_id"], sale.buyer_id);
    assert_eq!(sent["message_moderation"]["status"], "clean");
    let (_, body) = send(h.get(&path)).await;
    assert_eq!(
        texts(&body),
        [text, "Hola, ¿cuándo despachan?"],
        "newest first"
    );
    assert_eq!(
        h.sim
            .control()
            .buyer_sees(sale.conversation_id)
            .expect("seen"),
        [text]
    );
}

#[tokio::test]
async fn send_validates_the_body() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let buyer = sale.buyer_id;
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"to": {"user_id": buyer}, "text": "x"}),
            400,
            "The field 'from' is required",
        ),
        (
            json!({"from": {"user_id": SELLER_MLA}, "text": "x"}),
            400,
            "The field 'to.user_id' is required",
        ),
        (
            json!({"from": {"user_id": SELLER_MLA}, "to": {"user_id": "abc"}, "text": "x"}),
            400,
            "Invalid 'to' user id",
        ),
        (
            json!({"from": {"user_id": SELLER_MLA}, "to": {"user_id": SELLER_MLA}, "text": "x"}),
            400,
            "Sender and received must not be equals",
        ),
        (
            message_to(SELLER_MLB, "x"),
            403,
            "Receiver does not belong to order",
        ),
        (
            message_to(buyer, &"a".repeat(351)),
            400,
            "The message content is too long, max characters allowed are 350",
        ),
        (
            json!({"from": {"user_id": SELLER_MLA}, "to": {"user_id": buyer}, "text": "x", "attachments": ["nope.jpg"]}),
            422,
            "Attachment key is invalid or not found",
        ),
    ];
    for (body, status, message) in cases {
        let (got, answer) = send(h.post(&path).json(&body)).await;
        assert_eq!(
            (got, answer["message"].as_str()),
            (status, Some(message)),
            "{body}"
        );
    }
    let (status, answer) = send(h.post(&path).body("not json")).await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (400, Some("A JSON body is required"))
    );
    let (status, answer) = send(h.post(&path).json(&message_to(buyer, "Precio: 5 €"))).await;
    assert_eq!(status, 400, "€ is not latin1: {answer}");
    let (status, _) = send(h.post(&path).json(&message_to(buyer, &"ñ".repeat(350)))).await;
    assert_eq!(status, 201, "350 latin1 characters fit");
    let (status, _) = send(
        h.post(&format!(
            "/messages/packs/{}/sellers/{SELLER_MLA}",
            sale.conversation_id
        ))
        .json(&message_to(buyer, "x")),
    )
    .await;
    assert_eq!(status, 400, "tag required");
}

#[tokio::test]
async fn sellers_cannot_start_on_mercado_envios_2_but_can_on_their_own_shipping() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let me2 = ctl.create_sale(NewSale::new(SELLER_MLA)).expect("sale");
    let path = conversation(me2.conversation_id, SELLER_MLA);
    let (_, body) = send(h.get(&path)).await;
    assert_eq!(body["conversation_status"]["status"], "blocked");
    assert_eq!(
        body["conversation_status"]["substatus"],
        "blocked_by_conversation_initiated_by_seller_limited"
    );
    let (status, body) = send(h.post(&path).json(&message_to(me2.buyer_id, "Hola"))).await;
    assert_eq!(status, 403);
    assert_eq!(body["message"], "blocked_by_conversation_started_by_seller");

    let own = ctl
        .create_sale(NewSale::new(SELLER_MLA).logistic(LogisticType::Custom))
        .expect("sale");
    let path = conversation(own.conversation_id, SELLER_MLA);
    let (status, _) = send(h.post(&path).json(&message_to(own.buyer_id, "Hola"))).await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn blocked_conversations_refuse_with_the_published_body() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let key = sale.conversation_id;
    let path = conversation(key, SELLER_MLA);
    for substatus in [
        "blocked_by_buyer",
        "blocked_by_mediation",
        "blocked_by_time",
    ] {
        h.sim
            .control()
            .block_conversation(key, substatus)
            .expect("block");
        let (_, body) = send(h.get(&path)).await;
        assert_eq!(body["conversation_status"]["status"], "blocked");
        assert_eq!(body["conversation_status"]["substatus"], substatus);
        let (status, body) = send(h.post(&path).json(&message_to(sale.buyer_id, "Hola"))).await;
        assert_eq!(status, 403);
        assert_eq!(body, fixture("message_send_error_blocked.json"));
    }
    h.sim.control().unblock_conversation(key).expect("unblock");
    let (status, _) = send(h.post(&path).json(&message_to(sale.buyer_id, "Hola"))).await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn payment_cancellation_and_full_block_follow_the_orders() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    let status_of = |body: &Value| body["conversation_status"]["substatus"].clone();

    let unpaid = ctl
        .create_sale(NewSale::new(SELLER_MLA).status(OrderStatus::PaymentInProcess))
        .expect("sale");
    ctl.buyer_writes(unpaid.conversation_id, "¿Recibieron el pago?", None)
        .expect("write");
    let path = conversation(unpaid.conversation_id, SELLER_MLA);
    let (_, body) = send(h.get(&path)).await;
    assert_eq!(status_of(&body), "blocked_by_payment");
    let (status, _) = send(h.post(&path).json(&message_to(unpaid.buyer_id, "Sí"))).await;
    assert_eq!(status, 403);
    ctl.buyer_pays(unpaid.order_ids[0]).expect("pay");
    let (status, _) = send(h.post(&path).json(&message_to(unpaid.buyer_id, "Sí"))).await;
    assert_eq!(status, 201);

    let cancelled = ctl
        .create_sale(NewSale::new(SELLER_MLA).status(OrderStatus::Cancelled))
        .expect("sale");
    let (_, body) = send(h.get(&conversation(cancelled.conversation_id, SELLER_MLA))).await;
    assert_eq!(status_of(&body), "blocked_by_cancelled_order");

    let full = ctl
        .create_sale(
            NewSale::new(SELLER_MLA)
                .logistic(LogisticType::Fulfillment)
                .shipment_status(ShipmentStatus::Shipped),
        )
        .expect("sale");
    ctl.buyer_writes(full.conversation_id, "¿Dónde está?", None)
        .expect("write");
    let path = conversation(full.conversation_id, SELLER_MLA);
    let (_, body) = send(h.get(&path)).await;
    assert_eq!(status_of(&body), "blocked_by_fulfillment");
    let (status, body) = send(h.post(&path).json(&message_to(full.buyer_id, "Ya llega"))).await;
    assert_eq!(status, 403);
    assert!(body["message"].as_str().expect("message").contains("Full"));
    ctl.deliver(full.order_ids[0]).expect("deliver");
    let (status, _) = send(h.post(&path).json(&message_to(full.buyer_id, "¡Llegó!"))).await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn contact_data_is_moderated() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let path = conversation(sale.conversation_id, SELLER_MLA);
    for (text, reason) in [
        ("Llamame al 11 4555-1234", "personal_data"),
        ("Escribime a ventas@tienda.com.ar", "personal_data"),
        ("Mirá el video en bit.ly/xyz", "link_short_url"),
    ] {
        let (status, sent) = send(h.post(&path).json(&message_to(sale.buyer_id, text))).await;
        assert_eq!(status, 201);
        assert_eq!(sent["status"], "moderated", "{text}");
        assert_eq!(sent["message_moderation"]["status"], "rejected");
        assert_eq!(sent["message_moderation"]["reason"], reason);
        assert!(sent["message_date"]["available"].is_null());
    }
    let (_, body) = send(h.get(&path)).await;
    assert_eq!(
        body["paging"]["total"], 4,
        "the seller still sees their moderated messages"
    );
    assert!(h
        .sim
        .control()
        .buyer_sees(sale.conversation_id)
        .expect("seen")
        .is_empty());

    h.sim
        .control()
        .buyer_writes(sale.conversation_id, "mi cel es 11 4999-8888", None)
        .expect("write");
    let (_, body) = send(h.get(&path)).await;
    assert_eq!(
        body["paging"]["total"], 4,
        "buyers' moderated messages never reach the seller"
    );
}

#[tokio::test]
async fn agent_conversations_go_through_the_agent_one_message_at_a_time() {
    let h = Harness::start(SimConfig::demo()).await;
    let mut h = h;
    h.as_user(SELLER_MLB);
    let key = h.sim.control().landmark("mlb_agent").expect("landmark");
    let path = conversation(key, SELLER_MLB);
    let (_, body) = send(h.get(&path)).await;
    let agent = body["messages"][0]["from"]["user_id"]
        .as_str()
        .expect("agent")
        .to_owned();
    assert_eq!(agent, "3037675074");
    let to_agent = json!({ "from": { "user_id": SELLER_MLB }, "to": { "user_id": agent }, "text": "Chega amanhã." });
    let (status, _) = send(h.post(&path).json(&to_agent)).await;
    assert_eq!(status, 201);
    let (status, _) = send(h.post(&path).json(&to_agent)).await;
    assert_eq!(status, 403, "one message at a time to the agent");
}

#[tokio::test]
async fn unread_requires_role_and_tag_and_returns_at_most_500() {
    let h = Harness::start(SimConfig {
        scenario: Scenario::Bulk {
            orders: 14_000,
            messages_per_order: 3,
        },
        ..SimConfig::default()
    })
    .await;
    let (status, _) = send(h.get("/messages/unread?tag=post_sale")).await;
    assert_eq!(status, 400);
    let (status, _) = send(h.get("/messages/unread?role=seller")).await;
    assert_eq!(status, 400);
    let body = unread(&h).await;
    assert_eq!(body["user_id"], SELLER_MLA);
    assert_eq!(body["results"].as_array().expect("results").len(), 500);
    let first = body["results"][0]["resource"].as_str().expect("resource");
    assert!(first.ends_with(&format!("/sellers/{SELLER_MLA}")));
}

#[tokio::test]
async fn bulk_conversations_materialise_their_generated_messages() {
    let h = Harness::start(SimConfig::bulk(200, 5)).await;
    let (_, search) = send(h.get(&format!("/orders/search?seller={SELLER_MLA}&limit=1"))).await;
    let order = search["results"][0]["id"].as_u64().expect("id");
    let (status, body) =
        send(h.get(&format!("{}&limit=50", conversation(order, SELLER_MLA)))).await;
    assert_eq!(status, 200);
    assert_eq!(body["paging"]["total"], 5);
}

#[tokio::test]
async fn a_message_by_id_as_notifications_point_to_it() {
    let h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let id = h
        .sim
        .control()
        .buyer_writes(sale.conversation_id, "¿Hay stock?", None)
        .expect("write");
    let (status, body) = send(h.get(&format!("/messages/{id}?tag=post_sale"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["paging"].is_null());
    assert_eq!(body["messages"][0]["id"], id.as_str());
    assert_eq!(body["messages"][0]["text"], "¿Hay stock?");
    let (status, _) = send(h.get("/messages/0123abcd?tag=post_sale")).await;
    assert_eq!(status, 404);
    let mut other = h;
    other.as_user(SELLER_MLB);
    let (status, _) = send(other.get(&format!("/messages/{id}?tag=post_sale"))).await;
    assert_eq!(status, 404, "another seller's message is not found");
}

#[tokio::test]
async fn conversations_expire_18_months_after_the_purchase() {
    let mut h = Harness::empty().await;
    let sale = open_sale(&h).await;
    h.sim
        .control()
        .advance_clock(std::time::Duration::from_secs(549 * 24 * 3600));
    h.as_user(SELLER_MLA);
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let (status, body) = send(h.get(&path)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["conversation_status"]["substatus"],
        "blocked_by_conversation_expired"
    );
    assert_eq!(
        body["paging"]["total"], 0,
        "messages are no longer returned"
    );
    let (status, _) = send(h.post(&path).json(&message_to(sale.buyer_id, "Hola"))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn client_id_tells_api_messages_from_site_messages() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let path = conversation(sale.conversation_id, SELLER_MLA);
    send(h.post(&path).json(&message_to(sale.buyer_id, "Por la API"))).await;
    h.sim
        .control()
        .seller_writes_on_site(sale.conversation_id, "Desde el sitio")
        .expect("site");
    let (_, body) = send(h.get(&path)).await;
    let app = h.sim.app().client_id;
    let by_text = |text: &str| {
        body["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["text"] == text)
            .map(|m| m["client_id"].as_u64().expect("client_id"))
            .expect("message")
    };
    assert_eq!(by_text("Por la API"), app);
    assert_eq!(by_text("Desde el sitio"), meli_sim::SITE_CLIENT_ID);
    assert_eq!(
        by_text("Hola, ¿cuándo despachan?"),
        meli_sim::SITE_CLIENT_ID
    );
}

#[tokio::test]
async fn a_sent_text_is_stored_normalised_and_listed_late_when_asked() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    let path = conversation(sale.conversation_id, SELLER_MLA);
    let lag = h
        .post(&format!("/_sim/packs/{}/listing_lag", sale.conversation_id))
        .json(&json!({ "reads": 2 }))
        .send()
        .await
        .expect("control answers");
    assert_eq!(lag.status(), 200);
    let (status, sent) = send(h.post(&path).json(&message_to(
        sale.buyer_id,
        "  Hola  \r\nSale mañana.   \r\n",
    )))
    .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["text"], "Hola\nSale mañana.", "line ends and spaces");
    // Accepted, but the listing shows it only from the third read on.
    for read in 1..=2 {
        let (_, body) = send(h.get(&path)).await;
        assert_eq!(texts(&body), ["Hola, ¿cuándo despachan?"], "read {read}");
        assert_eq!(body["paging"]["total"], 1);
    }
    let (_, body) = send(h.get(&path)).await;
    assert_eq!(
        texts(&body),
        ["Hola\nSale mañana.", "Hola, ¿cuándo despachan?"]
    );
}

#[tokio::test]
async fn answers_carry_the_servers_own_date() {
    let h = Harness::empty().await;
    let sale = open_sale(&h).await;
    h.sim
        .control()
        .advance_clock(std::time::Duration::from_secs(3 * 86_400));
    let response = h
        .get(&conversation(sale.conversation_id, SELLER_MLA))
        .send()
        .await
        .expect("answers");
    let date = response
        .headers()
        .get("date")
        .and_then(|d| d.to_str().ok())
        .expect("a Date header")
        .to_owned();
    let parsed = chrono::DateTime::parse_from_rfc2822(&date).expect("an HTTP date");
    let skew = (parsed.with_timezone(&chrono::Utc) - h.sim.control().now())
        .num_seconds()
        .abs();
    assert!(
        skew <= 2,
        "the simulator's clock, not the machine's: {date}"
    );
}
