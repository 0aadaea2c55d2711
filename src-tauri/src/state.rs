//! What the shell keeps for the app's lifetime.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use inbox::ipc::Settings;
use inbox::{Inbox, InboxPaths};
use tauri::{AppHandle, Manager};

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
}

impl AppState {
    pub fn start(
        app: &AppHandle,
        options: &LaunchOptions,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let data_dir = match &options.data_dir {
            Some(dir) => dir.clone(),
            // The demo's cache never mixes with a seller's real one, and starts afresh each
            // time, like the simulator behind it.
            None if options.demo => {
                let dir = app.path().app_data_dir()?.join("demo");
                let _ = std::fs::remove_dir_all(&dir);
                dir
            }
            None => app.path().app_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir)?;
        tracing::info!(data_dir = %data_dir.display(), demo = options.demo, "starting");
        let inbox = Inbox::open(InboxPaths::in_dir(&data_dir), inbox::system_clock())?;
        let settings_file = crate::settings::path(&data_dir);
        let settings = crate::settings::load(app, &settings_file);
        Ok(Self {
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
        })
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
