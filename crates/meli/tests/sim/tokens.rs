//! Expiry, single-flight refresh, single-use refresh tokens, and persisting before use.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use meli::auth::{MemoryTokenStore, StoredTokens, TokenStore};
use meli::MeliError;

use crate::support::*;

const PAST_EXPIRY: Duration = Duration::from_secs(3 * 3600 + 60);

#[tokio::test]
async fn expiry_mid_session_refreshes_once_and_the_request_succeeds() {
    let sim = sim().await;
    let (client, store) = connected(&sim);
    let before = store.load().expect("load").expect("tokens");
    client.me().await.expect("fresh token works");
    sim.control().advance_clock(PAST_EXPIRY);

    let me = client.me().await.expect("refreshed and retried");
    assert_eq!(me.id, SELLER);
    assert_eq!(client.refresh_count(), 1);
    assert_eq!(count(&sim, "POST /oauth/token"), 1);
    let after = store.load().expect("load").expect("tokens");
    assert_ne!(after.access_token, before.access_token);
    assert_ne!(
        after.refresh_token, before.refresh_token,
        "a new refresh token replaced the used one"
    );
    client.me().await.expect("the new token keeps working");
    assert_eq!(count(&sim, "POST /oauth/token"), 1);
}

#[tokio::test]
async fn concurrent_requests_with_an_expired_token_refresh_exactly_once() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    client.me().await.expect("warm");
    sim.control().advance_clock(PAST_EXPIRY);
    let calls = (0..8).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.me().await })
    });
    for call in calls {
        call.await.expect("task").expect("every request succeeds");
    }
    assert_eq!(client.refresh_count(), 1);
    assert_eq!(
        count(&sim, "POST /oauth/token"),
        1,
        "exactly one refresh reached the server"
    );
}

#[tokio::test]
async fn a_token_known_to_be_expired_is_refreshed_before_the_request() {
    let sim = sim().await;
    let mut tokens = issued(&sim, meli_sim::SELLER_MLA);
    tokens.expires_at = Utc::now() - chrono::Duration::seconds(1);
    let client = client_with(
        &sim,
        config(&sim),
        Arc::new(MemoryTokenStore::new(Some(tokens))),
    );
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.me().await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("ok");
    }
    assert_eq!(count(&sim, "POST /oauth/token"), 1);
    let unauthorized = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.status == 401)
        .count();
    assert_eq!(
        unauthorized, 0,
        "no request went out with the expired token"
    );
}

#[tokio::test]
async fn reusing_an_old_refresh_token_fails_clearly() {
    let sim = sim().await;
    let (client, store) = connected(&sim);
    let old = store.load().expect("load").expect("tokens");
    sim.control().advance_clock(PAST_EXPIRY);
    client
        .me()
        .await
        .expect("refreshes with the current refresh token");

    // A second copy of the app still holding the old pair.
    let mut stale = old;
    stale.expires_at = Utc::now() - chrono::Duration::seconds(1);
    let other = client_with(
        &sim,
        config(&sim),
        Arc::new(MemoryTokenStore::new(Some(stale))),
    );
    let result = other.me().await;
    match result {
        Err(e @ MeliError::InvalidGrant { .. }) => {
            assert!(e.needs_reconnect());
            assert_eq!(e.code(), "invalid_grant");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_revoked_application_asks_to_reconnect() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    client.me().await.expect("works");
    sim.control().revoke_app(meli_sim::SELLER_MLA);
    let result = client.me().await;
    assert!(
        result.as_ref().is_err_and(MeliError::needs_reconnect),
        "{result:?}"
    );
}

#[tokio::test]
async fn not_connected_until_tokens_exist() {
    let sim = sim().await;
    let client = client_with(&sim, config(&sim), Arc::new(MemoryTokenStore::default()));
    assert!(matches!(client.me().await, Err(MeliError::NotConnected)));
    assert_eq!(sim.control().requests().len(), 0);
}

/// Refuses to save while `locked`: proves the client does not use a new pair it could not
/// persist, and keeps it until it can.
#[derive(Default)]
struct FlakyStore {
    tokens: Mutex<Option<StoredTokens>>,
    locked: std::sync::atomic::AtomicBool,
}

impl TokenStore for FlakyStore {
    fn load(&self) -> Result<Option<StoredTokens>, MeliError> {
        Ok(self.tokens.lock().expect("lock").clone())
    }
    fn save(&self, tokens: &StoredTokens) -> Result<(), MeliError> {
        if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(MeliError::TokenStore("keychain locked".into()));
        }
        *self.tokens.lock().expect("lock") = Some(tokens.clone());
        Ok(())
    }
    fn clear(&self) -> Result<(), MeliError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_refreshed_pair_is_stored_before_any_request_uses_it() {
    let sim = sim().await;
    let mut tokens = issued(&sim, meli_sim::SELLER_MLA);
    tokens.expires_at = Utc::now() - chrono::Duration::seconds(1);
    let store = Arc::new(FlakyStore {
        tokens: Mutex::new(Some(tokens.clone())),
        locked: true.into(),
    });
    let client = client_with(&sim, config(&sim), store.clone());
    let result = client.me().await;
    assert!(
        matches!(result, Err(MeliError::TokenStore(_))),
        "{result:?}"
    );
    assert_eq!(count(&sim, "POST /oauth/token"), 1);
    assert_eq!(
        count(&sim, "GET /users/me"),
        0,
        "the unsaved token was never used"
    );

    // The keychain comes back: the kept pair is saved, then used, with no second refresh.
    store
        .locked
        .store(false, std::sync::atomic::Ordering::SeqCst);
    client.me().await.expect("works once saved");
    assert_eq!(count(&sim, "POST /oauth/token"), 1);
    let saved = store.load().expect("load").expect("tokens");
    assert_ne!(
        saved.refresh_token, tokens.refresh_token,
        "the new pair was saved"
    );
}

#[tokio::test]
async fn debug_output_never_shows_tokens_or_the_secret() {
    let sim = sim().await;
    let (client, store) = connected(&sim);
    let tokens = store.load().expect("load").expect("tokens");
    let cfg = config(&sim);
    let shown = format!("{client:?} {tokens:?} {cfg:?} {store:?}");
    assert!(!shown.contains(tokens.access_token.expose()), "{shown}");
    let refresh = tokens.refresh_token.as_ref().expect("refresh token");
    assert!(!shown.contains(refresh.expose()), "{shown}");
    assert!(!shown.contains(&sim.app().client_secret), "{shown}");
}

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_show_tokens_codes_or_the_secret() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;

    let logs = LogBuffer::default();
    let writer = logs.clone();
    let targets = Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_target("meli_sim", LevelFilter::OFF);
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .with_filter(targets),
    );
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = sim().await;
    let store = Arc::new(MemoryTokenStore::default());
    let client = client_with(&sim, config(&sim), store.clone());
    let attempt = client.authorization_attempt(9);
    let redirect = consent(&attempt.url, "allow").await;
    let code = meli::auth::parse_pasted(redirect.as_str(), &attempt.state).expect("code");
    let first = client.connect(&attempt, &code).await.expect("connected");
    sim.control().advance_clock(PAST_EXPIRY);
    client.me().await.expect("refreshed");
    let second = store.load().expect("load").expect("tokens");

    let text = String::from_utf8(logs.0.lock().expect("log lock").clone()).expect("utf8");
    assert!(
        text.contains("refreshing the Mercado Libre access token"),
        "logs were captured: {text}"
    );
    let secrets = [
        first.access_token.expose().to_owned(),
        first
            .refresh_token
            .as_ref()
            .expect("refresh")
            .expose()
            .to_owned(),
        second.access_token.expose().to_owned(),
        second
            .refresh_token
            .as_ref()
            .expect("refresh")
            .expose()
            .to_owned(),
        code.expose().to_owned(),
        attempt.pkce.verifier.expose().to_owned(),
        sim.app().client_secret,
    ];
    for secret in secrets {
        assert!(!text.contains(&secret), "a secret reached the logs");
    }
}

/// A token endpoint that answers every request with a 307 to `to`, counting what it got.
async fn redirecting_endpoint(to: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let to = to.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = stream.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: {to}/oauth/token\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    base
}

#[tokio::test]
async fn the_token_post_never_follows_a_redirect() {
    let sim = sim().await;
    // Where a redirect would re-send the client secret: a listener nobody should reach.
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    elsewhere.set_nonblocking(true).expect("nonblocking");
    let elsewhere_url = format!("http://{}", elsewhere.local_addr().expect("addr"));
    let redirecting = redirecting_endpoint(elsewhere_url).await;
    let mut tokens = issued(&sim, meli_sim::SELLER_MLA);
    tokens.expires_at = Utc::now() - chrono::Duration::seconds(1);
    let config = config(&sim).with_bases(redirecting, sim.auth_base_url());
    let client = client_with(&sim, config, Arc::new(MemoryTokenStore::new(Some(tokens))));
    let err = client.me().await.expect_err("the refresh is not followed");
    assert!(
        matches!(err, MeliError::Http { status: 307, .. }),
        "{err:?}"
    );
    // The client returned: had it followed the 307 it would have connected already.
    match elsewhere.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the redirect target was contacted: {other:?}"),
    }
}
