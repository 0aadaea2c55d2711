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
