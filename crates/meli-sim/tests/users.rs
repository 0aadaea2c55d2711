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
