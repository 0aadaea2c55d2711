mod common;

use common::{send, Harness};
use meli_sim::{SELLER_MLA, SELLER_MLB};

#[tokio::test]
async fn users_me_has_the_private_fields_of_the_token_owner() {
    let h = Harness::empty().await;
    let (status, me) = send(h.get("/users/me")).await;
    assert_eq!(status, 200);
    assert_eq!(me["id"], SELLER_MLA);
    assert_eq!(me["site_id"], "MLA");
    assert_eq!(me["country_id"], "AR");
    assert!(me["email"].is_string());
    assert!(me["status"]["sell"]["allow"].is_boolean());
}

#[tokio::test]
async fn another_user_shows_only_public_fields() {
    let h = Harness::empty().await;
    let (status, other) = send(h.get(&format!("/users/{SELLER_MLB}"))).await;
    assert_eq!(status, 200);
    assert_eq!(other["site_id"], "MLB");
    assert!(other.get("email").is_none());
    assert!(other.get("first_name").is_none());
    assert_eq!(other["status"]["site_status"], "active");
    let (status, _) = send(h.http.get(h.url(&format!("/users/{SELLER_MLB}")))).await;
    assert_eq!(status, 200, "public fields need no token");
}

#[tokio::test]
async fn unknown_or_missing_token_gets_the_documented_401() {
    let h = Harness::empty().await;
    let (status, body) = send(h.http.get(h.url("/users/me")).bearer_auth("APP_USR-nope")).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        serde_json::json!({"message":"invalid_token","cause":[],"error":"not_found","status":401})
    );
    let (status, _) = send(h.http.get(h.url("/users/me"))).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn unknown_user_is_404() {
    let h = Harness::empty().await;
    let (status, body) = send(h.get("/users/999")).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn a_taken_port_is_a_bind_error_and_dropping_stops_serving() {
    let first = meli_sim::Simulator::start(meli_sim::SimConfig::empty())
        .await
        .expect("first");
    let port: u16 = first
        .base_url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let second = meli_sim::Simulator::start(meli_sim::SimConfig {
        port,
        ..meli_sim::SimConfig::empty()
    })
    .await;
    assert!(matches!(second, Err(meli_sim::SimError::Bind { .. })));

    let url = format!("{}/sites", first.base_url());
    assert!(reqwest::get(&url).await.is_ok());
    drop(first);
    // The server task ends a moment after the drop: wait for the refusal, with a generous bound.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while reqwest::get(&url).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "something still listens 30 s after the drop"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[test]
fn the_simulator_can_live_in_shared_app_state() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<meli_sim::Simulator>();
    send_sync::<meli_sim::Control>();
}

#[tokio::test]
async fn sites_and_currencies() {
    let h = Harness::empty().await;
    let (status, site) = send(h.get("/sites/MLB")).await;
    assert_eq!(status, 200);
    assert_eq!(site["default_currency_id"], "BRL");
    let (status, currency) = send(h.get("/currencies/ARS")).await;
    assert_eq!(status, 200);
    assert_eq!(currency["decimal_places"], 2);
    assert_eq!(send(h.get("/sites/XXX")).await.0, 404);
}

#[tokio::test]
async fn the_app_can_revoke_its_own_grant() {
    let h = Harness::empty().await;
    let app = h.sim.app().client_id;
    let (status, _) = send(
        h.http
            .delete(h.url(&format!("/users/{SELLER_MLB}/applications/{app}")))
            .bearer_auth(&h.token),
    )
    .await;
    assert_eq!(status, 403, "only one's own grant");
    let (status, _) = send(
        h.http
            .delete(h.url(&format!("/users/{SELLER_MLA}/applications/{app}")))
            .bearer_auth(&h.token),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(send(h.get("/users/me")).await.0, 401);
}
