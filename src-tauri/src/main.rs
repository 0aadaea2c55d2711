// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// Before the modules: `app_commands!` is a textual macro, visible only below its definition.
#[macro_use]
mod command_list;
mod accounts;
mod chosen_files;
mod commands;
mod credentials;
mod demo;
mod error;
mod events;
mod launch;
mod links;
mod logging;
mod pending;
mod secrets;
mod settings;
mod startup;
mod state;
mod webview;

use tauri::Manager;

/// The invoke handler of every command in the list, each `commands::<name>`.
macro_rules! command_handler {
    ($($name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$name),*]
    };
}

fn main() {
    launch::mark_start();
    webview::choose_rendering();
    let options = launch::LaunchOptions::from_env();
    let logging = logging::init();

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
            // The log file beside a data directory chosen at launch (each test its own), in
            // the system's log folder otherwise.
            let log_dir = match &options.data_dir {
                Some(dir) => dir.join("logs"),
                None => app.path().app_log_dir()?,
            };
            if let Err(err) = logging.to_dir(&log_dir) {
                tracing::warn!(%err, "logging to stderr only");
            }
            app.manage(logging::LogDir(log_dir));
            // Links open in the browser chosen at launch, within the same scope.
            if let Some(program) = &options.browser {
                app.add_capability(links::browser_capability(program))?;
            }
            startup::begin(app.handle(), &options)?;
            Ok(())
        })
        // Files dropped on the window, as the system reports them (the page cannot forge
        // this event): the only paths besides the file dialog's that a draft may carry.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                if let Some(state) = window.try_state::<state::AppState>() {
                    state.chosen_files.remember(paths);
                }
            }
        })
        .invoke_handler(app_commands!(command_handler))
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                // Let each engine finish its write, so the next start resumes from clean cursors.
                if let Some(state) = handle.try_state::<state::AppState>() {
                    tauri::async_runtime::block_on(state.inbox.stop_sync());
                    // The next start then skips reading the whole file for damage.
                    if let Err(err) = state.inbox.close_cleanly() {
                        tracing::warn!(%err, "the cache was not marked closed cleanly");
                    }
                }
            }
        }),
        Err(err) => {
            tracing::error!(%err, "Mostrador could not start");
            std::process::exit(1);
        }
    }
}
