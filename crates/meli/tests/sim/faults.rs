//! Faults injected by the simulator: each ends within bounded time, retried only where safe.

use std::time::{Duration, Instant};

use meli::{MeliError, SendMessage};
use meli_sim::{FaultKind, FaultRule, NewSale, SELLER_MLA};

use crate::support::*;

fn arrivals(sim: &meli_sim::Simulator, path: &str) -> Vec<u64> {
    sim.control()
        .requests()
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.elapsed_ms)
        .collect()
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_retried() {
    let sim = sim().await;
    sim.control().inject_fault(FaultRule::next(
        1,
        "/users/me",
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
    ));
    let (client, _) = connected(&sim);
    within("a retry after a second", client.me())
        .await
        .expect("succeeds after waiting");
    let at = arrivals(&sim, "/users/me");
    assert_eq!(at.len(), 2, "{at:?}");
    assert!(
        at[1] - at[0] >= 1000,
        "retried after {} ms, before Retry-After",
        at[1] - at[0]
    );
}

#[tokio::test]
async fn a_too_long_retry_after_goes_back_to_the_caller() {
    let sim = sim().await;
    sim.control().inject_fault(FaultRule::next(
        1,
        "/users/me",
        FaultKind::TooManyRequests {
            retry_after_secs: 120,
        },
    ));
    let (client, _) = connected(&sim);
    // Not waited here: the 30 s bound is well under the two minutes asked for.
    let err = within("a refused wait", client.me())
        .await
        .expect_err("not waited here");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(arrivals(&sim, "/users/me").len(), 1, "not retried");
}

#[tokio::test]
async fn server_errors_then_success() {
    let sim = sim().await;
    sim.control()
        .inject_fault(FaultRule::next(2, "/users/me", FaultKind::ServerError));
    let (client, _) = connected(&sim);
    within("two retries", client.me())
        .await
        .expect("third try succeeds");
    assert_eq!(arrivals(&sim, "/users/me").len(), 3);
}

#[tokio::test]
async fn persistent_server_errors_give_up_after_the_attempt_limit() {
    let sim = sim().await;
    sim.control()
        .inject_fault(FaultRule::rate(100, "/users/me", FaultKind::ServerError));
    let (client, _) = connected(&sim);
    let err = within("bounded retries", client.me())
        .await
        .expect_err("gives up");
    assert!(
        matches!(err, MeliError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(arrivals(&sim, "/users/me").len(), 4);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_reads() {
    let sim = sim().await;
    sim.control()
        .inject_fault(FaultRule::next(1, "/users/me", FaultKind::DropConnection));
    let (client, _) = connected(&sim);
    within("a retried read", client.me())
        .await
        .expect("retried");
    assert_eq!(arrivals(&sim, "/users/me").len(), 2);
}

#[tokio::test]
async fn a_dropped_connection_on_send_is_an_unknown_outcome_never_retried() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    sim.control()
        .buyer_writes(sale.conversation_id, "hola", None)
        .expect("buyer writes");
    let path = format!("/messages/packs/{}/sellers/{SELLER}", sale.conversation_id);
    sim.control()
        .inject_fault(FaultRule::next(1, &path, FaultKind::DropConnection).for_method("POST"));
    let (client, _) = connected(&sim);
    let message = SendMessage {
        from: SELLER,
        to: sale.buyer_id as i64,
        text: "Gracias".into(),
        attachments: vec![],
    };
    let err = client
        .send_message(sale.conversation_id as i64, SELLER, &message)
        .await
        .expect_err("dropped");
    assert!(
        matches!(err, MeliError::SendOutcomeUnknown { .. }),
        "{err:?}"
    );
    assert_eq!(
        sim.control()
            .requests()
            .iter()
            .filter(|r| r.path == path && r.method == "POST")
            .count(),
        1
    );
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_a_short_excerpt() {
    let sim = sim().await;
    sim.control()
        .inject_fault(FaultRule::next(1, "/users/me", FaultKind::MalformedJson));
    let (client, _) = connected(&sim);
    let err = client.me().await.expect_err("malformed");
    match err {
        MeliError::Decode { excerpt, .. } => {
            assert!(!excerpt.is_empty());
            assert!(excerpt.chars().count() <= 161, "{excerpt}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        arrivals(&sim, "/users/me").len(),
        1,
        "a decode error is not retried"
    );
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_with_the_start_of_the_body() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA))
        .expect("sale");
    let path = format!("/orders/{}", sale.order_ids[0]);
    sim.control()
        .inject_fault(FaultRule::next(1, &path, FaultKind::TruncatedBody));
    let (client, _) = connected(&sim);
    let err = within("a truncated read", client.order(sale.order_ids[0] as i64))
        .await
        .expect_err("truncated");
    match err {
        MeliError::Decode { excerpt, .. } => assert!(excerpt.starts_with('{'), "{excerpt}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_succeeds() {
    let sim = sim().await;
    sim.control().inject_fault(FaultRule::next(
        1,
        "/users/me",
        FaultKind::Slow { delay_ms: 300 },
    ));
    let (client, _) = connected(&sim);
    let started = Instant::now();
    client.me().await.expect("slow but fine");
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn an_unreachable_api_is_a_network_error_after_bounded_retries() {
    let sim = sim().await;
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let dead_base = format!("http://{}", dead.local_addr().expect("addr"));
    drop(dead);
    let store = std::sync::Arc::new(meli::auth::MemoryTokenStore::new(Some(issued(
        &sim, SELLER_MLA,
    ))));
    let client = client_with(
        &sim,
        config(&sim).with_bases(dead_base, sim.auth_base_url()),
        store,
    );
    let err = within("bounded retries", client.me())
        .await
        .expect_err("nobody listens");
    assert!(matches!(err, MeliError::Network(_)), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_bad_base_url_is_a_configuration_error() {
    let sim = sim().await;
    let store = std::sync::Arc::new(meli::auth::MemoryTokenStore::default());
    let err = meli::Client::new(
        config(&sim).with_bases("not a url", sim.auth_base_url()),
        store.clone(),
    )
    .expect_err("bad base");
    assert_eq!(err.code(), "invalid_config");
    let err = meli::Client::new(
        config(&sim).with_bases(sim.base_url(), "mailto:x@example.test"),
        store,
    )
    .expect_err("bad auth base");
    assert_eq!(err.code(), "invalid_config");
}
