// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod accounts;
mod commands;
mod demo;
mod error;
mod events;
mod launch;
mod secrets;
mod settings;
mod state;

use tauri::Manager;

fn main() {
    launch::mark_start();
    let options = launch::LaunchOptions::from_env();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MOSTRADOR_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let result = tauri::Builder::default()
        // Must come first: a second launch focuses the running window instead of opening another.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let state = state::AppState::start(app.handle(), &options)?;
            // Only the attachment cache is readable through the asset protocol (chat
            // thumbnails); its place depends on --data-dir, so the scope is set here.
            app.asset_protocol_scope()
                .allow_directory(state.inbox.cache_dir(), false)?;
            app.manage(state);
            events::forward_inbox_events(app.handle().clone());
            let handle = app.handle().clone();
            let demo = options.demo;
            tauri::async_runtime::spawn(async move {
                if demo {
                    if let Err(err) = accounts::connect_demo(&handle).await {
                        tracing::error!(code = %err.0.code, message = %err.0.message, "demo did not connect");
                    }
                } else {
                    accounts::resume(&handle).await;
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::sync_status,
            commands::board,
            commands::column_page,
            commands::lead_card,
            commands::conversation,
            commands::mark_read,
            commands::search,
            commands::stats,
            commands::move_lead,
            commands::archive_lead,
            commands::unarchive_lead,
            commands::add_stage,
            commands::rename_stage,
            commands::reorder_stages,
            commands::delete_stage,
            commands::check_send,
            commands::queue_send,
            commands::outbox,
            commands::get_settings,
            commands::save_settings,
            commands::ui_ready,
            commands::sites,
            commands::accounts,
            commands::connect_account,
            commands::cancel_connect,
            commands::connect_demo,
            commands::disconnect_account,
            commands::sync_now,
            commands::open_attachment,
            commands::download_attachment,
            commands::action_guide,
            commands::questions,
            commands::unread_questions,
            commands::open_question,
            commands::lead_questions,
            commands::check_answer,
            commands::answer_question,
            commands::block_asker,
            commands::unblock_asker,
            commands::blocked_askers,
            commands::question_stats,
        ])
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                // Let each engine finish its write, so the next start resumes from clean cursors.
                if let Some(state) = handle.try_state::<state::AppState>() {
                    tauri::async_runtime::block_on(state.inbox.stop_sync());
                }
            }
        }),
        Err(err) => {
            tracing::error!(%err, "Mostrador could not start");
            std::process::exit(1);
        }
    }
}
