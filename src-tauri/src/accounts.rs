//! Connecting, resuming and disconnecting Mercado Libre accounts. The flow is the inbox's; the
//! shell brings what only it has: the keychain, the system browser, the window's events and, for
//! the demo, the built-in simulator.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use inbox::ipc::{ConnectForm, ConnectProgress, Settings};
use inbox::sync::{ConnectRequest, SyncConfig};
use inbox::Inbox;
use meli::auth::{AppCredentials, TokenStore};
use meli::{Client, ClientConfig, Language, Secret, Site};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_opener::OpenerExt;

use crate::error::CommandError;
use crate::secrets::Secrets;
use crate::state::AppState;

pub const CONNECT_PROGRESS: &str = "connect-progress";
/// How long the seller has to approve in the browser before the attempt gives up.
const APPROVAL_TIMEOUT: Duration = Duration::from_secs(300);

/// The application an account was connected with, kept in the keychain (it holds the secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredApp {
    site: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    /// Set for accounts of the built-in simulator.
    #[serde(default)]
    api_base: Option<String>,
    #[serde(default)]
    auth_base: Option<String>,
}

/// The connection under way, so Cancel can stop it.
#[derive(Default)]
pub struct PendingConnect(Mutex<Option<tauri::async_runtime::JoinHandle<()>>>);

pub fn sync_config(settings: &Settings) -> SyncConfig {
    SyncConfig {
        history_days: settings.history_days,
        interval: Duration::from_secs(u64::from(settings.poll_seconds)),
        ..SyncConfig::default()
    }
}

fn connection_key() -> String {
    use rand::Rng;
    let bytes: [u8; 12] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn app_key(key: &str) -> String {
    format!("app:{key}")
}

fn account_key(account_id: i64) -> String {
    format!("account:{account_id}")
}

fn language_of(settings: &Settings) -> Language {
    use inbox::ipc::LanguageChoice;
    match settings.language {
        LanguageChoice::Spanish => Language::Spanish,
        LanguageChoice::Portuguese => Language::Portuguese,
        LanguageChoice::English => Language::English,
        LanguageChoice::System => {
            Language::from_tag(&std::env::var("LANG").unwrap_or_default().replace('_', "-"))
        }
    }
}

fn client_config(app: &StoredApp) -> Result<ClientConfig, CommandError> {
    let site = Site::from_id(&app.site)
        .ok_or_else(|| CommandError::new("invalid_site", format!("unknown site {}", app.site)))?;
    let mut config = ClientConfig::new(
        site,
        AppCredentials {
            client_id: app.client_id.clone(),
            client_secret: Secret::new(app.client_secret.clone()),
            redirect_uri: app.redirect_uri.clone(),
        },
    );
    if let Some(api) = &app.api_base {
        config.api_base = api.clone();
    }
    if let Some(auth) = &app.auth_base {
        config.auth_base = auth.clone();
    }
    Ok(config)
}

fn save_app(secrets: &Secrets, key: &str, app: &StoredApp) -> Result<(), CommandError> {
    let json =
        serde_json::to_string(app).map_err(|e| CommandError::new("secrets", e.to_string()))?;
    secrets
        .set(&app_key(key), &json)
        .map_err(|e| CommandError::new("secrets", e))
}

/// Connects through OAuth; `approve` is what opens the authorization page (the system browser,
/// or the simulator's stand-in for it in the demo). `budget` is the request budget (`None`:
/// Mercado Libre's published limits, less the client's margin).
async fn connect(
    handle: &AppHandle,
    app: StoredApp,
    approve: impl FnOnce(String) + Send + 'static,
    budget: Option<meli::RateBudget>,
) -> Result<i64, CommandError> {
    let state = handle.state::<AppState>();
    let settings = state.settings();
    let site = Site::from_id(&app.site)
        .ok_or_else(|| CommandError::new("invalid_site", format!("unknown site {}", app.site)))?;
    let key = connection_key();
    save_app(&state.secrets, &key, &app)?;
    let tokens: Arc<dyn TokenStore> = state.secrets.token_store(&key);
    let request = ConnectRequest {
        client_id: app.client_id.clone(),
        client_secret: Secret::new(app.client_secret.clone()),
        redirect_uri: app.redirect_uri.clone(),
        site,
        api_base: app.api_base.clone(),
        auth_base: app.auth_base.clone(),
        timeout: APPROVAL_TIMEOUT,
        language: language_of(&settings),
        budget,
    };
    let emitter = handle.clone();
    let open = move |url: String| {
        let _ = emitter.emit(
            CONNECT_PROGRESS,
            ConnectProgress::Waiting {
                authorization_url: url.clone(),
            },
        );
        approve(url);
    };
    let inbox: Inbox = state.inbox.clone();
    let config = sync_config(&settings);
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let task = tauri::async_runtime::spawn(async move {
        let result = inbox.connect_account(request, tokens, open, config).await;
        let _ = done_tx.send(result);
    });
    if let Ok(mut pending) = state.pending_connect.0.lock() {
        if let Some(previous) = pending.replace(task) {
            previous.abort();
        }
    }
    let outcome = done_rx.await;
    if let Ok(mut pending) = state.pending_connect.0.lock() {
        pending.take();
    }
    match outcome {
        Ok(Ok(account_id)) => {
            // Reconnecting an account replaces its earlier application and tokens.
            if let Ok(Some(previous)) = state.secrets.get(&account_key(account_id)) {
                if previous != key {
                    forget(&state.secrets, &previous);
                }
            }
            state
                .secrets
                .set(&account_key(account_id), &key)
                .map_err(|e| CommandError::new("secrets", e))?;
            Ok(account_id)
        }
        Ok(Err(err)) => {
            forget(&state.secrets, &key);
            Err(err.into())
        }
        // The task was aborted: the seller pressed Cancel.
        Err(_) => {
            forget(&state.secrets, &key);
            Err(CommandError::new(
                "cancelled",
                "the connection was cancelled",
            ))
        }
    }
}

fn forget(secrets: &Secrets, key: &str) {
    let _ = secrets.delete(&app_key(key));
    let _ = secrets.token_store(key).clear();
}

/// Connects the seller's own application: the system browser opens at Mercado Libre.
pub async fn connect_with_browser(
    handle: &AppHandle,
    form: ConnectForm,
) -> Result<i64, CommandError> {
    let client_id = form.client_id.trim().to_owned();
    if client_id.is_empty() || !client_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CommandError::new(
            "invalid_client_id",
            "the client id is the application's number",
        ));
    }
    if !form.redirect_uri.starts_with("https://") {
        return Err(CommandError::new(
            "invalid_redirect_uri",
            "Mercado Libre only accepts https redirect URIs",
        ));
    }
    let app = StoredApp {
        site: form.site,
        client_id,
        client_secret: form.client_secret.trim().to_owned(),
        redirect_uri: form.redirect_uri.trim().to_owned(),
        api_base: None,
        auth_base: None,
    };
    let opener = handle.clone();
    connect(handle, app, move |url| open_in_browser(&opener, &url), None).await
}

/// Opens an authorization page in the seller's browser: the one chosen at launch, or the
/// system's. The page stays in the connect view too, to open again or copy.
fn open_in_browser(handle: &AppHandle, url: &str) {
    let program = handle.state::<AppState>().browser.clone();
    if let Err(err) = handle.opener().open_url(url, program.as_deref()) {
        tracing::warn!(%err, "could not open the browser");
    }
}

/// Cancels the connection under way, if any.
pub fn cancel(handle: &AppHandle) {
    let state = handle.state::<AppState>();
    let task = state
        .pending_connect
        .0
        .lock()
        .ok()
        .and_then(|mut pending| pending.take());
    if let Some(task) = task {
        task.abort();
    }
}

/// Connects every seller of the built-in simulator, through the same OAuth flow; the
/// simulator's authorization page approves by itself and [`crate::demo`] plays the relay,
/// unless a browser was chosen at launch, which then opens the page as for a real account.
pub async fn connect_demo(handle: &AppHandle) -> Result<Vec<i64>, CommandError> {
    let demo = crate::demo::ensure_simulator(handle).await?;
    // A browser chosen at launch plays the seller's part on the simulator's pages.
    let has_browser = handle.state::<AppState>().browser.is_some();
    let mut accounts = Vec::new();
    for seller in demo.sellers() {
        let app = StoredApp {
            site: demo.site_of(seller),
            client_id: demo.client_id(),
            client_secret: demo.client_secret(),
            redirect_uri: demo.redirect_uri(),
            api_base: Some(demo.base_url()),
            auth_base: Some(demo.auth_base_url()),
        };
        let approve: Box<dyn FnOnce(String) + Send> = if has_browser {
            let opener = handle.clone();
            Box::new(move |url| open_in_browser(&opener, &url))
        } else {
            let browser = demo.clone();
            Box::new(move |url| browser.approve(seller, url))
        };
        accounts.push(connect(handle, app, approve, Some(demo.budget())).await?);
    }
    Ok(accounts)
}

/// Restarts the sync of accounts connected in an earlier run, from the keychain.
pub async fn resume(handle: &AppHandle) {
    let state = handle.state::<AppState>();
    let accounts = match state.inbox.accounts().await {
        Ok(accounts) => accounts,
        Err(err) => {
            tracing::warn!(%err, "could not list accounts to resume");
            return;
        }
    };
    for account in accounts
        .into_iter()
        .filter(|a| a.state == inbox::rules::SourceState::Connected)
    {
        if let Err(err) = resume_one(handle, account.id).await {
            tracing::warn!(account = account.id, code = %err.0.code, "account not resumed");
        }
    }
}

async fn resume_one(handle: &AppHandle, account_id: i64) -> Result<(), CommandError> {
    let state = handle.state::<AppState>();
    let secrets = &state.secrets;
    let missing = || CommandError::new("not_connected", "no saved credentials for this account");
    let key = secrets
        .get(&account_key(account_id))
        .map_err(|e| CommandError::new("secrets", e))?
        .ok_or_else(missing)?;
    let app: StoredApp = secrets
        .get(&app_key(&key))
        .map_err(|e| CommandError::new("secrets", e))?
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or_else(missing)?;
    let client = Client::new(client_config(&app)?, secrets.token_store(&key))
        .map_err(|e| CommandError::from(inbox::InboxError::from(e)))?;
    // No question to Mercado Libre first: an offline start still syncs once it is back.
    state
        .inbox
        .resume_account(account_id, client, sync_config(&state.settings()))
        .await?;
    Ok(())
}

/// Disconnects: the sync stops and the account's secrets leave the keychain; its cached leads
/// and chats stay readable (the lead source shows as disabled).
pub async fn disconnect(handle: &AppHandle, account_id: i64) -> Result<(), CommandError> {
    let state = handle.state::<AppState>();
    state.inbox.disconnect(account_id).await?;
    if let Ok(Some(key)) = state.secrets.get(&account_key(account_id)) {
        forget(&state.secrets, &key);
    }
    let _ = state.secrets.delete(&account_key(account_id));
    Ok(())
}
