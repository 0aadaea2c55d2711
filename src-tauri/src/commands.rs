//! The commands the UI invokes. Thin: each calls the domain and maps its error; no rule or
//! query lives here.

use std::path::PathBuf;

use inbox::ipc::{
    AccountDto, AppInfo, BoardFilter, ColumnPage, ConnectForm, ConversationPage, DraftDto,
    FirstScreen, GuideOptionDto, LeadCard, OutboxItem, PageMarks, QuestionDetail, QuestionDto,
    QuestionFilter, QuestionStats, QuestionsPage, Queued, QuickReplyDto, QuickReplyInput,
    SearchResults, SendCheck, Settings, SiteOption, StageColumn, StartupReport, Stats, SyncStatus,
};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// Asked first by the window: whether the app could open its data, and the seller's language
/// and theme to say it in.
#[tauri::command]
pub fn startup_report(
    app: AppHandle,
    startup: State<'_, crate::startup::Startup>,
) -> StartupReport {
    startup.report(&app)
}

/// Everything the first board needs, in one call off the main thread (see [`FirstScreen`]).
#[tauri::command]
pub async fn first_screen(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CommandResult<FirstScreen> {
    let (accounts, board, unread_questions) = tokio::join!(
        state.inbox.accounts(),
        state.inbox.board(None, BoardFilter::default()),
        state.inbox.unread_questions(),
    );
    Ok(FirstScreen {
        info: app_info_of(&app, &state),
        settings: state.settings(),
        sync: state.inbox.sync_status(),
        sites: SiteOption::all(),
        accounts: accounts?,
        board: board?,
        unread_questions: unread_questions?,
    })
}

/// Off the main thread: salvaging and setting aside a large cache takes a moment, and the
/// window keeps painting "Rebuilding…" meanwhile.
#[tauri::command]
pub async fn rebuild_cache(app: AppHandle) -> CommandResult<()> {
    tauri::async_runtime::spawn_blocking(move || {
        use tauri::Manager;
        app.state::<crate::startup::Startup>().rebuild(&app)
    })
    .await
    .map_err(|e| CommandError::new("start_failed", e.to_string()))?
}

#[tauri::command]
pub fn quit_app(app: AppHandle) {
    app.exit(0);
}

#[tauri::command]
pub fn app_info(app: AppHandle, state: State<'_, AppState>) -> AppInfo {
    app_info_of(&app, &state)
}

fn app_info_of(app: &AppHandle, state: &AppState) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo: state.demo_mode,
        secrets_persistent: state.credentials.persistent(),
        known_application: crate::settings::load_application(app, &state.settings_file),
        api_base: state.server.as_ref().map(|s| s.api_base.clone()),
        browser: state.browser.clone(),
    }
}

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> SyncStatus {
    state.inbox.sync_status()
}

/// The sync health panel: one entry per account (or the one asked for).
#[tauri::command]
pub async fn sync_health(
    state: State<'_, AppState>,
    account: Option<i64>,
) -> CommandResult<Vec<inbox::ipc::SyncHealth>> {
    Ok(state.inbox.sync_health(account).await?)
}

#[tauri::command]
pub async fn board(
    state: State<'_, AppState>,
    account: Option<i64>,
    filter: Option<BoardFilter>,
) -> CommandResult<Vec<StageColumn>> {
    Ok(state
        .inbox
        .board(account, filter.unwrap_or_default())
        .await?)
}

#[tauri::command]
pub async fn column_page(
    state: State<'_, AppState>,
    key: String,
    account: Option<i64>,
    filter: Option<BoardFilter>,
    cursor: Option<String>,
) -> CommandResult<ColumnPage> {
    Ok(state
        .inbox
        .column_page(key, account, filter.unwrap_or_default(), cursor)
        .await?)
}

#[tauri::command]
pub async fn lead_card(state: State<'_, AppState>, lead_id: i64) -> CommandResult<LeadCard> {
    Ok(state.inbox.lead_card(lead_id).await?)
}

#[tauri::command]
pub async fn conversation(
    state: State<'_, AppState>,
    lead_id: i64,
    older_than: Option<String>,
) -> CommandResult<ConversationPage> {
    Ok(state.inbox.conversation(lead_id, older_than).await?)
}

/// The seller opened the chat: it is refreshed first in line and marked read on Mercado Libre
/// and here (syncing alone never marks anything read). Offline, the cached chat is marked here.
#[tauri::command]
pub async fn open_chat(state: State<'_, AppState>, lead_id: i64) -> CommandResult<()> {
    state.inbox.open_chat(lead_id).await?;
    Ok(())
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    account: Option<i64>,
    cursor: Option<String>,
) -> CommandResult<SearchResults> {
    Ok(state.inbox.search(query, account, cursor).await?)
}

#[tauri::command]
pub async fn stats(state: State<'_, AppState>, account: Option<i64>) -> CommandResult<Stats> {
    Ok(state.inbox.stats(account).await?)
}

#[tauri::command]
pub async fn move_lead(state: State<'_, AppState>, lead_id: i64, key: String) -> CommandResult<()> {
    Ok(state.inbox.move_lead(lead_id, key).await?)
}

#[tauri::command]
pub async fn archive_lead(state: State<'_, AppState>, lead_id: i64) -> CommandResult<()> {
    Ok(state.inbox.archive(lead_id).await?)
}

#[tauri::command]
pub async fn unarchive_lead(state: State<'_, AppState>, lead_id: i64) -> CommandResult<()> {
    Ok(state.inbox.unarchive(lead_id).await?)
}

#[tauri::command]
pub async fn add_stage(state: State<'_, AppState>, name: String) -> CommandResult<String> {
    Ok(state.inbox.add_stage(name).await?)
}

#[tauri::command]
pub async fn rename_stage(
    state: State<'_, AppState>,
    key: String,
    name: String,
) -> CommandResult<()> {
    Ok(state.inbox.rename_stage(key, name).await?)
}

#[tauri::command]
pub async fn reorder_stages(state: State<'_, AppState>, keys: Vec<String>) -> CommandResult<()> {
    Ok(state.inbox.reorder_stages(keys).await?)
}

#[tauri::command]
pub async fn delete_stage(state: State<'_, AppState>, key: String) -> CommandResult<usize> {
    Ok(state.inbox.delete_stage(key).await?)
}

/// The files a draft names must be ones the seller chose (see [`crate::chosen_files`]).
fn chosen(state: &AppState, draft: &DraftDto) -> CommandResult<()> {
    state
        .chosen_files
        .check_all(draft.files.iter().map(|f| f.path.as_str()))
}

#[tauri::command]
pub async fn check_send(
    state: State<'_, AppState>,
    lead_id: i64,
    draft: DraftDto,
) -> CommandResult<SendCheck> {
    chosen(&state, &draft)?;
    Ok(state.inbox.check_send(lead_id, draft).await?)
}

#[tauri::command]
pub async fn send_draft(
    state: State<'_, AppState>,
    lead_id: i64,
    draft: DraftDto,
) -> CommandResult<Queued> {
    chosen(&state, &draft)?;
    // Queued, then the account's engine is asked for a pass so it goes out at once.
    Ok(state.inbox.send_draft(lead_id, draft).await?)
}

#[tauri::command]
pub async fn outbox(state: State<'_, AppState>, lead_id: i64) -> CommandResult<Vec<OutboxItem>> {
    Ok(state.inbox.outbox(lead_id).await?)
}

/// "Send again" on a draft Mercado Libre did not confirm: back to the outbox, judged again.
#[tauri::command]
pub async fn resend_draft(state: State<'_, AppState>, outbox_id: i64) -> CommandResult<OutboxItem> {
    Ok(state.inbox.resend_draft(outbox_id).await?)
}

/// "Discard" on a draft that was not sent or not confirmed.
#[tauri::command]
pub async fn discard_draft(state: State<'_, AppState>, outbox_id: i64) -> CommandResult<()> {
    Ok(state.inbox.discard_draft(outbox_id).await?)
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

/// Stores the settings and returns them as kept (numbers brought into range).
#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> CommandResult<Settings> {
    let settings = settings.sanitized();
    crate::settings::save(&app, &state.settings_file, &settings)
        .map_err(|e| CommandError::new("settings_not_saved", e))?;
    let before = state.settings();
    state.set_settings(settings.clone());
    if (before.poll_seconds, before.history_days) != (settings.poll_seconds, settings.history_days)
    {
        state
            .inbox
            .set_sync_config(crate::accounts::sync_config(&settings))
            .await;
    }
    Ok(settings)
}

/// The window has painted its first board. Logged once with the time since the process started
/// and the page's own steps on the way; with `MOSTRADOR_BENCH=1` also printed as
/// `MOSTRADOR_READY <ms> page=<ms> script=<ms> data=<ms>` for `cargo xtask bench`.
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>, marks: PageMarks) {
    if state
        .ui_ready
        .swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        return;
    }
    let ms = crate::launch::millis_since_start();
    let at = |epoch_ms: f64| crate::launch::millis_since_start_at(epoch_ms).unwrap_or(f64::NAN);
    let (page, script, data) = (at(marks.page_at), at(marks.script_at), at(marks.data_at));
    tracing::info!(
        ms,
        page = page.round(),
        script = script.round(),
        data = data.round(),
        "board visible"
    );
    if std::env::var_os("MOSTRADOR_BENCH").is_some() {
        eprintln!("MOSTRADOR_READY {ms} page={page:.0} script={script:.0} data={data:.0}");
    }
}

#[tauri::command]
pub fn sites() -> Vec<SiteOption> {
    SiteOption::all()
}

#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> CommandResult<Vec<AccountDto>> {
    Ok(state.inbox.accounts().await?)
}

/// Connects the seller's own application; resolves when the account is connected (its first
/// import then runs in the background) and emits `connect-progress` meanwhile.
#[tauri::command]
pub async fn connect_account(app: AppHandle, form: ConnectForm) -> CommandResult<i64> {
    crate::accounts::connect_with_browser(&app, form).await
}

#[tauri::command]
pub fn cancel_connect(app: AppHandle) {
    crate::accounts::cancel(&app);
}

/// The paste fallback: what the seller copied from the relay page (the code, or its whole
/// address) completes the connection under way exactly as the loopback would.
#[tauri::command]
pub async fn paste_authorization(app: AppHandle, text: meli::Secret) -> CommandResult<()> {
    crate::accounts::paste(&app, text).await
}

/// Opens the authorization page of the connection under way again (the webview never names
/// the address: the shell opens the one it built).
#[tauri::command]
pub fn open_authorization_page(app: AppHandle) -> CommandResult<()> {
    crate::accounts::open_authorization_again(&app)
}

/// "Try the demo": connects the built-in simulator's sellers.
#[tauri::command]
pub async fn connect_demo(app: AppHandle) -> CommandResult<Vec<i64>> {
    crate::accounts::connect_demo(&app).await
}

#[tauri::command]
pub async fn disconnect_account(app: AppHandle, account_id: i64) -> CommandResult<()> {
    crate::accounts::disconnect(&app, account_id).await
}

#[tauri::command]
pub fn sync_now(state: State<'_, AppState>, account_id: Option<i64>) {
    state.inbox.sync_now(account_id);
}

/// The file dialog for a draft's files (`filter_name` in the seller's language): the paths
/// chosen are remembered as the ones a draft may carry, and returned.
#[tauri::command]
pub async fn pick_files(
    app: AppHandle,
    state: State<'_, AppState>,
    filter_name: String,
) -> CommandResult<Vec<String>> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(filter_name.clone())
        .add_filter(filter_name, &["jpg", "jpeg", "png", "pdf", "txt"])
        .pick_files(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx
        .await
        .map_err(|e| CommandError::new("dialog_failed", e.to_string()))?
        .unwrap_or_default();
    let paths: Vec<PathBuf> = picked
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    state.chosen_files.remember(&paths);
    Ok(paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect())
}

/// Downloads an attachment once into the cache; returns where it is.
#[tauri::command]
pub async fn download_attachment(
    state: State<'_, AppState>,
    attachment_id: i64,
) -> CommandResult<String> {
    let path = state.inbox.download_attachment(attachment_id).await?;
    Ok(path.to_string_lossy().into_owned())
}

/// Downloads an attachment once into the cache and opens it with the system's viewer when the
/// core says its content is a kind Mercado Libre allows; anything else is only shown in its
/// folder. Called from Rust, the opener plugin applies no scope: the webview itself may not
/// open paths or reveal them (`capabilities/default.json` grants neither).
#[tauri::command]
pub async fn open_attachment(
    app: AppHandle,
    state: State<'_, AppState>,
    attachment_id: i64,
) -> CommandResult<()> {
    let file = state.inbox.attachment_to_open(attachment_id).await?;
    let opened = if file.open_with_system {
        app.opener()
            .open_path(file.path.to_string_lossy(), None::<&str>)
    } else {
        tracing::info!(
            attachment_id,
            "not a kind the system may open: shown in its folder"
        );
        app.opener().reveal_item_in_dir(&file.path)
    };
    opened.map_err(|e| CommandError::new("open_failed", e.to_string()))
}

/// The reasons to communicate a conversation must start with (`None`: write freely).
#[tauri::command]
pub async fn action_guide(
    state: State<'_, AppState>,
    lead_id: i64,
) -> CommandResult<Option<Vec<GuideOptionDto>>> {
    Ok(state.inbox.action_guide(lead_id).await?)
}

// The seller's toolkit: quick replies and armed drafts.

#[tauri::command]
pub async fn quick_replies(state: State<'_, AppState>) -> CommandResult<Vec<QuickReplyDto>> {
    Ok(state.inbox.quick_replies().await?)
}

#[tauri::command]
pub async fn save_quick_reply(
    state: State<'_, AppState>,
    reply: QuickReplyInput,
) -> CommandResult<i64> {
    Ok(state.inbox.save_quick_reply(reply).await?)
}

#[tauri::command]
pub async fn delete_quick_reply(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state.inbox.delete_quick_reply(id).await?)
}

#[tauri::command]
pub async fn reorder_quick_replies(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<()> {
    Ok(state.inbox.reorder_quick_replies(ids).await?)
}

/// `path` comes from the save dialog the seller answered.
#[tauri::command]
pub async fn export_quick_replies(
    state: State<'_, AppState>,
    path: PathBuf,
) -> CommandResult<usize> {
    Ok(state.inbox.export_quick_replies(path).await?)
}

/// `path` comes from the open dialog the seller answered.
#[tauri::command]
pub async fn import_quick_replies(
    state: State<'_, AppState>,
    path: PathBuf,
) -> CommandResult<usize> {
    Ok(state.inbox.import_quick_replies(path).await?)
}

/// Keeps the draft on the lead until it is sent (blank text disarms it).
#[tauri::command]
pub async fn arm_draft(
    state: State<'_, AppState>,
    lead_id: i64,
    text: String,
) -> CommandResult<()> {
    Ok(state.inbox.arm_draft(lead_id, text).await?)
}

// Pre-sale questions.

#[tauri::command]
pub async fn questions(
    state: State<'_, AppState>,
    filter: Option<QuestionFilter>,
) -> CommandResult<QuestionsPage> {
    Ok(state.inbox.questions(filter.unwrap_or_default()).await?)
}

#[tauri::command]
pub async fn unread_questions(state: State<'_, AppState>) -> CommandResult<u32> {
    Ok(state.inbox.unread_questions().await?)
}

/// Opens a question (it counts as read from now on) with the buyer's other questions on the
/// listing and the listing's earlier answers.
#[tauri::command]
pub async fn open_question(
    state: State<'_, AppState>,
    question_id: i64,
) -> CommandResult<QuestionDetail> {
    Ok(state.inbox.open_question(question_id).await?)
}

#[tauri::command]
pub async fn lead_questions(
    state: State<'_, AppState>,
    lead_id: i64,
) -> CommandResult<Vec<QuestionDto>> {
    Ok(state.inbox.lead_questions(lead_id).await?)
}

/// `Ok` when the answer may be sent; otherwise the refusal's stable code.
#[tauri::command]
pub async fn check_answer(
    state: State<'_, AppState>,
    question_id: i64,
    text: String,
) -> CommandResult<()> {
    Ok(state.inbox.check_answer(question_id, text).await?)
}

/// Validates, stores and sends (now, or when Mercado Libre answers again) a public answer.
#[tauri::command]
pub async fn answer_question(
    state: State<'_, AppState>,
    question_id: i64,
    text: String,
) -> CommandResult<QuestionDto> {
    Ok(state.inbox.answer_question(question_id, text).await?)
}

#[tauri::command]
pub async fn block_asker(
    state: State<'_, AppState>,
    account_id: i64,
    buyer_id: i64,
) -> CommandResult<()> {
    Ok(state.inbox.block_asker(account_id, buyer_id).await?)
}

#[tauri::command]
pub async fn unblock_asker(
    state: State<'_, AppState>,
    account_id: i64,
    buyer_id: i64,
) -> CommandResult<()> {
    Ok(state.inbox.unblock_asker(account_id, buyer_id).await?)
}

#[tauri::command]
pub async fn blocked_askers(
    state: State<'_, AppState>,
    account_id: i64,
) -> CommandResult<Vec<i64>> {
    Ok(state.inbox.blocked_askers(account_id).await?)
}

#[tauri::command]
pub async fn question_stats(
    state: State<'_, AppState>,
    account: Option<i64>,
) -> CommandResult<QuestionStats> {
    Ok(state.inbox.question_stats(account).await?)
}

/// "Open the logs folder" in Settings: the folder of the app's daily log files.
#[tauri::command]
pub fn open_logs_folder(
    app: AppHandle,
    logs: State<'_, crate::logging::LogDir>,
) -> CommandResult<()> {
    std::fs::create_dir_all(&logs.0)
        .map_err(|e| CommandError::new("open_failed", e.to_string()))?;
    app.opener()
        .open_path(logs.0.to_string_lossy(), None::<&str>)
        .map_err(|e| CommandError::new("open_failed", e.to_string()))
}
