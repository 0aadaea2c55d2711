//! What the shell keeps for the app's lifetime.

use std::sync::Mutex;

use std::path::PathBuf;

use inbox::ipc::{Settings, SyncStatus};
use inbox::{Inbox, InboxPaths};
use tauri::{AppHandle, Manager};

use crate::events;
use crate::launch::LaunchOptions;
use crate::secrets::Secrets;

pub struct AppState {
    pub demo: bool,
    pub inbox: Inbox,
    pub secrets: Secrets,
    pub settings_file: PathBuf,
    pub settings: Mutex<Settings>,
    sync_status: Mutex<SyncStatus>,
    pub ui_ready: std::sync::atomic::AtomicBool,
    /// The built-in simulator in demo mode; kept alive as long as the app.
    _simulator: Option<meli_sim::Simulator>,
}

impl AppState {
    pub fn start(
        app: &AppHandle,
        options: LaunchOptions,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let data_dir = match options.data_dir {
            Some(dir) => dir,
            None => app.path().app_data_dir()?,
        };
        std::fs::create_dir_all(&data_dir)?;
        tracing::info!(data_dir = %data_dir.display(), demo = options.demo, "starting");
        let inbox = Inbox::open(InboxPaths::in_dir(&data_dir), inbox::system_clock())?;
        let settings_file = crate::settings::path(&data_dir);
        let settings = crate::settings::load(app, &settings_file);

        let simulator = if options.demo {
            let sim = tauri::async_runtime::block_on(meli_sim::Simulator::start_demo(0))?;
            tracing::info!(base_url = %sim.base_url(), "demo simulator listening");
            Some(sim)
        } else {
            None
        };

        let status = SyncStatus::NoAccount;
        events::emit_sync_status(app, &status);
        Ok(Self {
            demo: options.demo,
            inbox,
            // The demo's tokens are the simulator's: they never need the OS keychain.
            secrets: if options.demo {
                Secrets::in_memory()
            } else {
                Secrets::open()
            },
            settings_file,
            settings: Mutex::new(settings),
            sync_status: Mutex::new(status),
            ui_ready: std::sync::atomic::AtomicBool::new(false),
            _simulator: simulator,
        })
    }

    pub fn set_sync_status(&self, status: SyncStatus) {
        if let Ok(mut current) = self.sync_status.lock() {
            *current = status;
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn sync_status(&self) -> SyncStatus {
        self.sync_status
            .lock()
            .map(|s| s.clone())
            .unwrap_or(SyncStatus::NoAccount)
    }
}
