//! The demo: the built-in simulator of Mercado Libre, and a stand-in for the seller's browser
//! and the relay page, so the demo connects through the same OAuth flow a seller goes through.

use std::sync::Arc;

use meli_sim::{Control, RateLimit, Simulator};

use crate::error::CommandError;

/// A running simulator and what a connection to it needs. Cheap to clone.
#[derive(Clone)]
pub struct Demo {
    inner: Arc<DemoInner>,
}

struct DemoInner {
    base_url: String,
    auth_base_url: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    sellers: Vec<(u64, String)>,
    rate_limit: RateLimit,
    control: Control,
    http: reqwest::Client,
    _simulator: Simulator,
}

impl Demo {
    /// Starts the simulator on `port` (0: any), limiting requests to `rate` a minute each of
    /// reads and writes (`None`: Mercado Libre's published limits).
    pub async fn start(port: u16, rate: Option<u32>) -> Result<Demo, CommandError> {
        let rate_limit = rate.map_or_else(RateLimit::default, |rate| RateLimit {
            reads_per_minute: rate,
            writes_per_minute: rate,
        });
        let simulator = Simulator::start_demo(port, rate_limit)
            .await
            .map_err(|e| CommandError::new("demo", e.to_string()))?;
        let control = simulator.control();
        let summary = control.summary();
        let http = reqwest::Client::builder()
            // The authorization page answers with a redirect to the relay, which is not a
            // real host here: read the Location instead of following it.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CommandError::new("demo", e.to_string()))?;
        let base_url = simulator.base_url();
        let mut sellers = Vec::new();
        for seller in summary.sellers {
            let site = http
                .get(format!("{base_url}/users/{seller}"))
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .map_err(|e| CommandError::new("demo", e.to_string()))?
                .json::<serde_json::Value>()
                .await
                .map_err(|e| CommandError::new("demo", e.to_string()))?
                .get("site_id")
                .and_then(|s| s.as_str())
                .unwrap_or("MLA")
                .to_owned();
            sellers.push((seller, site));
        }
        tracing::info!(%base_url, sellers = sellers.len(), "demo simulator listening");
        Ok(Demo {
            inner: Arc::new(DemoInner {
                auth_base_url: simulator.auth_base_url(),
                base_url,
                client_id: summary.client_id.to_string(),
                client_secret: summary.client_secret,
                redirect_uri: summary.redirect_uri,
                sellers,
                rate_limit,
                control,
                http,
                _simulator: simulator,
            }),
        })
    }

    /// The client's request budget on this simulator: 80% of its limits, as the client keeps
    /// for Mercado Libre's.
    pub fn budget(&self) -> meli::RateBudget {
        let share = |limit: u32| limit / 5 * 4;
        meli::RateBudget {
            reads_per_minute: share(self.inner.rate_limit.reads_per_minute),
            writes_per_minute: share(self.inner.rate_limit.writes_per_minute),
        }
    }

    pub fn sellers(&self) -> Vec<u64> {
        self.inner.sellers.iter().map(|(id, _)| *id).collect()
    }

    pub fn site_of(&self, seller: u64) -> String {
        self.inner
            .sellers
            .iter()
            .find(|(id, _)| *id == seller)
            .map(|(_, site)| site.clone())
            .unwrap_or_else(|| "MLA".to_owned())
    }

    pub fn base_url(&self) -> String {
        self.inner.base_url.clone()
    }

    pub fn auth_base_url(&self) -> String {
        self.inner.auth_base_url.clone()
    }

    pub fn client_id(&self) -> String {
        self.inner.client_id.clone()
    }

    pub fn client_secret(&self) -> String {
        self.inner.client_secret.clone()
    }

    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri.clone()
    }

    /// What the seller's browser and the relay page do: open the authorization page as
    /// `seller` (the demo's page approves by itself), then hand the code and state to the
    /// app's loopback listener, whose port travels in `state`.
    pub fn approve(&self, seller: u64, authorization_url: String) {
        let demo = self.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(err) = demo.approve_now(seller, &authorization_url).await {
                tracing::warn!(%err, "demo approval failed");
            }
        });
    }

    async fn approve_now(&self, seller: u64, authorization_url: &str) -> Result<(), String> {
        self.inner
            .control
            .log_in_as(seller)
            .map_err(|e| e.to_string())?;
        let answer = self
            .inner
            .http
            .get(authorization_url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let location = answer
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or("the authorization page did not redirect")?;
        let url = url::Url::parse(location).map_err(|e| e.to_string())?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let (code, state) = (
            param("code").ok_or("no code in the redirect")?,
            param("state").ok_or("no state in the redirect")?,
        );
        // The relay's one rule: only 127.0.0.1, only the numeric port carried in `state`.
        let port = meli::auth::port_from_state(&state).ok_or("no port in state")?;
        self.inner
            .http
            .get(format!("http://127.0.0.1:{port}/callback"))
            .query(&[("code", code.as_str()), ("state", state.as_str())])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}
