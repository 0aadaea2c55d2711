//! Connecting an account through Mercado Libre's OAuth: the authorization URL goes to the
//! seller's browser (through the shell's `open_browser`), a loopback listener waits for the
//! relay to bring the code back, and the client exchanges it. Tokens go to the shell's
//! [`TokenStore`] (the OS keychain), never into SQLite.

use std::sync::Arc;
use std::time::Duration;

use meli::auth::{AppCredentials, CallbackListener, TokenStore};
use meli::{Client, ClientConfig, Language, Secret, Site};

use crate::error::Result;

/// The seller's own application and where to reach Mercado Libre.
#[derive(Debug, Clone)]
pub struct ConnectRequest {
    pub client_id: String,
    pub client_secret: Secret,
    /// Exactly as registered: the HTTPS relay page.
    pub redirect_uri: String,
    pub site: Site,
    /// Overrides for the API and authorization hosts (the simulator); `None` for the real ones.
    pub api_base: Option<String>,
    pub auth_base: Option<String>,
    /// How long the seller has to approve in the browser.
    pub timeout: Duration,
    /// The language of the page the browser shows when it is done.
    pub language: Language,
    /// The request budget; `None` keeps the client's default (80% of the published limits).
    pub budget: Option<meli::RateBudget>,
}

impl ConnectRequest {
    pub fn client_config(&self) -> ClientConfig {
        let app = AppCredentials {
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            redirect_uri: self.redirect_uri.clone(),
        };
        let mut config = ClientConfig::new(self.site, app);
        if let Some(api) = &self.api_base {
            config.api_base = api.clone();
        }
        if let Some(auth) = &self.auth_base {
            config.auth_base = auth.clone();
        }
        if let Some(budget) = self.budget {
            config.budget = budget;
        }
        config
    }
}

/// Runs the authorization: `open_browser` receives the URL to open. Returns the client,
/// connected, its tokens saved in `tokens`.
pub async fn authorize(
    request: &ConnectRequest,
    config: ClientConfig,
    tokens: Arc<dyn TokenStore>,
    open_browser: impl FnOnce(String) + Send,
) -> Result<Client> {
    let client = Client::new(config, tokens)?;
    let listener = CallbackListener::bind(0).await?;
    let attempt = client.authorization_attempt(listener.port());
    open_browser(attempt.url.to_string());
    let code = listener
        .wait(
            &attempt.state,
            request.language,
            request.timeout,
            std::future::pending(),
        )
        .await?;
    client.connect(&attempt, &code).await?;
    Ok(client)
}
