//! Connecting an account through Mercado Libre's OAuth: the authorization URL goes to the
//! seller's browser (through the shell's `open_browser`), a loopback listener waits for the
//! relay to bring the code back — or the seller pastes what the relay shows when the browser
//! cannot reach this computer — and the client exchanges the code. Tokens go to the shell's
//! [`meli::auth::TokenStore`] (the OS keychain), never into SQLite.

use std::time::Duration;

use meli::auth::{parse_pasted, AppCredentials, CallbackListener};
use meli::{Client, ClientConfig, Language, MeliError, Secret, Site};
use tokio::sync::{mpsc, oneshot};

use crate::error::Result;

/// What the seller pasted into the connect view (the code alone, or the relay's whole address),
/// and where to tell them whether it was taken.
#[derive(Debug)]
pub struct Pasted {
    pub text: Secret,
    pub reply: oneshot::Sender<std::result::Result<(), MeliError>>,
}

/// The sending half of an attempt's paste box; [`paste_box`] makes the pair.
pub type PasteSender = mpsc::Sender<Pasted>;
pub type PasteReceiver = mpsc::Receiver<Pasted>;

pub fn paste_box() -> (PasteSender, PasteReceiver) {
    // A seller pastes by hand: a few in flight is plenty.
    mpsc::channel(4)
}

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
            // A Mercado Libre-compatible server (the simulator) serves its listings'
            // pictures itself.
            config = config.with_picture_origin(api);
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

/// Runs the authorization for `client` (not connected yet; built by
/// [`crate::Inbox::client_for`], so it shares its application's budget): `open_browser`
/// receives the URL to open. The code comes from the loopback listener or from `pasted`,
/// whichever brings a valid one first; a paste that is not this attempt's is refused to its
/// sender and the wait goes on. Returns the client, connected, its tokens saved in its store.
pub async fn authorize(
    request: &ConnectRequest,
    client: Client,
    open_browser: impl FnOnce(String) + Send,
    pasted: PasteReceiver,
) -> Result<Client> {
    let listener = CallbackListener::bind(0)
        .await?
        .for_relay(&request.redirect_uri);
    let attempt = client.authorization_attempt(listener.port());
    open_browser(attempt.url.to_string());
    let listened = listener.wait(
        &attempt.state,
        request.language,
        request.timeout,
        std::future::pending(),
    );
    let code = tokio::select! {
        code = listened => code?,
        code = first_valid_paste(pasted, &attempt.state) => code,
    };
    client.connect(&attempt, &code).await?;
    Ok(client)
}

/// Waits for a pasted text that holds this attempt's code (and, when it carries a `state`, this
/// attempt's state). Never ends when nobody can paste any more (the listener still can).
async fn first_valid_paste(mut pasted: PasteReceiver, state: &str) -> Secret {
    while let Some(Pasted { text, reply }) = pasted.recv().await {
        match parse_pasted(text.expose(), state) {
            Ok(code) => {
                let _ = reply.send(Ok(()));
                return code;
            }
            Err(err) => {
                tracing::info!(code = err.code(), "a pasted answer was refused");
                let _ = reply.send(Err(err));
            }
        }
    }
    std::future::pending().await
}
