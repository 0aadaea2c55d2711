//! A real seller connects, as a seller would: no "Try the demo", no fake opener. The simulator
//! runs on its own (PKCE on, its consent page asking), the app is started against it with
//! `--api-base`/`--auth-base`, the seller types the client id, the secret and the address of the
//! relay page (the repository's `relay/` files, served on 127.0.0.1), and plays the browser: the
//! `--browser` recorder receives every page the app opens, the seller approves on the
//! simulator's page, and headless Chromium runs the relay page, which hands the code to the
//! app's loopback listener — or, when that browser cannot reach 127.0.0.1, shows the code, and
//! the seller pastes the relay's address into the app.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use meli_sim::{SimConfig, Simulator};
use thirtyfour::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::harness::{test_id, App};
use crate::sim::{Sim, SELLER_MLA};

const CHROMIUM: &str = "/usr/bin/chromium";
const CLIENT_SECRET_FIELD: &str = "connectClientSecret";

/// Polls `check` until it holds, failing with `what` after `secs` seconds. The one wait of this
/// file, kept local so it moves to the harness's helper in one place.
async fn until<F, Fut>(secs: u64, what: &str, mut check: F) -> WebDriverResult<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = WebDriverResult<bool>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check().await? {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Ok(())
}

/// The seller's browser as the app sees it: a program it is told to open pages with, which
/// writes down each address.
struct RecordingBrowser {
    dir: tempfile::TempDir,
}

impl RecordingBrowser {
    fn new() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let program = dir.path().join("browser");
        let log = dir.path().join("opened.txt");
        std::fs::write(
            &program,
            format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
        )
        .expect("write browser");
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755))
            .expect("chmod browser");
        RecordingBrowser { dir }
    }

    fn program(&self) -> String {
        self.dir
            .path()
            .join("browser")
            .to_string_lossy()
            .into_owned()
    }

    fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("opened.txt"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The `n`-th page the app opened (from 0), once it has.
    async fn opened(&self, n: usize) -> String {
        let mut found = None;
        until(60, &format!("the app opened no page #{n}"), || {
            found = self.log().get(n).cloned();
            let done = found.is_some();
            async move { Ok(done) }
        })
        .await
        .expect("recorder");
        found.unwrap_or_default()
    }
}

/// The simulator on its own, the relay page on a static host of its own, both on 127.0.0.1.
struct World {
    sim: Simulator,
    relay_uri: String,
}

impl World {
    /// `relay_host` names the relay's host in its address: `127.0.0.1`, or a `*.localhost`
    /// name, which a browser resolves to this computer by itself, so it can reach the relay
    /// page while its requests to 127.0.0.1 go through a proxy that is not there.
    async fn start(relay_host: &str) -> World {
        let relay_port = serve_relay().await;
        let relay_uri = format!("http://{relay_host}:{relay_port}/");
        let sim = Simulator::start(SimConfig {
            pkce_required: true,
            redirect_uri: relay_uri.clone(),
            ..SimConfig::empty()
        })
        .await
        .expect("simulator");
        World { sim, relay_uri }
    }

    fn relay_uri(&self) -> String {
        self.relay_uri.clone()
    }

    /// The simulator's control API, as the other end-to-end tests steer it.
    fn control(&self) -> Sim {
        let port = self
            .sim
            .base_url()
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .expect("simulator port");
        Sim::at_port(port)
    }

    fn launch_args(&self, browser: &RecordingBrowser) -> Vec<String> {
        vec![
            "--api-base".into(),
            self.sim.base_url(),
            "--auth-base".into(),
            self.sim.auth_base_url(),
            "--browser".into(),
            browser.program(),
        ]
    }
}

/// Launches the app as on a computer without a Secret Service (no session bus to find one on):
/// secrets last for this run, and the connect view says so. Under Xvfb a session bus would
/// otherwise be started on demand, with a locked keyring and no one to unlock it.
async fn launch(name: &str, dir: Option<&std::path::Path>, args: &[&str]) -> WebDriverResult<App> {
    const BUS: &str = "DBUS_SESSION_BUS_ADDRESS";
    let previous = std::env::var_os(BUS);
    // The driver, and the app it starts, inherit this; end-to-end tests run one at a time.
    std::env::set_var(BUS, "unix:path=/nonexistent/mostrador-no-session-bus");
    let app = match dir {
        Some(dir) => App::launch_in(name, dir, args).await,
        None => App::launch(name, args).await,
    };
    match previous {
        Some(value) => std::env::set_var(BUS, value),
        None => std::env::remove_var(BUS),
    }
    app
}

fn relay_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../relay")
}

/// Serves `relay/` as a static host would.
async fn serve_relay() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 2048];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 64 * 1024 {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf);
                let path = head
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

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http")
}

/// What the seller does on the simulator's authorization page: logged in as `seller`, presses
/// Authorize. Returns where Mercado Libre sends the browser (the relay page, with the code).
async fn approve(world: &World, authorization_url: &str, seller: u64) -> String {
    world.control().log_in(seller).await;
    let page = http()
        .get(authorization_url)
        .send()
        .await
        .expect("authorization page")
        .text()
        .await
        .expect("page");
    let form = page
        .split("<form")
        .skip(1)
        .find(|f| f.contains("value=\"allow\""))
        .unwrap_or_else(|| panic!("no consent form in {page}"));
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + tag[start..].find('"')?;
        Some(
            tag[start..end]
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        )
    };
    let mut fields: Vec<(String, String)> = form
        .split("<input")
        .skip(1)
        .filter_map(|input| Some((attr(input, "name")?, attr(input, "value")?)))
        .collect();
    fields.push(("decision".into(), "allow".into()));
    let action = reqwest::Url::parse(authorization_url)
        .and_then(|u| u.join("/authorization"))
        .expect("form action");
    let answer = http()
        .post(action)
        .form(&fields)
        .send()
        .await
        .expect("consent");
    answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_else(|| panic!("consent answered {}", answer.status()))
        .to_owned()
}

/// How the browser that shows the relay page reaches this computer.
#[derive(Clone, Copy, PartialEq)]
enum Reach {
    Loopback,
    /// 127.0.0.1 goes through a proxy that is not there (another computer, a browser that
    /// blocks local requests); the relay page itself is reached by a `*.localhost` name.
    NoLoopback,
}

/// Runs the relay page at `url` in headless Chromium and returns the DOM once its script has
/// settled (for [`Reach::Loopback`], the page the app's listener answered with).
async fn run_relay(url: String, reach: Reach) -> String {
    let binary = std::env::var("MOSTRADOR_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
    assert!(
        std::path::Path::new(&binary).exists(),
        "Chromium plays the relay page and was not found at {binary} (cargo xtask setup installs it)"
    );
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().expect("profile");
        let mut command = std::process::Command::new(binary);
        command.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--accept-lang=en",
            "--virtual-time-budget=8000",
        ]);
        command.arg(format!("--user-data-dir={}", profile.path().display()));
        if reach == Reach::NoLoopback {
            let dead = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            command.arg(format!("--proxy-server=http://127.0.0.1:{dead}"));
            command.arg("--proxy-bypass-list=<-loopback>;relay.localhost");
        }
        let output = command
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .expect("run chromium");
        assert!(output.status.success(), "chromium failed on {url}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    })
    .await
    .expect("chromium task")
}

async fn value_of(app: &App, name: &str) -> WebDriverResult<String> {
    Ok(app
        .wait_for(&test_id(name))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// Fills the connect form (the relay address only if `relay` is given) and presses Connect.
async fn fill_and_connect(app: &App, world: &World, relay: Option<&str>) -> WebDriverResult<()> {
    app.wait_for(&test_id("connectView")).await?;
    let client = world.sim.app();
    let id = app.wait_for(&test_id("connectClientId")).await?;
    id.clear().await?;
    id.send_keys(client.client_id.to_string()).await?;
    app.wait_for(&test_id(CLIENT_SECRET_FIELD))
        .await?
        .send_keys(&client.client_secret)
        .await?;
    if let Some(relay) = relay {
        let field = app.wait_for(&test_id("connectRedirectUri")).await?;
        field.clear().await?;
        field.send_keys(relay).await?;
    }
    app.wait_for(&test_id("connectSubmit"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// The loopback port the app's attempt listens on, from the `state` of its authorization URL.
fn loopback_port(authorization_url: &str) -> u16 {
    let url = reqwest::Url::parse(authorization_url).expect("authorization URL");
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    state
        .rsplit('.')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port in state")
}

async fn leads_shown(app: &App) -> WebDriverResult<usize> {
    Ok(app
        .driver
        .find_all(By::Css(test_id("leadCard")))
        .await?
        .len())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_seller_connects_through_their_relay_page_and_it_is_remembered() -> WebDriverResult<()> {
    let world = World::start("127.0.0.1").await;
    let control = world.control();
    for _ in 0..3 {
        control.sale("paid").await;
    }
    let browser = RecordingBrowser::new();
    let data = tempfile::tempdir().expect("data dir");
    let args = world.launch_args(&browser);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let app = launch("real-connect", Some(data.path()), &args).await?;
    app.run(async {
        app.wait_for(&test_id("connectServerNote")).await?;
        // No Secret Service here: the app says secrets last for this run only.
        app.wait_for(&test_id("connectSecretsMemory")).await?;
        assert!(
            app.driver
                .find_all(By::Css(test_id("connectRedirectUri")))
                .await?
                .len()
                == 1
        );
        // A relay address Mercado Libre would refuse is refused before anything opens.
        fill_and_connect(&app, &world, Some("https://relay.example.test/#callback")).await?;
        let error = app
            .wait_text(&test_id("connectError"), |t| t.contains('#'))
            .await?;
        assert!(error.contains("cannot contain “#”"), "{error}");
        assert!(
            browser.log().is_empty(),
            "nothing opened: {:?}",
            browser.log()
        );

        let secret = app.wait_for(&test_id(CLIENT_SECRET_FIELD)).await?;
        secret.clear().await?;
        fill_and_connect(&app, &world, Some(&world.relay_uri())).await?;
        let url = browser.opened(0).await;
        assert!(url.starts_with(&world.sim.auth_base_url()), "{url}");
        assert!(url.contains("code_challenge="), "no PKCE in {url}");
        let port = loopback_port(&url);

        // A request to the loopback with another state (a page scanning ports) is refused and
        // the attempt keeps listening.
        let stray = http()
            .get(format!(
                "http://127.0.0.1:{port}/callback?code=TG-stray&state=stray.{port}"
            ))
            .send()
            .await
            .expect("the listener answers");
        assert_eq!(stray.status(), reqwest::StatusCode::BAD_REQUEST);
        // Still waiting: "Open the page again" opens the same page again.
        app.wait_for(&test_id("connectOpenAgain"))
            .await?
            .click()
            .await?;
        assert_eq!(browser.opened(1).await, url);

        let relay_address = approve(&world, &url, SELLER_MLA).await;
        assert!(
            relay_address.starts_with(&world.relay_uri()),
            "Mercado Libre sends the browser to the relay: {relay_address}"
        );
        let reply = run_relay(relay_address, Reach::Loopback).await;
        // The listener's reply page, in the app's language (the system's here).
        assert!(
            ["Account connected", "Cuenta conectada", "Conta conectada"]
                .iter()
                .any(|title| reply.contains(title)),
            "the relay handed the code to the app: {reply}"
        );

        until(120, "the board never filled", || async {
            Ok(leads_shown(&app).await? >= 3)
        })
        .await?;
        Ok(())
    })
    .await?;

    // After a restart the application is filled in again, secret aside.
    let app = launch("real-connect-restart", Some(data.path()), &args).await?;
    app.run(async {
        // To the connect view through the account menu ("Connect another account"); the menu
        // redraws while the accounts load, so a click may land on a replaced element: try again.
        until(60, "the connect view never opened", || async {
            if !app
                .driver
                .find_all(By::Css(test_id("connectView")))
                .await?
                .is_empty()
            {
                return Ok(true);
            }
            let menu = app.driver.find_all(By::Css("[role=menu] .connect")).await?;
            let target = match menu.first() {
                Some(connect) => connect.clone(),
                None => app.driver.find(By::Css(test_id("accountSwitcher"))).await?,
            };
            let _ = target.click().await;
            Ok(false)
        })
        .await?;
        let relay = world.relay_uri();
        until(30, "the relay address was not filled in", || async {
            Ok(value_of(&app, "connectRedirectUri")
                .await
                .unwrap_or_default()
                == relay)
        })
        .await?;
        assert_eq!(
            value_of(&app, "connectClientId").await?,
            world.sim.app().client_id.to_string()
        );
        assert_eq!(value_of(&app, CLIENT_SECRET_FIELD).await?, "");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_that_cannot_reach_this_computer_connects_by_pasting() -> WebDriverResult<()> {
    let world = World::start("relay.localhost").await;
    world.control().sale("paid").await;
    let browser = RecordingBrowser::new();
    let args = world.launch_args(&browser);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let app = launch("real-connect-paste", None, &args).await?;
    app.run(async {
        fill_and_connect(&app, &world, Some(&world.relay_uri())).await?;
        let url = browser.opened(0).await;
        let relay_address = approve(&world, &url, SELLER_MLA).await;
        let page = run_relay(relay_address.clone(), Reach::NoLoopback).await;
        assert!(
            page.contains("data-relay=\"paste\""),
            "the relay shows the code to paste: {page}"
        );
        let code = reqwest::Url::parse(&relay_address)
            .expect("relay address")
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("code");
        assert!(page.contains(&code), "the code is on the page");

        // Another attempt's address is refused, and the attempt keeps waiting.
        let paste = app.wait_for(&test_id("connectPaste")).await?;
        paste
            .send_keys(relay_address.replace("state=", "state=other"))
            .await?;
        app.wait_for(&test_id("connectPasteSubmit"))
            .await?
            .click()
            .await?;
        let refused = app
            .wait_text(&test_id("connectPasteError"), |t| !t.is_empty())
            .await?;
        assert!(refused.contains("did not belong"), "{refused}");

        // The seller copies the relay's address and pastes it.
        paste.clear().await?;
        paste.send_keys(&relay_address).await?;
        app.wait_for(&test_id("connectPasteSubmit"))
            .await?
            .click()
            .await?;
        until(120, "the pasted address did not connect", || async {
            Ok(leads_shown(&app).await? >= 1)
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn links_reach_the_browser_and_disconnect_asks_first() -> WebDriverResult<()> {
    let world = World::start("127.0.0.1").await;
    let control = world.control();
    let sale = control.sale("paid").await;
    control
        .buyer_writes(
            sale,
            "linkcheck mirá https://articulo.mercadolibre.com.ar/MLA-123-x y https://evil.example/login",
        )
        .await;
    let browser = RecordingBrowser::new();
    let args = world.launch_args(&browser);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let app = launch("real-connect-links", None, &args).await?;
    app.run(async {
        fill_and_connect(&app, &world, Some(&world.relay_uri())).await?;
        let url = browser.opened(0).await;
        let relay_address = approve(&world, &url, SELLER_MLA).await;
        run_relay(relay_address, Reach::Loopback).await;
        until(120, "the board never filled", || async {
            Ok(leads_shown(&app).await? >= 1)
        })
        .await?;

        // A page outside Mercado Libre is refused by the app's link scope itself, even when
        // asked for directly.
        let refused = app
            .driver
            .execute(
                "return window.__TAURI_INTERNALS__.invoke('plugin:opener|open_url', \
                 { url: 'https://evil.example/login', with: arguments[0] }) \
                 .then(() => 'opened', (e) => 'refused: ' + String(e));",
                vec![serde_json::json!(browser.program())],
            )
            .await?;
        let refused = refused.json().as_str().unwrap_or_default().to_owned();
        assert!(refused.starts_with("refused"), "{refused}");

        // "Open in Mercado Libre" on the lead, then the buyer's Mercado Libre link in the chat.
        crate::chat::open_by_search(&app, "linkcheck").await?;
        app.wait_for(&test_id("leadOpenMeli"))
            .await?
            .click()
            .await?;
        let sale_page = browser.opened(1).await;
        assert_eq!(
            sale_page,
            format!("https://www.mercadolibre.com.ar/ventas/{sale}/detalle")
        );
        let link = "a[href=\"https://articulo.mercadolibre.com.ar/MLA-123-x\"]";
        app.wait_for(link).await?.click().await?;
        assert_eq!(
            browser.opened(2).await,
            "https://articulo.mercadolibre.com.ar/MLA-123-x"
        );
        // The other host stays text: no link to click.
        assert!(app
            .driver
            .find_all(By::Css("a[href*=\"evil.example\"]"))
            .await?
            .is_empty());
        assert!(
            browser.log().iter().all(|u| !u.contains("evil.example")),
            "{:?}",
            browser.log()
        );

        // Disconnect asks; Cancel keeps the account and its sync.
        let disconnect = || async {
            app.wait_for(&test_id("accountSwitcher"))
                .await?
                .click()
                .await?;
            app.wait_for("[role=menu] .row button.small")
                .await?
                .click()
                .await?;
            app.wait_for(&test_id("confirmDialog")).await
        };
        disconnect().await?;
        if let Some(dir) = std::env::var_os("E2E_OUT") {
            let shot = std::path::Path::new(&dir).join("real-connect-disconnect-asks.png");
            crate::harness::screenshot(&app.driver, &shot).await?;
        }
        let before = control.requests().await.len();
        app.wait_for(&test_id("confirmCancel"))
            .await?
            .click()
            .await?;
        until(10, "the dialog did not close", || async {
            Ok(app
                .driver
                .find_all(By::Css(test_id("confirmDialog")))
                .await?
                .is_empty())
        })
        .await?;
        crate::chat::sync_now(&app).await?;
        until(60, "the sync stopped after Cancel", || async {
            Ok(control.requests().await.len() > before)
        })
        .await?;
        let accounts = app
            .driver
            .execute(
                "return window.__TAURI_INTERNALS__.invoke('accounts');",
                Vec::new(),
            )
            .await?;
        assert_eq!(
            accounts.json()[0]["state"],
            "connected",
            "{:?}",
            accounts.json()
        );

        // OK disconnects.
        disconnect().await?;
        app.wait_for(&test_id("confirmOk")).await?.click().await?;
        until(30, "the account was not disconnected", || async {
            let accounts = app
                .driver
                .execute(
                    "return window.__TAURI_INTERNALS__.invoke('accounts');",
                    Vec::new(),
                )
                .await?;
            Ok(accounts.json()[0]["state"] == "disabled")
        })
        .await?;
        Ok(())
    })
    .await
}
