mod common;

use std::time::{Duration, Instant};

use common::{fixture, send, Harness};
use meli_sim::{FaultKind, FaultRule, RateLimit, SimConfig, SELLER_MLA};
use serde_json::json;

#[tokio::test]
async fn injected_429_has_the_published_body_and_retry_after() {
    let h = Harness::empty().await;
    h.sim.control().inject_fault(FaultRule::next(
        1,
        "/users",
        FaultKind::TooManyRequests {
            retry_after_secs: 2,
        },
    ));
    let response = h.get("/users/me").send().await.expect("response");
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "2");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body, fixture("error_429_too_many_requests.json"));
    let (status, _) = send(h.get("/users/me")).await;
    assert_eq!(status, 200, "only the next request");
    let log = h.sim.control().requests();
    assert_eq!(log[0].fault.as_deref(), Some("too_many_requests"));
    assert_eq!(log[0].status, 429);
    assert_eq!(log[1].fault, None);
}

#[tokio::test]
async fn server_errors_for_the_next_n_then_success_only_under_the_prefix() {
    let h = Harness::empty().await;
    h.sim
        .control()
        .inject_fault(FaultRule::next(2, "/orders", FaultKind::ServerError));
    let (status, _) = send(h.get("/users/me")).await;
    assert_eq!(status, 200, "other paths are untouched");
    let search = format!("/orders/search?seller={SELLER_MLA}");
    let (status, body) = send(h.get(&search)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (500, Some("internal_server_error"))
    );
    assert_eq!(send(h.get(&search)).await.0, 500);
    assert_eq!(send(h.get(&search)).await.0, 200);
    assert!(
        h.sim.control().faults().is_empty(),
        "a used-up rule goes away"
    );
}

#[tokio::test]
async fn faults_can_target_one_method() {
    let h = Harness::empty().await;
    h.sim
        .control()
        .inject_fault(FaultRule::next(1, "/users", FaultKind::ServerError).for_method("POST"));
    assert_eq!(send(h.get("/users/me")).await.0, 200);
}

#[tokio::test]
async fn slow_responses_arrive_late() {
    let h = Harness::empty().await;
    h.sim.control().inject_fault(FaultRule::next(
        1,
        "/users",
        FaultKind::Slow { delay_ms: 400 },
    ));
    let started = Instant::now();
    assert_eq!(send(h.get("/users/me")).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn a_dropped_connection_gives_no_response_at_all() {
    let h = Harness::empty().await;
    h.sim
        .control()
        .inject_fault(FaultRule::next(1, "/users", FaultKind::DropConnection));
    let result = tokio::time::timeout(Duration::from_secs(5), h.get("/users/me").send())
        .await
        .expect("bounded time");
    let error = result.expect_err("no response");
    assert!(!error.is_status());
    assert_eq!(send(h.get("/users/me")).await.0, 200);
}

#[tokio::test]
async fn malformed_and_truncated_bodies_do_not_parse() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    ctl.inject_fault(FaultRule::next(1, "/users", FaultKind::MalformedJson));
    let response = h.get("/users/me").send().await.expect("response");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("text");
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );

    let whole = h
        .get("/users/me")
        .send()
        .await
        .expect("response")
        .text()
        .await
        .expect("text");
    ctl.inject_fault(FaultRule::next(1, "/users", FaultKind::TruncatedBody));
    let response = h.get("/users/me").send().await.expect("response");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("text");
    assert!(text.len() < whole.len() && whole.starts_with(&text));
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
}

#[tokio::test]
async fn faults_at_a_rate_hit_about_that_share() {
    let h = Harness::empty().await;
    h.sim
        .control()
        .inject_fault(FaultRule::rate(50, "/users", FaultKind::ServerError));
    let mut failed = 0;
    for _ in 0..100 {
        if send(h.get("/users/me")).await.0 == 500 {
            failed += 1;
        }
    }
    assert!((25..=75).contains(&failed), "{failed} of 100");
    h.sim.control().clear_faults();
    assert_eq!(send(h.get("/users/me")).await.0, 200);
}

#[tokio::test]
async fn rate_limits_count_reads_and_writes_apart() {
    let h = Harness::start(SimConfig {
        rate_limit: Some(RateLimit {
            reads_per_minute: 5,
            writes_per_minute: 2,
        }),
        ..SimConfig::empty()
    })
    .await;
    for _ in 0..5 {
        assert_eq!(send(h.get("/users/me")).await.0, 200);
    }
    let response = h.get("/users/me").send().await.expect("response");
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait));
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body, fixture("error_429_too_many_requests.json"));
    // Writes have their own budget.
    let post = || {
        h.post("/messages/packs/1/sellers/1?tag=post_sale")
            .json(&json!({}))
    };
    assert_ne!(send(post()).await.0, 429);
    assert_ne!(send(post()).await.0, 429);
    assert_eq!(send(post()).await.0, 429);
    h.sim.control().set_rate_limit(None);
    assert_eq!(send(h.get("/users/me")).await.0, 200);
}

#[tokio::test]
async fn the_default_limit_is_500_reads_a_minute() {
    let h = Harness::empty().await;
    let mut statuses = Vec::new();
    for _ in 0..501 {
        statuses.push(send(h.get("/sites")).await.0);
    }
    assert!(statuses[..500].iter().all(|s| *s == 200));
    assert_eq!(statuses[500], 429);
    let counts = h.sim.control().request_counts();
    assert_eq!(counts.get("GET /sites"), Some(&501));
}

#[tokio::test]
async fn the_request_log_counts_per_endpoint_pattern_with_times() {
    let h = Harness::empty().await;
    let ctl = h.sim.control();
    send(h.get("/orders/1")).await;
    send(h.get("/orders/2")).await;
    send(h.get("/nowhere")).await;
    let counts = ctl.request_counts();
    assert_eq!(counts.get("GET /orders/{id}"), Some(&2));
    assert_eq!(counts.get("GET /nowhere"), Some(&1));
    let log = ctl.requests();
    assert_eq!(log.len(), 3);
    assert!(log[0].elapsed_ms <= log[2].elapsed_ms);
    assert_eq!(log[2].status, 404);
    // Control requests are not logged.
    send(h.http.get(h.url("/_sim/summary"))).await;
    assert_eq!(ctl.requests().len(), 3);
    ctl.clear_requests();
    assert!(ctl.requests().is_empty());
}

#[tokio::test]
async fn the_log_shows_a_client_waited_out_retry_after() {
    let h = Harness::empty().await;
    h.sim.control().inject_fault(FaultRule::next(
        1,
        "/users",
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
    ));
    let first = h.get("/users/me").send().await.expect("response");
    let wait: u64 = first.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("secs");
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(send(h.get("/users/me")).await.0, 200);
    let log = h.sim.control().requests();
    assert!(log[1].elapsed_ms - log[0].elapsed_ms >= 1000);
}

#[tokio::test]
async fn quirks_vary_the_json_like_mercado_libre_does() {
    let h = Harness::empty().await;
    let sale = h
        .sim
        .control()
        .create_sale(meli_sim::NewSale::new(SELLER_MLA).orders(2))
        .expect("sale");
    h.sim
        .control()
        .inject_fault(FaultRule::next(1, "/orders/", FaultKind::Quirks));
    let (status, order) = send(h.get(&format!("/orders/{}", sale.order_ids[0]))).await;
    assert_eq!(status, 200);
    assert_eq!(order["id"], sale.order_ids[0].to_string());
    assert_eq!(order["buyer"]["id"], sale.buyer_id.to_string());
    assert_eq!(order["status"], "PAID");
    assert!(order["date_closed"].is_null());
    assert!(order.get("tags").is_none());
    assert!(order["x_field_added_later"].is_string());
    let (_, plain) = send(h.get(&format!("/orders/{}", sale.order_ids[0]))).await;
    assert_eq!(plain["status"], "paid", "only the next request");
}
