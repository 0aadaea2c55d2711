//! The relay page (`relay/index.html`) in headless Chromium against a real loopback listener.
//! Every request Chromium makes to a host other than 127.0.0.1 goes to a local spy proxy, so a
//! relay that tried to leave the machine is caught without any traffic leaving it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use meli::auth::CallbackListener;
use meli::{Language, MeliError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CHROMIUM: &str = "/usr/bin/chromium";
static CHROMIUM_ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn chromium() -> String {
    let path = std::env::var("MOSTRADOR_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
    assert!(
        std::path::Path::new(&path).exists(),
        "Chromium is required for the relay tests and was not found at {path}. \
         Install it with `cargo xtask setup` (Debian: `apt-get install -y chromium`), \
         or point MOSTRADOR_CHROMIUM at a Chromium binary."
    );
    path
}

fn relay_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../relay")
}

/// Reads one request head; returns its first line.
async fn read_request_line(stream: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&buf)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

/// Serves the files of `relay/` as a static host would (HTTP here; the page has nothing
/// HTTPS-specific).
async fn serve_relay() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind relay host");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let line = read_request_line(&mut stream).await;
                let path = line
                    .split(' ')
                    .nth(1)
                    .unwrap_or("/")
                    .split('?')
                    .next()
                    .unwrap_or("/")
                    .to_owned();
                let (name, kind) = match path.as_str() {
                    "/" | "/index.html" => ("index.html", "text/html; charset=utf-8"),
                    "/relay.js" => ("relay.js", "text/javascript; charset=utf-8"),
                    "/relay.css" => ("relay.css", "text/css; charset=utf-8"),
                    _ => ("", ""),
                };
                let response = match std::fs::read(relay_dir().join(name)) {
                    Ok(body) if !name.is_empty() => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(&body);
                        r
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response).await;
            });
        }
    });
    port
}

/// Chromium's own background services (time, component updates, accounts); they are not the
/// page's doing, and through the spy they never leave the machine either.
fn is_browser_housekeeping(request_line: &str) -> bool {
    let target = request_line.split(' ').nth(1).unwrap_or("");
    let host = target
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    ["google.com", "googleapis.com", "gstatic.com", "gvt1.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// A proxy that records every request sent to it (but the browser's housekeeping) and forwards
/// none. A connection closed before it sent a request head is not a request and is not
/// recorded: on a loaded machine Chromium once opened one to the proxy and closed it unused as
/// it exited (a CI failure with the empty line as the only entry). A page that asks for another
/// host sends its request line as soon as it connects.
async fn spy_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind spy");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let line = read_request_line(&mut stream).await;
                if !line.is_empty() && !is_browser_housekeeping(&line) {
                    log.lock().expect("spy log").push(line);
                }
                let _ = stream
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (port, seen)
}

/// Loads `url` in headless Chromium and returns the DOM once scripts have settled.
async fn load(url: String, accept_lang: &'static str, proxy_port: u16) -> String {
    let binary = chromium();
    tokio::task::spawn_blocking(move || {
        let _one = CHROMIUM_ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let profile = tempfile::tempdir().expect("profile dir");
        let output = std::process::Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                &format!("--user-data-dir={}", profile.path().display()),
                &format!("--proxy-server=http://127.0.0.1:{proxy_port}"),
                &format!("--accept-lang={accept_lang}"),
                "--virtual-time-budget=8000",
                "--dump-dom",
                &url,
            ])
            .output()
            .expect("run chromium");
        assert!(
            output.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    })
    .await
    .expect("chromium task")
}

#[test]
fn housekeeping_filter_keeps_anything_the_page_could_cause() {
    assert!(is_browser_housekeeping(
        "CONNECT update.googleapis.com:443 HTTP/1.1"
    ));
    assert!(is_browser_housekeeping(
        "GET http://clients2.google.com/time/1/current HTTP/1.1"
    ));
    assert!(!is_browser_housekeeping("GET http://evil.com/ HTTP/1.1"));
    assert!(!is_browser_housekeeping(
        "GET http://evil.com/.google.com HTTP/1.1"
    ));
    assert!(!is_browser_housekeeping("CONNECT 1.2.3.4:80 HTTP/1.1"));
    assert!(!is_browser_housekeeping(
        "GET http://notgoogle.com/ HTTP/1.1"
    ));
}

fn relay_url(relay_port: u16, query: &str) -> String {
    format!("http://127.0.0.1:{relay_port}/index.html?{query}")
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

const CODE: &str = "TG-61828b7fffcc9a001b4bc890-314029626";

#[tokio::test]
async fn relay_forwards_code_and_state_to_the_loopback_listener() {
    let relay = serve_relay().await;
    let (proxy, seen) = spy_proxy().await;
    let listener = CallbackListener::bind(0).await.expect("bind");
    let state = format!("Qk3xY_random.{}", listener.port());
    let wait = {
        let state = state.clone();
        tokio::spawn(async move {
            listener
                .wait(
                    &state,
                    Language::Portuguese,
                    Duration::from_secs(30),
                    std::future::pending(),
                )
                .await
        })
    };
    let dom = load(
        relay_url(relay, &format!("code={CODE}&state={}", enc(&state))),
        "pt-BR",
        proxy,
    )
    .await;
    let code = wait
        .await
        .expect("listener task")
        .expect("the callback arrived");
    assert_eq!(code.expose(), CODE);
    assert!(
        dom.contains("Conta conectada"),
        "the listener's reply page, in Portuguese: {dom}"
    );
    assert!(
        seen.lock().expect("spy").is_empty(),
        "left loopback: {:?}",
        seen.lock().expect("spy")
    );
}

#[tokio::test]
async fn relay_forwards_a_denial() {
    let relay = serve_relay().await;
    let (proxy, _) = spy_proxy().await;
    let listener = CallbackListener::bind(0).await.expect("bind");
    let state = format!("deny.{}", listener.port());
    let wait = {
        let state = state.clone();
        tokio::spawn(async move {
            listener
                .wait(
                    &state,
                    Language::Spanish,
                    Duration::from_secs(30),
                    std::future::pending(),
                )
                .await
        })
    };
    let query = format!(
        "error=access_denied&error_description=denied&state={}",
        enc(&state)
    );
    let dom = load(relay_url(relay, &query), "es", proxy).await;
    let result = wait.await.expect("listener task");
    assert!(
        matches!(result, Err(MeliError::AuthorizationDenied { ref error }) if error == "access_denied"),
        "{result:?}"
    );
    assert!(dom.contains("Conexión cancelada"), "{dom}");
}

#[tokio::test]
async fn hostile_states_never_leave_the_page_and_show_the_code() {
    let relay = serve_relay().await;
    let (proxy, seen) = spy_proxy().await;
    let listener = CallbackListener::bind(0).await.expect("bind");
    let real_port = listener.port();
    let watcher = tokio::spawn(async move {
        listener
            .wait(
                "never-matches",
                Language::English,
                Duration::from_secs(60),
                std::future::pending(),
            )
            .await
    });
    let hostile = [
        "evil.com".to_owned(),
        "1.2.3.4:80".to_owned(),
        "javascript:alert(1)".to_owned(),
        "x.99999".to_owned(),
        format!("x.{real_port}@evil.com"),
        format!("x.{real_port}/../../evil.com"),
        format!("x.{real_port}#evil.com"),
        "x.-80".to_owned(),
        "x.0".to_owned(),
        "//evil.com/.80".to_owned(),
    ];
    for state in &hostile {
        let dom = load(
            relay_url(relay, &format!("code={CODE}&state={}", enc(state))),
            "en-US",
            proxy,
        )
        .await;
        assert!(
            dom.contains("data-relay=\"paste\""),
            "state {state:?} did not end on the paste view: {dom}"
        );
        assert!(dom.contains(CODE), "state {state:?}: code not shown");
        assert!(
            dom.contains("Copy this code into Mostrador"),
            "state {state:?}: {dom}"
        );
    }
    assert!(
        seen.lock().expect("spy").is_empty(),
        "the relay tried to leave loopback: {:?}",
        seen.lock().expect("spy")
    );
    assert!(
        !watcher.is_finished(),
        "a hostile state reached the listener: {:?}",
        watcher.await
    );
}

#[tokio::test]
async fn an_unreachable_loopback_shows_the_code_to_paste() {
    let relay = serve_relay().await;
    let (proxy, seen) = spy_proxy().await;
    // A port that was just free: nobody listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let dom = load(
        relay_url(relay, &format!("code={CODE}&state=abc.{port}")),
        "es-AR",
        proxy,
    )
    .await;
    assert!(dom.contains("data-relay=\"paste\""), "{dom}");
    assert!(
        dom.contains("Copia este código en Mostrador"),
        "Spanish by navigator.language: {dom}"
    );
    assert!(dom.contains(CODE));
    assert!(
        seen.lock().expect("spy").is_empty(),
        "{:?}",
        seen.lock().expect("spy")
    );
}

#[tokio::test]
async fn without_a_code_the_page_says_so() {
    let relay = serve_relay().await;
    let (proxy, _) = spy_proxy().await;
    let dom = load(relay_url(relay, "state=abc.8080"), "en", proxy).await;
    assert!(dom.contains("data-relay=\"missing\""), "{dom}");
}
