//! The demo's simulator, steered through its `/_sim/` control API as a test would steer
//! Mercado Libre: buyers buy and write, and the request log shows what reached it.

use serde_json::{json, Value};

use crate::harness::until_within;

/// The Argentine demo seller (`meli_sim::SELLER_MLA`).
pub const SELLER_MLA: u64 = 241_359_821;

pub struct Sim {
    base: String,
    http: reqwest::Client,
}

impl Sim {
    pub fn at_port(port: u16) -> Sim {
        Sim {
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        }
    }

    /// The simulator's address, for control calls a test makes itself.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A new sale of the MLA seller in `status`; returns its conversation id (the order id).
    pub async fn sale(&self, status: &str) -> u64 {
        let created = self
            .post(
                "/_sim/sales",
                json!({"seller_id": SELLER_MLA, "status": status, "created_minutes_ago": 5}),
            )
            .await;
        created["conversation_id"]
            .as_u64()
            .unwrap_or_else(|| panic!("no conversation id in {created}"))
    }

    /// A new sale described as in `POST /_sim/sales` (seller, status, logistic_type, …);
    /// returns its conversation id.
    pub async fn sale_with(&self, sale: Value) -> u64 {
        let created = self.post("/_sim/sales", sale).await;
        created["conversation_id"]
            .as_u64()
            .unwrap_or_else(|| panic!("no conversation id in {created}"))
    }

    /// Every request the simulator logged, oldest first.
    pub async fn requests(&self) -> Vec<Value> {
        let log: Value = self
            .http
            .get(format!("{}/_sim/requests", self.base))
            .send()
            .await
            .expect("request log")
            .json()
            .await
            .expect("request log json");
        log.as_array().cloned().unwrap_or_default()
    }

    /// How many requests the simulator has logged so far: later ones are `requests()[mark..]`.
    pub async fn mark(&self) -> usize {
        self.requests().await.len()
    }

    /// How many times the MLA seller's engine asked for its orders since `mark`, whatever the
    /// answer: a pass works through the outbox before it polls.
    pub async fn polls_since(&self, mark: usize) -> usize {
        let seller = format!("seller={SELLER_MLA}");
        self.requests()
            .await
            .iter()
            .skip(mark)
            .filter(|r| {
                r["path"] == "/orders/search"
                    && r["query"].as_str().is_some_and(|q| q.contains(&seller))
            })
            .count()
    }

    /// How many of the MLA seller's requests the simulator dropped since `mark` (see
    /// [`Sim::go_offline`]).
    pub async fn dropped_since(&self, mark: usize) -> usize {
        let seller = SELLER_MLA.to_string();
        self.requests()
            .await
            .iter()
            .skip(mark)
            .filter(|r| r["fault"] == "drop_connection")
            .filter(|r| {
                r["path"].as_str().is_some_and(|p| p.contains(&seller))
                    || r["query"].as_str().is_some_and(|q| q.contains(&seller))
            })
            .count()
    }

    pub async fn buyer_writes(&self, conversation: u64, text: &str) {
        self.post(
            &format!("/_sim/packs/{conversation}/buyer_messages"),
            json!({ "text": text }),
        )
        .await;
    }

    /// The buyer writes `text` with a file (`name`, `bytes`): the simulator checks it as
    /// Mercado Libre would (by its first bytes) before it reaches the chat.
    pub async fn buyer_sends_file(&self, conversation: u64, text: &str, name: &str, bytes: &[u8]) {
        use base64::Engine;
        self.post(
            &format!("/_sim/packs/{conversation}/buyer_messages"),
            json!({
                "text": text,
                "attachment": {
                    "filename": name,
                    "content_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
                },
            }),
        )
        .await;
    }

    /// Messages the seller posted to this conversation, as the simulator logged them.
    pub async fn seller_posts_to(&self, conversation: u64) -> Vec<Value> {
        let prefix = format!("/messages/packs/{conversation}/sellers/");
        self.requests()
            .await
            .into_iter()
            .filter(|r| {
                r["method"] == "POST" && r["path"].as_str().unwrap_or("").starts_with(&prefix)
            })
            .collect()
    }

    /// One conversation's reads fail for ever with `status` (the rest of the API answers),
    /// as a pack of the real API sometimes does.
    pub async fn fault_pack(&self, conversation: u64, status: u16) {
        self.post(
            &format!("/_sim/packs/{conversation}/faults"),
            json!({ "status": status }),
        )
        .await;
    }

    /// Mercado Libre stops answering: every API connection is dropped unanswered (the
    /// control API keeps working), until [`Sim::back_online`].
    pub async fn go_offline(&self) {
        self.post(
            "/_sim/faults",
            json!({"path_prefix": "/", "kind": {"kind": "drop_connection"}, "rate_percent": 100}),
        )
        .await;
    }

    pub async fn back_online(&self) {
        let answer = self
            .http
            .delete(format!("{}/_sim/faults", self.base))
            .send()
            .await
            .expect("DELETE /_sim/faults");
        assert!(
            answer.status().is_success(),
            "DELETE /_sim/faults: {}",
            answer.status()
        );
    }

    /// The simulator's world: the app, its sellers and landmarks. Waits for the simulator to
    /// listen (the app starts it when the seller asks for the demo).
    pub async fn summary(&self) -> Value {
        until_within(
            std::time::Duration::from_secs(60),
            "the simulator to answer",
            || async {
                match self
                    .http
                    .get(format!("{}/_sim/summary", self.base))
                    .send()
                    .await
                {
                    Ok(answer) => Ok(Some(answer.json().await.expect("summary json"))),
                    Err(_) => Ok(None),
                }
            },
        )
        .await
        .expect("no WebDriver here")
    }

    /// Who the simulator's consent page authorizes: the seller signed in to "Mercado Libre".
    pub async fn log_in(&self, user_id: u64) {
        self.post("/_sim/login", json!({ "user_id": user_id }))
            .await;
    }

    /// Every order of `seller`, read through the published API as any application would:
    /// `/orders/search` pages, plus the cancelled ones seller searches leave out unless asked.
    pub async fn orders_of(&self, seller: u64) -> Vec<Value> {
        let token = self.post("/_sim/token", json!({ "user_id": seller })).await;
        let token = token["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        let mut orders = Vec::new();
        for status in [None, Some("cancelled")] {
            let mut offset = 0;
            loop {
                let mut query = vec![
                    ("seller", seller.to_string()),
                    ("offset", offset.to_string()),
                    ("limit", "50".to_owned()),
                ];
                if let Some(status) = status {
                    query.push(("order.status", status.to_owned()));
                }
                let page: Value = self
                    .http
                    .get(format!("{}/orders/search", self.base))
                    .bearer_auth(&token)
                    .query(&query)
                    .send()
                    .await
                    .and_then(|r| r.error_for_status())
                    .expect("orders search")
                    .json()
                    .await
                    .expect("orders search json");
                let results = page["results"].as_array().cloned().unwrap_or_default();
                offset += results.len();
                let total = page["paging"]["total"].as_u64().unwrap_or(0) as usize;
                let done = results.is_empty() || offset >= total;
                orders.extend(results);
                if done {
                    break;
                }
            }
        }
        orders
    }

    /// A named sale of the demo (`meli_sim::Landmarks`), e.g. `needs_action_guide`.
    pub async fn landmark(&self, name: &str) -> u64 {
        let summary = self.summary().await;
        summary["landmarks"][name]
            .as_u64()
            .unwrap_or_else(|| panic!("no landmark {name} in {summary}"))
    }

    /// Messages left for an action-guide option, as if the seller had used it elsewhere.
    pub async fn set_cap(&self, conversation: u64, option_id: &str, cap: u8) {
        self.post(
            &format!("/_sim/packs/{conversation}/caps"),
            json!({ "option_id": option_id, "cap_available": cap }),
        )
        .await;
    }

    /// The next request under `path_prefix` with `method` is served `delay_ms` late.
    pub async fn slow_next(&self, method: &str, path_prefix: &str, delay_ms: u64) {
        self.post(
            "/_sim/faults",
            json!({
                "path_prefix": path_prefix,
                "method": method,
                "kind": { "kind": "slow", "delay_ms": delay_ms },
                "times": 1,
            }),
        )
        .await;
    }

    /// Statuses of the reasons to communicate posted for this conversation, oldest first.
    pub async fn option_posts(&self, conversation: u64) -> Vec<u16> {
        let path = format!("/messages/action_guide/packs/{conversation}/option");
        self.requests()
            .await
            .into_iter()
            .filter(|r| r["method"] == "POST" && r["path"] == path.as_str())
            .filter_map(|r| r["status"].as_u64().and_then(|s| u16::try_from(s).ok()))
            .collect()
    }
}
