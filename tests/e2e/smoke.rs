//! The window opens, with what a seller sees first.

use std::collections::BTreeMap;
use std::time::Duration;

use thirtyfour::prelude::*;

use crate::harness::{free_port, test_id, until_within, App, Show};
use crate::sim::Sim;

const STAGES: [&str; 5] = [
    "system:payment_required",
    "system:payment_in_process",
    "system:paid",
    "system:canceled",
    "system:invalid",
];

#[tokio::test(flavor = "multi_thread")]
async fn with_no_account_the_window_opens_on_connect() -> WebDriverResult<()> {
    let app = App::launch("connect", &[]).await?;
    app.run(async {
        app.wait_for(&test_id("appFrame")).await?;
        assert_eq!(app.driver.title().await?, "Mostrador");
        let header = app.wait_for(&test_id("header")).await?;
        assert!(header.text().await?.contains("Mostrador"));

        // Nothing connected yet: the connect view, with every site and a field for the
        // seller's own relay page (no address of ours filled in).
        app.wait_for(&test_id("connectView")).await?;
        let sites = app
            .driver
            .find_all(By::Css(format!("{} option", test_id("connectSite"))))
            .await?;
        assert!(sites.len() >= 14, "only {} sites offered", sites.len());
        let redirect = app.wait_for(&test_id("connectRedirectUri")).await?;
        assert_eq!(redirect.tag_name().await?, "input");
        assert_eq!(redirect.prop("value").await?.unwrap_or_default(), "");
        let placeholder = redirect.attr("placeholder").await?.unwrap_or_default();
        assert!(
            placeholder.starts_with("https://"),
            "placeholder: {placeholder}"
        );
        // Connect stays disabled until the form is filled.
        let submit = app.wait_for(&test_id("connectSubmit")).await?;
        assert!(!submit.is_enabled().await?);
        Ok(())
    })
    .await
}

/// A stand-in for the seller's browser: a program the app is told to open pages with, which
/// writes down each address it is given.
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

    /// The `n`-th page the app opened (from 0), once it has.
    async fn opened(&self, n: usize) -> String {
        until_within(
            Duration::from_secs(60),
            format!("page #{n} opened"),
            || async {
                let log =
                    std::fs::read_to_string(self.dir.path().join("opened.txt")).unwrap_or_default();
                Ok(log.lines().nth(n).map(str::to_owned))
            },
        )
        .await
        .expect("no WebDriver here")
    }
}

/// What a browser does with the authorization page: the seller approves, Mercado Libre
/// redirects to the relay page, and the relay hands code and state to the app's loopback
/// listener, on the port `state` carries (the relay's one rule: 127.0.0.1 only).
async fn approve_in_browser(url: &str) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let answer = http.get(url).send().await.expect("authorization page");
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| {
            panic!(
                "no redirect from the authorization page: {}",
                answer.status()
            )
        })
        .to_owned();
    let relay = reqwest::Url::parse(&location).expect("relay URL");
    assert_eq!(relay.scheme(), "https", "redirect to {location}");
    let param = |name: &str| {
        relay
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no {name} in {location}"))
    };
    let (code, state) = (param("code"), param("state"));
    let port: u16 = state
        .rsplit('.')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in state {state}"));
    let callback = http
        .get(format!("http://127.0.0.1:{port}/callback"))
        .query(&[("code", &code), ("state", &state)])
        .send()
        .await
        .expect("loopback listener");
    assert!(
        callback.status().is_success(),
        "callback: {}",
        callback.status()
    );
}

/// Leads per board column the simulator's orders make: a pack is one lead, in the stage of
/// its most advanced order (Paid, then In process, Required, Canceled; Invalid only when all are).
fn expected_columns(orders: &[serde_json::Value]) -> BTreeMap<&'static str, usize> {
    let rank = |status: &str| match status {
        "paid" | "partially_refunded" => 4,
        "payment_in_process" | "partially_paid" => 3,
        "payment_required" | "confirmed" => 2,
        "cancelled" | "pending_cancel" => 1,
        _ => 0,
    };
    let mut leads: BTreeMap<String, i32> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for order in orders {
        let id = order["id"].to_string();
        if !seen.insert(id.clone()) {
            continue;
        }
        let key = match &order["pack_id"] {
            serde_json::Value::Null => format!("order:{id}"),
            pack => format!("pack:{pack}"),
        };
        let r = rank(order["status"].as_str().unwrap_or(""));
        let best = leads.entry(key).or_insert(r);
        *best = (*best).max(r);
    }
    let mut columns = BTreeMap::new();
    for rank in leads.values() {
        let stage = match rank {
            4 => "system:paid",
            3 => "system:payment_in_process",
            2 => "system:payment_required",
            1 => "system:canceled",
            _ => "system:invalid",
        };
        *columns.entry(stage).or_insert(0) += 1;
    }
    columns
}

async fn board_columns(app: &App) -> WebDriverResult<BTreeMap<String, usize>> {
    let mut columns = BTreeMap::new();
    for column in app.driver.find_all(By::Css(test_id("boardColumn"))).await? {
        let stage = column.attr("data-stage").await?.unwrap_or_default();
        let count = column.find(By::Css(".count")).await?.text().await?;
        let count: usize = count
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        if count > 0 {
            columns.insert(stage, count);
        }
    }
    Ok(columns)
}

#[tokio::test(flavor = "multi_thread")]
async fn try_the_demo_connects_through_oauth_and_fills_the_board() -> WebDriverResult<()> {
    let port = free_port();
    let browser = RecordingBrowser::new();
    let app = App::launch(
        "demo-board",
        &[
            "--demo-port",
            &port.to_string(),
            "--browser",
            &browser.program(),
        ],
    )
    .await?;
    let sim = Sim::at_port(port);
    app.run(async {
        // A new data directory starts at Connect; one click starts the demo.
        app.wait_for(&test_id("connectView")).await?;
        app.wait_for(&test_id("connectDemo")).await?.click().await?;

        // Each demo seller goes through the authorization page the app opened.
        let summary = sim.summary().await;
        let sellers: Vec<u64> = summary["sellers"]
            .as_array()
            .expect("sellers")
            .iter()
            .filter_map(|s| s.as_u64())
            .collect();
        assert!(sellers.len() >= 2, "demo sellers: {summary}");
        for (n, seller) in sellers.iter().enumerate() {
            let url = browser.opened(n).await;
            assert!(url.contains("code_challenge="), "no PKCE in {url}");
            sim.log_in(*seller).await;
            approve_in_browser(&url).await;
        }

        let header = app
            .wait_text(&test_id("header"), |t| t.to_lowercase().contains("demo"))
            .await?;
        assert!(
            header.to_lowercase().contains("demo"),
            "no demo badge: {header}"
        );
        // Five system stages, in Mercado Libre's order.
        let columns = app.wait_for_all(&test_id("boardColumn"), 5).await?;
        let mut stages = Vec::new();
        for column in &columns {
            stages.push(column.attr("data-stage").await?.unwrap_or_default());
        }
        assert_eq!(stages, STAGES);

        // Once imported, every column counts the leads the simulator's orders make.
        let mut orders = Vec::new();
        for seller in &sellers {
            orders.extend(sim.orders_of(*seller).await);
        }
        let expected: BTreeMap<String, usize> = expected_columns(&orders)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(expected.len(), 5, "the demo has every stage: {expected:?}");
        let last = std::cell::RefCell::new(BTreeMap::new());
        let what = Show(|| format!("board {:?}, simulator {expected:?}", last.borrow()));
        app.until(&what, || async {
            let shown = board_columns(&app).await?;
            let done = shown == expected;
            *last.borrow_mut() = shown;
            Ok(done.then_some(()))
        })
        .await?;
        let switcher = app
            .wait_text(&test_id("accountSwitcher"), |t| t.contains("2"))
            .await?;
        assert!(switcher.contains("2 accounts"), "switcher: {switcher}");
        // The cards show what was bought with its picture, from the local cache.
        app.until_picture_shows(&format!(
            "{} {}",
            test_id("leadCard"),
            test_id("listingPicture")
        ))
        .await?;
        Ok(())
    })
    .await
}
