//! The loopback listener: 127.0.0.1 only, one `GET /callback` with this attempt's `state`, a
//! short reply page, a timeout and a cancel. Anything else gets a 404 and is ignored, so a stray
//! request from another local program cannot end the attempt with a guessed path; a callback
//! with another `state` (a stale attempt's, or a page scanning ports) is answered, logged and
//! ignored too, and the attempt keeps listening.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use url::Url;

use super::reply_page::{self, Outcome};
use crate::{Language, MeliError, Secret};

const MAX_REQUEST_BYTES: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// A listener bound before the authorization URL is built, so `state` can carry its port.
pub struct CallbackListener {
    listener: TcpListener,
    port: u16,
    /// The relay page's origin, the only one CORS answers for (`None`: no CORS header at all).
    relay_origin: Option<Arc<str>>,
}

impl std::fmt::Debug for CallbackListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackListener")
            .field("port", &self.port)
            .finish()
    }
}

enum Callback {
    Code(Secret),
    Denied(String),
    WrongState,
    NotOurs,
    /// A browser's CORS/private-network preflight before the relay's probe.
    Preflight,
}

impl CallbackListener {
    /// Binds `127.0.0.1:port`; 0 picks a free port.
    pub async fn bind(port: u16) -> Result<Self, MeliError> {
        let listener =
            TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AddrInUse => MeliError::PortInUse { port },
                    _ => MeliError::Listener(e.to_string()),
                })?;
        let port = listener
            .local_addr()
            .map_err(|e| MeliError::Listener(e.to_string()))?
            .port();
        Ok(CallbackListener {
            listener,
            port,
            relay_origin: None,
        })
    }

    /// Lets the relay page at `redirect_uri` (and only its origin) probe the listener across
    /// origins. An address without an origin (not http or https) allows none.
    pub fn for_relay(mut self, redirect_uri: &str) -> Self {
        self.relay_origin = Url::parse(redirect_uri)
            .ok()
            .map(|url| url.origin())
            .filter(url::Origin::is_tuple)
            .map(|origin| Arc::from(origin.ascii_serialization()));
        self
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL the relay forwards to.
    pub fn callback_url(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Waits for the callback of the attempt whose state is `expected_state`. Ends with the code,
    /// or with `AuthorizationDenied`, `CallbackTimeout` or `Cancelled`; a callback with another
    /// state is refused and the wait goes on.
    /// Connections are served concurrently, so an idle one (a browser's preconnect) cannot hold
    /// up the callback.
    pub async fn wait(
        self,
        expected_state: &str,
        lang: Language,
        timeout: Duration,
        cancel: impl Future<Output = ()>,
    ) -> Result<Secret, MeliError> {
        let expected: Arc<str> = Arc::from(expected_state);
        let serve = async {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted.map_err(|e| MeliError::Listener(e.to_string()))?;
                        connections.spawn(answer(
                            stream,
                            expected.clone(),
                            self.relay_origin.clone(),
                            lang,
                        ));
                    }
                    Some(done) = connections.join_next() => match done {
                        Ok(Some(Callback::Code(code))) => return Ok(code),
                        Ok(Some(Callback::Denied(error))) => {
                            return Err(MeliError::AuthorizationDenied { error })
                        }
                        Ok(Some(Callback::WrongState)) => {
                            tracing::warn!(
                                port = self.port,
                                "a callback with another attempt's state was ignored"
                            );
                        }
                        Ok(Some(Callback::NotOurs | Callback::Preflight) | None) | Err(_) => {}
                    },
                }
            }
        };
        tokio::select! {
            result = serve => result,
            _ = tokio::time::sleep(timeout) => Err(MeliError::CallbackTimeout),
            _ = cancel => Err(MeliError::Cancelled),
        }
    }
}

/// Reads one request and answers it; `None` when the connection broke before a full request.
async fn answer(
    mut stream: TcpStream,
    expected_state: Arc<str>,
    relay_origin: Option<Arc<str>>,
    lang: Language,
) -> Option<Callback> {
    let head = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream))
        .await
        .ok()??;
    let callback = interpret(&head, &expected_state);
    // Only the relay page, served over HTTPS from its own origin, may read our answers.
    let cors = relay_origin
        .map(|origin| format!("Access-Control-Allow-Origin: {origin}\r\nVary: Origin\r\n"))
        .unwrap_or_default();
    if matches!(callback, Callback::Preflight) {
        // Lets the relay probe whether we are listening.
        let preflight = format!(
            "HTTP/1.1 204 No Content\r\n{cors}Access-Control-Allow-Methods: GET\r\n\
             Access-Control-Allow-Private-Network: true\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        );
        let _ = stream.write_all(preflight.as_bytes()).await;
        let _ = stream.shutdown().await;
        return Some(callback);
    }
    let (status, body) = match &callback {
        Callback::Code(_) => ("200 OK", reply_page::html(lang, Outcome::Connected)),
        Callback::Denied(_) => ("200 OK", reply_page::html(lang, Outcome::Denied)),
        Callback::WrongState => (
            "400 Bad Request",
            reply_page::html(lang, Outcome::WrongAttempt),
        ),
        Callback::NotOurs | Callback::Preflight => ("404 Not Found", "not found".to_owned()),
    };
    let content_type = if matches!(callback, Callback::NotOurs) {
        "text/plain; charset=utf-8"
    } else {
        "text/html; charset=utf-8"
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         {cors}Connection: close\r\n\r\n{body}",
        body.len()
    );
    // The seller's browser may already have gone; the callback still counts.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    Some(callback)
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST_BYTES {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn interpret(head: &str, expected_state: &str) -> Callback {
    let mut parts = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = (parts.next(), parts.next());
    if method == Some("OPTIONS") {
        return Callback::Preflight;
    }
    let (Some("GET"), Some(target)) = (method, target) else {
        return Callback::NotOurs;
    };
    let Ok(url) = Url::parse("http://127.0.0.1").and_then(|b| b.join(target)) else {
        return Callback::NotOurs;
    };
    if url.path() != "/callback" {
        return Callback::NotOurs;
    }
    let query = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let Some(state) = query("state") else {
        return Callback::NotOurs;
    };
    if state != expected_state {
        return Callback::WrongState;
    }
    if let Some(error) = query("error") {
        return Callback::Denied(error);
    }
    match query("code") {
        Some(code) if !code.is_empty() => Callback::Code(Secret::new(code)),
        _ => Callback::Denied("no_code".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(target: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    }

    #[test]
    fn interprets_only_the_callback_path_with_a_state() {
        assert!(
            matches!(interpret(&head("/callback?code=TG-1&state=s.1"), "s.1"), Callback::Code(c) if c.expose() == "TG-1")
        );
        assert!(matches!(
            interpret(&head("/callback?code=TG-1&state=other.1"), "s.1"),
            Callback::WrongState
        ));
        assert!(
            matches!(interpret(&head("/callback?error=access_denied&state=s.1"), "s.1"), Callback::Denied(e) if e == "access_denied")
        );
        assert!(matches!(
            interpret(&head("/favicon.ico"), "s.1"),
            Callback::NotOurs
        ));
        assert!(matches!(
            interpret(&head("/callback?code=TG-1"), "s.1"),
            Callback::NotOurs
        ));
        assert!(matches!(
            interpret(&head("/callbackx?code=1&state=s.1"), "s.1"),
            Callback::NotOurs
        ));
        assert!(matches!(
            interpret("POST /callback?code=1&state=s.1 HTTP/1.1\r\n\r\n", "s.1"),
            Callback::NotOurs
        ));
        assert!(matches!(
            interpret("OPTIONS /probe HTTP/1.1\r\n\r\n", "s.1"),
            Callback::Preflight
        ));
    }

    #[tokio::test]
    async fn cors_answers_only_the_relays_origin() {
        let origin = |uri: &str| {
            let listener = listener_on_any_port();
            listener.for_relay(uri).relay_origin.map(|o| o.to_string())
        };
        fn listener_on_any_port() -> CallbackListener {
            let std = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            std.set_nonblocking(true).expect("nonblocking");
            let port = std.local_addr().expect("addr").port();
            CallbackListener {
                listener: TcpListener::from_std(std).expect("tokio listener"),
                port,
                relay_origin: None,
            }
        }
        assert_eq!(
            origin("https://seller.github.io/mostrador/").as_deref(),
            Some("https://seller.github.io")
        );
        assert_eq!(
            origin("https://relay.example.test:8443/a?b=c").as_deref(),
            Some("https://relay.example.test:8443")
        );
        assert_eq!(origin("not an address"), None);
        assert_eq!(origin("data:text/html,hi"), None);
    }
}
