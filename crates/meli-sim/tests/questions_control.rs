//! The questions' control calls over HTTP, as the end-to-end tests drive them.

use meli_sim::{SimConfig, Simulator, SELLER_MLA};
use serde_json::{json, Value};

async fn post(http: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = http.post(url).json(&body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_buyer_asks_the_seller_answers_on_the_site_and_listings_close_over_http() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("starts");
    let base = sim.base_url();
    let http = reqwest::Client::new();
    let listings: Value = http
        .get(format!("{base}/_sim/sellers/{SELLER_MLA}/listings"))
        .send()
        .await
        .expect("listings")
        .json()
        .await
        .expect("json");
    let item = listings[0]["id"].as_str().expect("an item").to_owned();
    assert!(listings[0]["title"].as_str().is_some_and(|t| !t.is_empty()));

    let (status, asked) = post(
        &http,
        format!("{base}/_sim/questions"),
        json!({"item_id": item, "text": "¿Tenés stock?"}),
    )
    .await;
    assert_eq!(status, 200, "{asked}");
    let id = asked["question_id"].as_u64().expect("id");
    assert_eq!(asked["seller_id"], SELLER_MLA);

    let (status, _) = post(
        &http,
        format!("{base}/_sim/questions/{id}/answer"),
        json!({"text": "Sí"}),
    )
    .await;
    assert_eq!(status, 200);
    let q: Value = http
        .get(format!("{base}/_sim/questions/{id}"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(q["status"], "ANSWERED");
    assert_eq!(q["answer"]["text"], "Sí");
    assert_eq!(
        q["answers_accepted"], 0,
        "answered on the site, not through the API"
    );

    let (status, _) = post(
        &http,
        format!("{base}/_sim/questions/{id}/ban"),
        json!({"answer": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        sim.control()
            .question(id)
            .and_then(|q| q.answer)
            .map(|a| a.status),
        Some(meli_sim::SimAnswerStatus::Banned)
    );

    let (_, second) = post(
        &http,
        format!("{base}/_sim/questions"),
        json!({"item_id": item, "text": "¿Y mañana?"}),
    )
    .await;
    let (status, closed) = post(&http, format!("{base}/_sim/items/{item}/close"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(closed["closed_questions"], 1);
    assert_eq!(
        sim.control()
            .question(second["question_id"].as_u64().expect("id"))
            .map(|q| q.status),
        Some(meli_sim::SimQuestionStatus::ClosedUnanswered)
    );
    let (status, refused) = post(
        &http,
        format!("{base}/_sim/questions"),
        json!({"item_id": item, "text": "¿Sigue?"}),
    )
    .await;
    assert_eq!(
        status, 409,
        "a closed listing takes no questions: {refused}"
    );
    let (status, _) = post(
        &http,
        format!("{base}/_sim/questions/999/delete"),
        json!({}),
    )
    .await;
    assert_eq!(status, 404);
}
