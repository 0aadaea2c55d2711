mod common;

use std::time::Duration;

use base64::Engine;
use common::{json, send, Harness};
use meli_sim::{SimConfig, Simulator, SELLER_MLA, SELLER_MLB};
use reqwest::Client;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The hidden inputs of the form whose button has `value="{decision}"`, plus the decision.
fn form_fields(html: &str, decision: &str) -> Vec<(String, String)> {
    let form = html
        .split("<form")
        .find(|f| f.contains(&format!("value=\"{decision}\"")))
        .expect("a form for the decision");
    let mut fields = Vec::new();
    for input in form.split("<input").skip(1) {
        let attr = |name: &str| {
            let start = input.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            let end = start + input[start..].find('"').expect("closing quote");
            input[start..end]
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        };
        fields.push((attr("name"), attr("value")));
    }
    fields.push(("decision".into(), decision.into()));
    fields
}

fn query_of(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location)
        .expect("absolute location")
        .query_pairs()
        .into_owned()
        .collect()
}

fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

struct Flow<'a> {
    sim: &'a Simulator,
    http: Client,
}

impl<'a> Flow<'a> {
    fn new(sim: &'a Simulator) -> Self {
        Self {
            sim,
            http: client(),
        }
    }

    fn authorize_url(&self, state: &str, extra: &[(&str, &str)]) -> String {
        let app = self.sim.app();
        let mut url =
            url::Url::parse(&format!("{}/authorization", self.sim.auth_base_url())).expect("url");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &app.client_id.to_string())
            .append_pair("redirect_uri", &app.redirect_uri)
            .append_pair("state", state);
        for (k, v) in extra {
            url.query_pairs_mut().append_pair(k, v);
        }
        url.into()
    }

    /// Opens the page like a browser and clicks the button; returns the redirect's Location.
    async fn click(&self, state: &str, extra: &[(&str, &str)], decision: &str) -> String {
        let page = self
            .http
            .get(self.authorize_url(state, extra))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        let fields = form_fields(&html, decision);
        let answer = self
            .http
            .post(format!("{}/authorization", self.sim.auth_base_url()))
            .form(&fields)
            .send()
            .await
            .expect("decision");
        assert_eq!(answer.status(), 302);
        answer.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned()
    }

    async fn exchange(&self, fields: &[(&str, &str)]) -> (u16, Value) {
        send(
            self.http
                .post(format!("{}/oauth/token", self.sim.base_url()))
                .form(fields),
        )
        .await
    }

    async fn code_exchange(&self, code: &str, verifier: Option<&str>) -> (u16, Value) {
        let app = self.sim.app();
        let id = app.client_id.to_string();
        let mut fields = vec![
            ("grant_type", "authorization_code"),
            ("client_id", id.as_str()),
            ("client_secret", app.client_secret.as_str()),
            ("code", code),
            ("redirect_uri", app.redirect_uri.as_str()),
        ];
        if let Some(v) = verifier {
            fields.push(("code_verifier", v));
        }
        self.exchange(&fields).await
    }

    async fn refresh(&self, refresh_token: &str) -> (u16, Value) {
        let app = self.sim.app();
        let id = app.client_id.to_string();
        self.exchange(&[
            ("grant_type", "refresh_token"),
            ("client_id", id.as_str()),
            ("client_secret", app.client_secret.as_str()),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    async fn me(&self, token: &str) -> u16 {
        self.http
            .get(format!("{}/users/me", self.sim.base_url()))
            .bearer_auth(token)
            .send()
            .await
            .expect("me")
            .status()
            .as_u16()
    }
}

fn invalid_grant() -> Value {
    serde_json::json!({
        "error_description": "Error validating grant. Your authorization code or refresh token may be expired or it was already used",
        "error": "invalid_grant",
        "status": 400,
        "cause": []
    })
}

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[tokio::test]
async fn authorize_redirects_with_code_and_untouched_state_then_code_becomes_tokens() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let state = "r4nd0m-&=+ /?.54321";
    let location = flow.click(state, &[], "allow").await;
    assert!(location.starts_with("https://relay.mostrador.test/callback?"));
    let query = query_of(&location);
    assert_eq!(param(&query, "state").as_deref(), Some(state));
    let code = param(&query, "code").expect("code");
    assert!(code.starts_with("TG-"));

    let (status, token) = flow.code_exchange(&code, None).await;
    assert_eq!(status, 200, "{token}");
    let keys: Vec<&str> = token
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access_token",
            "expires_in",
            "refresh_token",
            "scope",
            "token_type",
            "user_id"
        ]
    );
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 10800);
    assert_eq!(token["scope"], "offline_access read write");
    assert_eq!(token["user_id"], SELLER_MLA);
    assert!(token["access_token"]
        .as_str()
        .expect("str")
        .starts_with("APP_USR-"));
    assert!(token["refresh_token"]
        .as_str()
        .expect("str")
        .starts_with("TG-"));
    assert_eq!(
        flow.me(token["access_token"].as_str().expect("str")).await,
        200
    );
}

#[tokio::test]
async fn the_consent_page_authorizes_whoever_is_logged_in() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    sim.control().log_in_as(SELLER_MLB).expect("seller");
    let flow = Flow::new(&sim);
    let location = flow.click("s", &[], "allow").await;
    let code = param(&query_of(&location), "code").expect("code");
    let (_, token) = flow.code_exchange(&code, None).await;
    assert_eq!(token["user_id"], SELLER_MLB);
}

#[tokio::test]
async fn denying_consent_redirects_with_access_denied_and_the_state() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let location = flow.click("abc.4242", &[], "deny").await;
    let query = query_of(&location);
    assert_eq!(param(&query, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&query, "state").as_deref(), Some("abc.4242"));
    assert_eq!(param(&query, "code"), None);
}

#[tokio::test]
async fn a_redirect_uri_that_is_not_the_registered_one_is_refused_without_redirect() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let app = sim.app();
    for uri in [
        "https://relay.mostrador.test/callback?port=1234",
        "http://127.0.0.1:4567/callback",
        "https://relay.mostrador.test/callback/",
    ] {
        let url = format!(
            "{}/authorization?response_type=code&client_id={}&redirect_uri={}",
            sim.auth_base_url(),
            app.client_id,
            url::form_urlencoded::byte_serialize(uri.as_bytes()).collect::<String>()
        );
        let response = client().get(url).send().await.expect("page");
        assert_eq!(response.status(), 400, "{uri}");
        assert!(response.headers().get("location").is_none());
        let html = response.text().await.expect("html");
        assert!(html.contains("your client callback has to match with the redirect_uri param"));
    }
}

#[tokio::test]
async fn unknown_client_id_is_refused() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let url = format!(
        "{}/authorization?response_type=code&client_id=42&redirect_uri=https%3A%2F%2Frelay.mostrador.test%2Fcallback",
        sim.auth_base_url()
    );
    let response = client().get(url).send().await.expect("page");
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn codes_are_single_use() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let code = param(&query_of(&flow.click("s", &[], "allow").await), "code").expect("code");
    assert_eq!(flow.code_exchange(&code, None).await.0, 200);
    assert_eq!(
        flow.code_exchange(&code, None).await,
        (400, invalid_grant())
    );
}

#[tokio::test]
async fn codes_are_short_lived() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let code = param(&query_of(&flow.click("s", &[], "allow").await), "code").expect("code");
    sim.control().advance_clock(Duration::from_secs(11 * 60));
    assert_eq!(
        flow.code_exchange(&code, None).await,
        (400, invalid_grant())
    );
}

#[tokio::test]
async fn exchange_with_another_redirect_uri_is_invalid_grant() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let code = param(&query_of(&flow.click("s", &[], "allow").await), "code").expect("code");
    let app = sim.app();
    let id = app.client_id.to_string();
    let (status, body) = flow
        .exchange(&[
            ("grant_type", "authorization_code"),
            ("client_id", &id),
            ("client_secret", &app.client_secret),
            ("code", &code),
            ("redirect_uri", "https://elsewhere.test/cb"),
        ])
        .await;
    assert_eq!((status, body), (400, invalid_grant()));
}

#[tokio::test]
async fn token_parameters_in_the_query_string_are_rejected() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let app = sim.app();
    let url = format!(
        "{}/oauth/token?grant_type=refresh_token&client_id={}&client_secret={}&refresh_token=TG-x",
        sim.base_url(),
        app.client_id,
        app.client_secret
    );
    let (status, body) = json(client().post(url).send().await.expect("post")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn wrong_secret_and_unknown_grant_type_are_refused() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let id = sim.app().client_id.to_string();
    let (status, body) = flow
        .exchange(&[
            ("grant_type", "refresh_token"),
            ("client_id", &id),
            ("client_secret", "wrong"),
            ("refresh_token", "TG-1"),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_client"))
    );
    let secret = sim.app().client_secret;
    let (status, body) = flow
        .exchange(&[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
        ])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
}

#[tokio::test]
async fn pkce_when_required_demands_a_challenge_and_the_matching_verifier() {
    let config = SimConfig {
        pkce_required: true,
        ..SimConfig::empty()
    };
    let sim = Simulator::start(config).await.expect("sim");
    let flow = Flow::new(&sim);

    // No challenge: sent back to the app with invalid_request.
    let page = flow
        .http
        .get(flow.authorize_url("st", &[]))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 302);
    let query = query_of(page.headers()["location"].to_str().expect("location"));
    assert_eq!(param(&query, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(&query, "state").as_deref(), Some("st"));

    let verifier = "a-long-random-verifier-0123456789-abcdefghijklmnop";
    let with_challenge = [
        ("code_challenge", challenge(verifier)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    let extra: Vec<(&str, &str)> = with_challenge
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();

    let code = param(&query_of(&flow.click("s", &extra, "allow").await), "code").expect("code");
    let (status, body) = flow.code_exchange(&code, None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(
        body["error_description"],
        "code_verifier is a required parameter"
    );

    let code = param(&query_of(&flow.click("s", &extra, "allow").await), "code").expect("code");
    assert_eq!(
        flow.code_exchange(&code, Some("not-the-verifier")).await,
        (400, invalid_grant())
    );

    let code = param(&query_of(&flow.click("s", &extra, "allow").await), "code").expect("code");
    let (status, token) = flow.code_exchange(&code, Some(verifier)).await;
    assert_eq!(status, 200, "{token}");
}

#[tokio::test]
async fn pkce_is_harmless_when_the_app_does_not_require_it() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let verifier = "v-0123456789-0123456789-0123456789-0123456789";
    let c = challenge(verifier);
    let extra = [
        ("code_challenge", c.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let code = param(&query_of(&flow.click("s", &extra, "allow").await), "code").expect("code");
    assert_eq!(flow.code_exchange(&code, Some(verifier)).await.0, 200);
}

#[tokio::test]
async fn refresh_tokens_are_single_use_and_access_tokens_expire() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let first = sim.control().issue_token(SELLER_MLA).expect("token");

    sim.control().advance_clock(Duration::from_secs(10_799));
    assert_eq!(flow.me(&first.access_token).await, 200);
    sim.control().advance_clock(Duration::from_secs(2));
    assert_eq!(flow.me(&first.access_token).await, 401);

    let (status, second) = flow.refresh(&first.refresh_token).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first.refresh_token.as_str());
    assert_eq!(
        flow.me(second["access_token"].as_str().expect("str")).await,
        200
    );

    assert_eq!(
        flow.refresh(&first.refresh_token).await,
        (400, invalid_grant())
    );
    let (status, _) = flow
        .refresh(second["refresh_token"].as_str().expect("str"))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn revoking_the_app_kills_access_and_refresh_tokens() {
    let sim = Simulator::start(SimConfig::empty()).await.expect("sim");
    let flow = Flow::new(&sim);
    let pair = sim.control().issue_token(SELLER_MLA).expect("token");
    let other = sim.control().issue_token(SELLER_MLB).expect("token");
    sim.control().revoke_app(SELLER_MLA);
    assert_eq!(flow.me(&pair.access_token).await, 401);
    assert_eq!(
        flow.refresh(&pair.refresh_token).await,
        (400, invalid_grant())
    );
    assert_eq!(
        flow.me(&other.access_token).await,
        200,
        "other sellers keep theirs"
    );
}

#[tokio::test]
async fn auto_approve_redirects_at_once() {
    let sim = Simulator::start(SimConfig {
        auto_approve: true,
        ..SimConfig::demo()
    })
    .await
    .expect("sim");
    let flow = Flow::new(&sim);
    let response = flow
        .http
        .get(flow.authorize_url("x.1", &[]))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 302);
    let query = query_of(response.headers()["location"].to_str().expect("location"));
    assert!(param(&query, "code").is_some());
    assert_eq!(param(&query, "state").as_deref(), Some("x.1"));
}

#[tokio::test]
async fn http_control_issues_tokens_too() {
    let h = Harness::empty().await;
    let (status, body) = send(
        h.http
            .post(h.url("/_sim/token"))
            .json(&serde_json::json!({ "user_id": SELLER_MLB })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["user_id"], SELLER_MLB);
}

#[tokio::test]
async fn another_redirect_uri_can_be_registered() {
    let sim = Simulator::start(SimConfig {
        redirect_uri: "https://relay.example.test/mostrador".into(),
        ..SimConfig::empty()
    })
    .await
    .expect("sim");
    assert_eq!(
        sim.app().redirect_uri,
        "https://relay.example.test/mostrador"
    );
    let location = Flow::new(&sim).click("s.1", &[], "allow").await;
    assert!(location.starts_with("https://relay.example.test/mostrador?code="));
}
