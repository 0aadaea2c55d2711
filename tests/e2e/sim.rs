//! The demo's simulator, steered through its `/_sim/` control API as a test would steer
//! Mercado Libre: buyers buy and write, and the request log shows what reached it.

use serde_json::{json, Value};

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

    pub async fn buyer_writes(&self, conversation: u64, text: &str) {
        self.post(
            &format!("/_sim/packs/{conversation}/buyer_messages"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Messages the seller posted to this conversation, as the simulator logged them.
    pub async fn seller_posts_to(&self, conversation: u64) -> Vec<Value> {
        let log: Value = self
            .http
            .get(format!("{}/_sim/requests", self.base))
            .send()
            .await
            .expect("request log")
            .json()
            .await
            .expect("request log json");
        let prefix = format!("/messages/packs/{conversation}/sellers/");
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|r| {
                r["method"] == "POST" && r["path"].as_str().unwrap_or("").starts_with(&prefix)
            })
            .cloned()
            .collect()
    }

    /// A named sale of the demo (`meli_sim::Landmarks`), e.g. `needs_action_guide`.
    pub async fn landmark(&self, name: &str) -> u64 {
        let summary: Value = self
            .http
            .get(format!("{}/_sim/summary", self.base))
            .send()
            .await
            .expect("summary")
            .json()
            .await
            .expect("summary json");
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
        let log: Value = self
            .http
            .get(format!("{}/_sim/requests", self.base))
            .send()
            .await
            .expect("request log")
            .json()
            .await
            .expect("request log json");
        let path = format!("/messages/action_guide/packs/{conversation}/option");
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["method"] == "POST" && r["path"] == path.as_str())
            .filter_map(|r| r["status"].as_u64().and_then(|s| u16::try_from(s).ok()))
            .collect()
    }
}
