//! Connecting an account end to end: authorization page, consent, relay, loopback, exchange.

use std::sync::Arc;
use std::time::Duration;

use meli::auth::{parse_pasted, CallbackListener, MemoryTokenStore, TokenStore};
use meli::{Language, MeliError};

use crate::support::*;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn full_flow_connects_and_stores_the_tokens() {
    let sim = sim().await;
    let store = Arc::new(MemoryTokenStore::default());
    let client = client_with(&sim, config(&sim), store.clone());
    let listener = CallbackListener::bind(0).await.expect("bind");
    let attempt = client.authorization_attempt(listener.port());
    assert!(attempt.url.as_str().starts_with(&sim.auth_base_url()));

    let state = attempt.state.clone();
    let waiting = tokio::spawn(async move {
        listener
            .wait(&state, Language::Spanish, WAIT, std::future::pending())
            .await
    });
    let redirect = consent(&attempt.url, "allow").await;
    assert_eq!(
        redirect.as_str().split('?').next(),
        Some(sim.app().redirect_uri.as_str()),
        "to the registered relay"
    );
    assert_eq!(relay(&redirect).await, reqwest::StatusCode::OK);
    let code = waiting.await.expect("task").expect("code arrives");

    let tokens = client
        .connect(&attempt, &code)
        .await
        .expect("code exchanged");
    assert_eq!(tokens.user_id, Some(SELLER));
    assert_eq!(
        store.load().expect("load"),
        Some(tokens),
        "stored before use"
    );
    let me = client.me().await.expect("me");
    assert_eq!(me.id, SELLER);
    assert_eq!(client.seller_id().await.expect("seller id"), Some(SELLER));
}

#[tokio::test]
async fn the_flow_works_when_the_application_requires_pkce() {
    let sim = sim().await;
    sim.control().set_pkce_required(true);
    let client = client_with(&sim, config(&sim), Arc::new(MemoryTokenStore::default()));
    let attempt = client.authorization_attempt(4321);
    let redirect = consent(&attempt.url, "allow").await;
    let code = parse_pasted(redirect.as_str(), &attempt.state).expect("code in the URL");
    client
        .connect(&attempt, &code)
        .await
        .expect("exchange with the verifier");
    client.me().await.expect("me");
}

#[tokio::test]
async fn pasting_the_final_url_connects() {
    let sim = sim().await;
    let client = client_with(&sim, config(&sim), Arc::new(MemoryTokenStore::default()));
    // The browser could not reach the loopback: the seller copies the relay's address.
    let attempt = client.authorization_attempt(9);
    let redirect = consent(&attempt.url, "allow").await;
    let code = parse_pasted(&format!("  {redirect}  "), &attempt.state).expect("code");
    client.connect(&attempt, &code).await.expect("connected");
    assert_eq!(client.me().await.expect("me").id, SELLER);
}

#[tokio::test]
async fn a_wrong_state_is_refused_and_the_attempt_keeps_listening() {
    let sim = sim().await;
    let client = client_with(&sim, config(&sim), Arc::new(MemoryTokenStore::default()));
    let listener = CallbackListener::bind(0).await.expect("bind");
    let port = listener.port();
    let attempt = client.authorization_attempt(port);
    let state = attempt.state.clone();
    let waiting = tokio::spawn(async move {
        listener
            .wait(&state, Language::English, WAIT, std::future::pending())
            .await
    });
    // A stale attempt's answer (another state for the same port) arrives first: refused, and
    // the attempt is still waiting for its own.
    let stale = consent(&client.authorization_attempt(port).url, "allow").await;
    assert_eq!(relay(&stale).await, reqwest::StatusCode::BAD_REQUEST);
    assert!(matches!(
        parse_pasted(stale.as_str(), &attempt.state),
        Err(MeliError::StateMismatch)
    ));
    let redirect = consent(&attempt.url, "allow").await;
    assert_eq!(relay(&redirect).await, reqwest::StatusCode::OK);
    let code = waiting
        .await
        .expect("task")
        .expect("the right callback ends the wait");
    client
        .connect(&attempt, &code)
        .await
        .expect("the right code is exchanged");
}

#[tokio::test]
async fn denied_consent_is_its_own_error() {
    let sim = sim().await;
    let client = client_with(&sim, config(&sim), Arc::new(MemoryTokenStore::default()));
    let listener = CallbackListener::bind(0).await.expect("bind");
    let attempt = client.authorization_attempt(listener.port());
    let state = attempt.state.clone();
    let waiting = tokio::spawn(async move {
        listener
            .wait(&state, Language::Portuguese, WAIT, std::future::pending())
            .await
    });
    let redirect = consent(&attempt.url, "deny").await;
    relay(&redirect).await;
    let result = waiting.await.expect("task");
    assert!(
        matches!(result, Err(MeliError::AuthorizationDenied { ref error }) if error == "access_denied"),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_reused_code_is_an_invalid_grant() {
    let sim = sim().await;
    let client = client_with(&sim, config(&sim), Arc::new(MemoryTokenStore::default()));
    let attempt = client.authorization_attempt(9);
    let redirect = consent(&attempt.url, "allow").await;
    let code = parse_pasted(redirect.as_str(), &attempt.state).expect("code");
    client.connect(&attempt, &code).await.expect("first use");
    let again = client.connect(&attempt, &code).await;
    assert!(
        matches!(again, Err(MeliError::InvalidGrant { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn the_listener_times_out_ignores_strays_and_can_be_cancelled() {
    let listener = CallbackListener::bind(0).await.expect("bind");
    let port = listener.port();
    let waiting = tokio::spawn(async move {
        listener
            .wait(
                "s.1",
                Language::Spanish,
                Duration::from_millis(600),
                std::future::pending(),
            )
            .await
    });
    let stray = browser()
        .get(format!("http://127.0.0.1:{port}/favicon.ico"))
        .send()
        .await
        .expect("stray");
    assert_eq!(
        stray.status(),
        reqwest::StatusCode::NOT_FOUND,
        "anything else gets 404"
    );
    let result = within("the listener's timeout", waiting)
        .await
        .expect("task");
    assert!(
        matches!(result, Err(MeliError::CallbackTimeout)),
        "{result:?}"
    );

    let listener = CallbackListener::bind(0).await.expect("bind");
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let waiting = tokio::spawn(async move {
        listener
            .wait("s.1", Language::Spanish, WAIT, async {
                let _ = cancelled.await;
            })
            .await
    });
    cancel.send(()).expect("cancel");
    let result = waiting.await.expect("task");
    assert!(matches!(result, Err(MeliError::Cancelled)), "{result:?}");
}

#[tokio::test]
async fn a_busy_port_is_reported() {
    let first = CallbackListener::bind(0).await.expect("bind");
    let second = CallbackListener::bind(first.port()).await;
    assert!(
        matches!(second, Err(MeliError::PortInUse { port }) if port == first.port()),
        "{second:?}"
    );
}

#[tokio::test]
async fn an_idle_connection_does_not_hold_up_the_callback_and_preflights_are_answered() {
    let listener = CallbackListener::bind(0)
        .await
        .expect("bind")
        .for_relay("https://relay.example.test/mostrador/?x=1");
    let port = listener.port();
    let state = format!("s.{port}");
    let waiting = {
        let state = state.clone();
        tokio::spawn(async move {
            listener
                .wait(&state, Language::English, WAIT, std::future::pending())
                .await
        })
    };
    // A browser's speculative connection that never sends a request.
    let _idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let preflight = browser()
        .request(
            reqwest::Method::OPTIONS,
            format!("http://127.0.0.1:{port}/probe"),
        )
        .header("Access-Control-Request-Private-Network", "true")
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status(), reqwest::StatusCode::NO_CONTENT);
    // CORS answers the relay's own origin, never any page's.
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"https://relay.example.test"[..])
    );
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-private-network")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    let url = format!("http://127.0.0.1:{port}/callback?code=TG-1&state={state}");
    let answer = browser().get(url).send().await.expect("callback");
    assert_eq!(answer.status(), reqwest::StatusCode::OK);
    assert!(answer
        .text()
        .await
        .expect("page")
        .contains("Account connected"));
    // An idle connection that held the listener up would end the wait in a timeout, not a code.
    let code = within("the callback", waiting)
        .await
        .expect("task")
        .expect("code");
    assert_eq!(code.expose(), "TG-1");
}
