//! What the shell keeps for the app's lifetime.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use inbox::ipc::Settings;
use inbox::Inbox;
use tauri::AppHandle;

use crate::chosen_files::ChosenFiles;
use crate::credentials::Credentials;
use crate::demo::Demo;
use crate::launch::{LaunchOptions, Server};
use crate::pending::PendingConnect;
use crate::secrets::Secrets;

pub struct AppState {
    pub demo_mode: bool,
    pub demo_port: u16,
    /// The demo simulator's request limit a minute, when the launch set one.
    pub demo_rate: Option<u32>,
    /// The program that opens authorization pages (`None`: the system's browser).
    pub browser: Option<String>,
    /// The Mercado Libre-compatible server new accounts connect to (`None`: Mercado Libre).
    pub server: Option<Server>,
    pub inbox: Inbox,
    pub credentials: Credentials,
    /// The built-in simulator's accounts ("Try the demo"): their tokens are the simulator's and
    /// never reach the OS keychain, which may ask for a password.
    pub demo_credentials: Credentials,
    pub settings_file: PathBuf,
    settings: Mutex<Settings>,
    pub ui_ready: AtomicBool,
    pub pending_connect: PendingConnect,
    /// The built-in simulator, once the demo runs (at launch with `--demo`, or on request).
    pub demo: tokio::sync::Mutex<Option<Demo>>,
    /// The files the seller picked or dropped: the only ones a draft may carry.
    pub chosen_files: ChosenFiles,
}

impl AppState {
    /// The app's state on an opened cache in `data_dir` (see [`crate::startup`]).
    pub fn start(app: &AppHandle, options: &LaunchOptions, data_dir: &Path, inbox: Inbox) -> Self {
        let settings_file = crate::settings::path(data_dir);
        let settings = crate::settings::load(app, &settings_file);
        Self {
            demo_mode: options.demo,
            demo_port: options.demo_port,
            demo_rate: options.demo_rate,
            browser: options.browser.clone(),
            server: options.server.clone(),
            inbox,
            // The demo's tokens are the simulator's: they never need the OS keychain.
            credentials: Credentials::new(if options.demo {
                Secrets::in_memory()
            } else {
                Secrets::open()
            }),
            demo_credentials: Credentials::new(Secrets::in_memory()),
            settings_file,
            settings: Mutex::new(settings),
            ui_ready: AtomicBool::new(false),
            pending_connect: PendingConnect::default(),
            demo: tokio::sync::Mutex::new(None),
            chosen_files: ChosenFiles::default(),
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn set_settings(&self, settings: Settings) {
        if let Ok(mut current) = self.settings.lock() {
            *current = settings;
        }
    }
}
