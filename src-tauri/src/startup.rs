//! The start: one app per data directory, then a look at the cache before anything opens it.
//! When either stops the start, the window says why and the seller chooses (quit, or rebuild
//! the cache from Mercado Libre); nothing syncs or writes until then.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use inbox::ipc::{StartupProblem, StartupReport};
use inbox::{DataDirLock, Inbox, InboxPaths, LockError};
use tauri::{AppHandle, Manager};

use crate::error::{CommandError, CommandResult};
use crate::launch::LaunchOptions;
use crate::state::AppState;

/// How long a start waits for an app on the same data directory that is still closing.
const CLOSING_PATIENCE: std::time::Duration = std::time::Duration::from_secs(3);

/// Kept for the app's lifetime: the data directory's lock, and what stopped the start.
pub struct Startup {
    options: LaunchOptions,
    data_dir: PathBuf,
    problem: Mutex<Option<StartupProblem>>,
    _lock: Option<DataDirLock>,
}

/// Takes the data directory, checks the cache and, when both are fine, starts the app.
pub fn begin(app: &AppHandle, options: &LaunchOptions) -> Result<(), Box<dyn std::error::Error>> {
    let (data_dir, fresh_demo) = match &options.data_dir {
        Some(dir) => (dir.clone(), false),
        None if options.demo => (app.path().app_data_dir()?.join("demo"), true),
        None => (app.path().app_data_dir()?, false),
    };
    tracing::info!(data_dir = %data_dir.display(), demo = options.demo, "starting");
    let (lock, problem) = match DataDirLock::acquire_within(&data_dir, CLOSING_PATIENCE) {
        Ok(lock) => {
            if fresh_demo {
                // The demo's cache never mixes with a seller's real one, and starts afresh
                // each time, like the simulator behind it.
                clear_except(&data_dir, lock.path())?;
            }
            let problem =
                StartupProblem::of_cache(Inbox::check_cache(&InboxPaths::in_dir(&data_dir)));
            (Some(lock), problem)
        }
        Err(LockError::AlreadyOpen(dir)) => (
            None,
            Some(StartupProblem::AlreadyOpen {
                data_dir: dir.display().to_string(),
            }),
        ),
        Err(err) => return Err(err.into()),
    };
    if let Some(problem) = &problem {
        tracing::warn!(?problem, "the start waits for the seller");
    } else {
        let inbox = Inbox::open(InboxPaths::in_dir(&data_dir), inbox::system_clock())?;
        run(app, options, &data_dir, inbox)?;
    }
    app.manage(Startup {
        options: options.clone(),
        data_dir,
        problem: Mutex::new(problem),
        _lock: lock,
    });
    Ok(())
}

/// Starts the app on an opened cache: its state, the events to the window, the accounts.
fn run(
    app: &AppHandle,
    options: &LaunchOptions,
    data_dir: &Path,
    inbox: Inbox,
) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::start(app, options, data_dir, inbox);
    // Only the attachment cache is readable through the asset protocol (chat thumbnails); its
    // place depends on --data-dir, so the scope is set here.
    app.asset_protocol_scope()
        .allow_directory(state.inbox.cache_dir(), false)?;
    app.manage(state);
    crate::events::forward_inbox_events(app.clone());
    let handle = app.clone();
    let demo = options.demo;
    tauri::async_runtime::spawn(async move {
        if demo {
            if let Err(err) = crate::accounts::connect_demo(&handle).await {
                tracing::error!(code = %err.0.code, message = %err.0.message, "demo did not connect");
            }
        } else {
            crate::accounts::resume(&handle).await;
        }
    });
    Ok(())
}

fn clear_except(dir: &Path, keep: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path == keep {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

impl Startup {
    pub fn report(&self, app: &AppHandle) -> StartupReport {
        StartupReport {
            problem: self.problem.lock().map(|p| p.clone()).unwrap_or(None),
            settings: crate::settings::load(app, &crate::settings::path(&self.data_dir)),
        }
    }

    /// The seller chose to rebuild a damaged (or newer) cache: it is set aside, a new one
    /// opens with what could be salvaged, and the app starts on it.
    pub fn rebuild(&self, app: &AppHandle) -> CommandResult<()> {
        let mut problem = self
            .problem
            .lock()
            .map_err(|_| CommandError::new("internal", "the start's state is poisoned"))?;
        match &*problem {
            Some(StartupProblem::Damaged { .. } | StartupProblem::Newer { .. }) => {}
            Some(StartupProblem::AlreadyOpen { .. }) => {
                return Err(CommandError::new(
                    "already_open",
                    "another Mostrador has this data directory open",
                ))
            }
            None => return Ok(()),
        }
        let (inbox, _aside) =
            Inbox::rebuild(InboxPaths::in_dir(&self.data_dir), inbox::system_clock())?;
        run(app, &self.options, &self.data_dir, inbox)
            .map_err(|e| CommandError::new("start_failed", e.to_string()))?;
        *problem = None;
        Ok(())
    }
}
