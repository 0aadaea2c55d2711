//! Helpers shared by the simulator's HTTP tests.
#![allow(dead_code)]

use meli_sim::{SimConfig, Simulator, SELLER_MLA};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;

pub struct Harness {
    pub sim: Simulator,
    pub http: Client,
    pub token: String,
}

impl Harness {
    pub async fn start(config: SimConfig) -> Self {
        let sim = Simulator::start(config).await.expect("simulator starts");
        let token = sim
            .control()
            .issue_token(SELLER_MLA)
            .expect("token for the MLA seller")
            .access_token;
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        Self { sim, http, token }
    }

    pub async fn empty() -> Self {
        Self::start(SimConfig::empty()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sim.base_url(), path)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(&self.token)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.http.post(self.url(path)).bearer_auth(&self.token)
    }

    pub fn as_user(&mut self, user: u64) {
        self.token = self
            .sim
            .control()
            .issue_token(user)
            .expect("token")
            .access_token;
    }
}

/// Status and JSON body of a response.
pub async fn json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

pub async fn send(request: RequestBuilder) -> (u16, Value) {
    json(request.send().await.expect("request reaches the simulator")).await
}

pub fn conversation(key: u64, seller: u64) -> String {
    format!("/messages/packs/{key}/sellers/{seller}?tag=post_sale")
}

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../../shared/meli-fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

pub fn keys(v: &Value) -> std::collections::BTreeSet<String> {
    v.as_object().expect("object").keys().cloned().collect()
}

/// A message body from the MLA seller to `to`.
pub fn message_to(to: u64, text: &str) -> Value {
    serde_json::json!({ "from": { "user_id": SELLER_MLA.to_string() }, "to": { "user_id": to.to_string() }, "text": text })
}
