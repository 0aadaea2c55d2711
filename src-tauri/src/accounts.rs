//! Connecting, resuming and disconnecting Mercado Libre accounts. The flow is the inbox's; the
//! shell brings what only it has: the keychain ([`crate::credentials`]), the system browser,
//! the window's events and, for the demo, the built-in simulator.

use std::time::Duration;

use inbox::ipc::{ConnectForm, ConnectProgress, KnownApplication, RedirectRule, Settings};
use inbox::sync::connect::paste_box;
use inbox::sync::{ConnectRequest, SyncConfig};
use meli::{Language, Secret};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_opener::OpenerExt;

use crate::credentials::{Credentials, StoredApp};
use crate::demo::Demo;
use crate::error::CommandError;
use crate::pending::PasteError;
use crate::state::AppState;

pub const CONNECT_PROGRESS: &str = "connect-progress";
/// How long the seller has to approve in the browser before the attempt gives up.
const APPROVAL_TIMEOUT: Duration = Duration::from_secs(300);

pub fn sync_config(settings: &Settings) -> SyncConfig {
    SyncConfig {
        history_days: settings.history_days,
        interval: Duration::from_secs(u64::from(settings.poll_seconds)),
        ..SyncConfig::default()
    }
}

fn language_of(settings: &Settings) -> Language {
    use inbox::ipc::LanguageChoice;
    match settings.language {
        LanguageChoice::Spanish => Language::Spanish,
        LanguageChoice::Portuguese => Language::Portuguese,
        LanguageChoice::English => Language::English,
        LanguageChoice::System => Language::from_tag(
            &crate::settings::system_locale()
                .unwrap_or_default()
                .replace('_', "-"),
        ),
    }
}

fn secrets_error(err: String) -> CommandError {
    CommandError::new("secrets", err)
}

/// Connects through OAuth; `approve` is what opens the authorization page (the system browser,
/// or the simulator's stand-in for it in the demo). The attempt's secrets go to `credentials`;
/// `budget` is the request budget (`None`: Mercado Libre's published limits, less the client's
/// margin).
async fn connect(
    handle: &AppHandle,
    credentials: &Credentials,
    app: StoredApp,
    approve: impl FnOnce(String) + Send + 'static,
    budget: Option<meli::RateBudget>,
) -> Result<i64, CommandError> {
    let state = handle.state::<AppState>();
    let settings = state.settings();
    let site = app
        .site()
        .map_err(|e| CommandError::new("invalid_site", e))?;
    let key = credentials.begin(&app).map_err(secrets_error)?;
    let tokens = credentials.tokens(&key);
    let request = ConnectRequest {
        client_id: app.client_id.clone(),
        client_secret: app.client_secret.clone(),
        redirect_uri: app.redirect_uri.clone(),
        site,
        api_base: app.api_base.clone(),
        auth_base: app.auth_base.clone(),
        timeout: APPROVAL_TIMEOUT,
        language: language_of(&settings),
        budget,
    };
    let inbox = state.inbox.clone();
    let config = sync_config(&settings);
    let (paste_tx, pasted) = paste_box();
    let (registered_tx, registered) = tokio::sync::oneshot::channel::<u64>();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let emitter = handle.clone();
    let task = tauri::async_runtime::spawn(async move {
        // Starts once the attempt is recorded, so its page is recorded as this attempt's.
        let Ok(id) = registered.await else { return };
        let open = move |url: String| {
            emitter
                .state::<AppState>()
                .pending_connect
                .opened(id, url.clone());
            let _ = emitter.emit(
                CONNECT_PROGRESS,
                ConnectProgress::Waiting {
                    authorization_url: url.clone(),
                },
            );
            approve(url);
        };
        let result = inbox
            .connect_account(request, tokens, open, pasted, config)
            .await;
        let _ = done_tx.send(result);
    });
    let id = state.pending_connect.start(move || task.abort(), paste_tx);
    let _ = registered_tx.send(id);
    let outcome = done_rx.await;
    state.pending_connect.finish(id);
    match outcome {
        Ok(Ok(account_id)) => {
            credentials
                .connected(&key, account_id)
                .map_err(secrets_error)?;
            Ok(account_id)
        }
        Ok(Err(err)) => {
            credentials.failed(&key);
            Err(err.into())
        }
        // The task was aborted: the seller pressed Cancel, or started another attempt.
        Err(_) => {
            credentials.failed(&key);
            Err(CommandError::new(
                "cancelled",
                "the connection was cancelled",
            ))
        }
    }
}

/// Connects the seller's own application: the browser opens at Mercado Libre (or at the
/// compatible server chosen at launch).
pub async fn connect_with_browser(
    handle: &AppHandle,
    form: ConnectForm,
) -> Result<i64, CommandError> {
    let state = handle.state::<AppState>();
    let server = state.server.clone();
    let rule = if server.is_some() {
        RedirectRule::HttpsOrLoopback
    } else {
        RedirectRule::Https
    };
    let checked = form
        .check(rule)
        .map_err(|problem| CommandError::new(problem.code(), problem.to_string()))?;
    // Not a secret: kept beside the settings to fill the form next time.
    if let Err(err) = crate::settings::save_application(
        handle,
        &state.settings_file,
        &KnownApplication::from(&checked),
    ) {
        tracing::warn!(%err, "the application was not remembered");
    }
    let app = StoredApp {
        site: checked.site.id().to_owned(),
        client_id: checked.client_id,
        client_secret: checked.client_secret,
        redirect_uri: checked.redirect_uri,
        api_base: server.as_ref().map(|s| s.api_base.clone()),
        auth_base: server.as_ref().map(|s| s.auth_base.clone()),
    };
    let opener = handle.clone();
    connect(
        handle,
        &state.credentials,
        app,
        move |url| open_in_browser(&opener, &url),
        None,
    )
    .await
}

/// Opens an authorization page in the seller's browser: the one chosen at launch, or the
/// system's. The page stays in the connect view too, to open again or copy.
fn open_in_browser(handle: &AppHandle, url: &str) {
    let program = handle.state::<AppState>().browser.clone();
    if let Err(err) = handle.opener().open_url(url, program.as_deref()) {
        tracing::warn!(%err, "could not open the browser");
    }
}

/// Opens the authorization page of the attempt under way again.
pub fn open_authorization_again(handle: &AppHandle) -> Result<(), CommandError> {
    let url = handle
        .state::<AppState>()
        .pending_connect
        .authorization_url()
        .ok_or_else(|| CommandError::new("no_attempt", "no connection is waiting"))?;
    open_in_browser(handle, &url);
    Ok(())
}

/// Hands what the seller pasted (the code, or the relay's whole address) to the attempt under
/// way; resolves once it is taken (the account then connects as through the loopback).
pub async fn paste(handle: &AppHandle, text: Secret) -> Result<(), CommandError> {
    let state = handle.state::<AppState>();
    match state.pending_connect.paste(text).await {
        Ok(()) => Ok(()),
        Err(PasteError::NoAttempt) => Err(CommandError::new(
            "no_attempt",
            "no connection is waiting for a code",
        )),
        Err(PasteError::Refused(code)) => Err(CommandError::new(
            &code,
            "the pasted text was not this attempt's answer",
        )),
    }
}

/// Cancels the connection under way, if any.
pub fn cancel(handle: &AppHandle) {
    handle.state::<AppState>().pending_connect.cancel();
}

/// The app's simulator: the one started with `--demo`, or one started now for "Try the demo".
async fn ensure_simulator(handle: &AppHandle) -> Result<Demo, CommandError> {
    let state = handle.state::<AppState>();
    let mut slot = state.demo.lock().await;
    if let Some(demo) = slot.as_ref() {
        return Ok(demo.clone());
    }
    let demo = Demo::start(state.demo_port, state.demo_rate).await?;
    *slot = Some(demo.clone());
    Ok(demo)
}

/// Connects every seller of the built-in simulator, through the same OAuth flow; the
/// simulator's authorization page approves by itself and [`crate::demo`] plays the relay,
/// unless a browser was chosen at launch, which then opens the page as for a real account.
pub async fn connect_demo(handle: &AppHandle) -> Result<Vec<i64>, CommandError> {
    let demo = ensure_simulator(handle).await?;
    // A browser chosen at launch plays the seller's part on the simulator's pages.
    let has_browser = handle.state::<AppState>().browser.is_some();
    let mut accounts = Vec::new();
    for seller in demo.sellers() {
        let app = StoredApp {
            site: demo.site_of(seller),
            client_id: demo.client_id(),
            client_secret: Secret::new(demo.client_secret()),
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
        // The simulator's tokens never go to the OS keychain.
        let credentials = &handle.state::<AppState>().demo_credentials;
        accounts.push(connect(handle, credentials, app, approve, Some(demo.budget())).await?);
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
    let (app, tokens) = state
        .credentials
        .of_account(account_id)
        .map_err(secrets_error)?
        .ok_or_else(|| {
            CommandError::new("not_connected", "no saved credentials for this account")
        })?;
    let config = app
        .client_config()
        .map_err(|e| CommandError::new("invalid_site", e))?;
    // Accounts of one application share its request budget (Mercado Libre counts per
    // application).
    let client = state.inbox.client_for(config, tokens)?;
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
    state.credentials.forget_account(account_id);
    state.demo_credentials.forget_account(account_id);
    Ok(())
}
