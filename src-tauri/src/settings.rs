//! The seller's preferences in `<data dir>/settings.json`, through tauri-plugin-store.
//! Secrets never go here: they live in the keychain (see `secrets`).

use std::path::PathBuf;

use inbox::ipc::{KnownApplication, Settings};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const KEY: &str = "settings";
/// The application the last connection used (site, client id, redirect URI: no secret).
const APPLICATION: &str = "application";

pub fn path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("settings.json")
}

pub fn load<R: Runtime>(app: &AppHandle<R>, file: &std::path::Path) -> Settings {
    match app.store(file) {
        Ok(store) => store
            .get(KEY)
            .map(Settings::from_stored)
            .unwrap_or_default(),
        Err(err) => {
            tracing::warn!(%err, "settings store unavailable; using defaults");
            Settings::default()
        }
    }
}

pub fn save<R: Runtime>(
    app: &AppHandle<R>,
    file: &std::path::Path,
    settings: &Settings,
) -> Result<(), String> {
    let store = app.store(file).map_err(|e| e.to_string())?;
    let value = serde_json::to_value(settings).map_err(|e| e.to_string())?;
    store.set(KEY, value);
    store.save().map_err(|e| e.to_string())
}

pub fn load_application<R: Runtime>(
    app: &AppHandle<R>,
    file: &std::path::Path,
) -> Option<KnownApplication> {
    let store = app.store(file).ok()?;
    serde_json::from_value(store.get(APPLICATION)?).ok()
}

pub fn save_application<R: Runtime>(
    app: &AppHandle<R>,
    file: &std::path::Path,
    known: &KnownApplication,
) -> Result<(), String> {
    let store = app.store(file).map_err(|e| e.to_string())?;
    let value = serde_json::to_value(known).map_err(|e| e.to_string())?;
    store.set(APPLICATION, value);
    store.save().map_err(|e| e.to_string())
}

/// The operating system's language (`es-AR`, `pt-BR`…) for a seller who chose to follow it:
/// Windows and macOS keep it in their own settings, not in `LANG`.
pub fn system_locale() -> Option<String> {
    sys_locale::get_locale()
}
