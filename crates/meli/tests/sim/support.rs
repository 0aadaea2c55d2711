//! Starting a simulator, building clients for it, and playing the seller's browser and the relay.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use meli::auth::{port_from_state, AppCredentials, MemoryTokenStore, StoredTokens, TokenStore};
use meli::{Client, ClientConfig, Secret, Site};
use meli_sim::{SimConfig, Simulator};
use url::Url;

pub const SELLER: i64 = meli_sim::SELLER_MLA as i64;

pub async fn sim() -> Simulator {
    sim_with(SimConfig::empty()).await
}

pub async fn sim_with(config: SimConfig) -> Simulator {
    Simulator::start(config).await.expect("simulator starts")
}

pub fn app(sim: &Simulator) -> AppCredentials {
    let app = sim.app();
    AppCredentials {
        client_id: app.client_id.to_string(),
        client_secret: Secret::new(app.client_secret),
        redirect_uri: app.redirect_uri,
    }
}

/// The tests' one client configuration (fast retries, a budget that never gets in the way),
/// unless a test says otherwise.
pub fn config(sim: &Simulator) -> ClientConfig {
    ClientConfig::new(Site::Argentina, app(sim))
        .with_bases(sim.base_url(), sim.auth_base_url())
        .with_picture_origin(&sim.base_url())
        .for_loopback()
}

pub fn client_with(sim: &Simulator, config: ClientConfig, store: Arc<dyn TokenStore>) -> Client {
    let _ = sim;
    Client::new(config, store).expect("client builds")
}

/// Tokens issued by the simulator for `seller`, as if the seller had connected.
pub fn issued(sim: &Simulator, seller: u64) -> StoredTokens {
    let pair = sim.control().issue_token(seller).expect("token issued");
    let token: meli::models::Token =
        serde_json::from_value(serde_json::to_value(pair).expect("pair json"))
            .expect("token parses");
    StoredTokens::from_token(token, Utc::now())
}

/// A client already connected as the MLA seller, and its store.
pub fn connected(sim: &Simulator) -> (Client, Arc<MemoryTokenStore>) {
    let store = Arc::new(MemoryTokenStore::new(Some(issued(
        sim,
        meli_sim::SELLER_MLA,
    ))));
    let client = client_with(sim, config(sim), store.clone());
    (client, store)
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("browser client")
}

/// Opens the authorization URL, clicks the button named `decision` (`allow` or `deny`) by
/// submitting its form, and returns where Mercado Libre redirects (the relay URL).
pub async fn consent(auth_url: &Url, decision: &str) -> Url {
    let browser = browser();
    let page = browser
        .get(auth_url.clone())
        .send()
        .await
        .expect("authorization page")
        .text()
        .await
        .expect("page body");
    let fields = form_fields(&page, decision);
    let action = auth_url.join("/authorization").expect("form action");
    let response = browser
        .post(action)
        .form(&fields)
        .send()
        .await
        .expect("submit consent");
    assert!(
        response.status().is_redirection(),
        "consent answered {}",
        response.status()
    );
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .expect("redirect location")
        .to_str()
        .expect("ascii location");
    Url::parse(location).expect("location url")
}

/// The hidden fields of the form whose submit button has `value="{decision}"`, plus the button.
fn form_fields(page: &str, decision: &str) -> Vec<(String, String)> {
    let form = page
        .split("<form")
        .skip(1)
        .find(|f| f.contains(&format!("value=\"{decision}\"")))
        .unwrap_or_else(|| panic!("no {decision} form in {page}"));
    let mut fields: Vec<(String, String)> = form
        .split("<input")
        .skip(1)
        .filter_map(|input| Some((attr(input, "name")?, attr(input, "value")?)))
        .collect();
    fields.push(("decision".into(), decision.into()));
    fields
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + tag[start..].find('"')?;
    Some(
        tag[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// Does what `relay/index.html` does with the redirect: forwards its query to the loopback port
/// named in `state`.
pub async fn relay(redirect: &Url) -> reqwest::StatusCode {
    let state = redirect
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state in redirect");
    let port = port_from_state(&state).expect("port in state");
    let target = format!(
        "http://127.0.0.1:{port}/callback?{}",
        redirect.query().unwrap_or("")
    );
    browser()
        .get(target)
        .send()
        .await
        .expect("loopback answers")
        .status()
}

/// Awaits `work`, which must end by itself (a retry loop, a timeout, a refusal): the bound is
/// generous, so it fails a hang or a wait of minutes, never a slow machine.
pub async fn within<T>(what: &str, work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), work)
        .await
        .unwrap_or_else(|_| panic!("{what} did not end within 30 s"))
}

/// How many requests the simulator logged for `endpoint` (e.g. `POST /oauth/token`).
pub fn count(sim: &Simulator, endpoint: &str) -> u64 {
    sim.control()
        .request_counts()
        .get(endpoint)
        .copied()
        .unwrap_or(0)
}
