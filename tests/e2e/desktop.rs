//! The seller's Linux desktop as the app meets it, played by a test: `xdg-open` finds a viewer
//! (a program that writes down each file it is given) as the default for every kind of file,
//! and a file manager on a D-Bus session bus of the test's own writes down each file it is
//! asked to show. The app reaches both through the opener plugin exactly as on a seller's
//! machine; nothing in the app is replaced.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::harness::until_within;

/// What the viewer is the default for: the kinds the app may open and the ones it must not
/// (so a file wrongly handed to the system shows up here).
const MIME_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/html",
    "application/octet-stream",
    "application/x-executable",
    "application/zip",
];

pub struct Desktop {
    dir: tempfile::TempDir,
    bus: Child,
    address: String,
    shown: Arc<Mutex<Vec<String>>>,
    _file_manager: zbus::Connection,
}

struct FileManager {
    shown: Arc<Mutex<Vec<String>>>,
}

#[zbus::interface(name = "org.freedesktop.FileManager1")]
impl FileManager {
    /// `ShowItems(uris, startup_id)`: what the opener plugin calls to reveal a file.
    async fn show_items(&self, uris: Vec<String>, _startup_id: String) {
        if let Ok(mut shown) = self.shown.lock() {
            shown.extend(uris);
        }
    }
}

impl Desktop {
    pub async fn start() -> Desktop {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let viewer = root.join("viewer");
        std::fs::write(
            &viewer,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                root.join("opened.txt").display()
            ),
        )
        .expect("viewer");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755))
                .expect("chmod viewer");
        }
        let apps = root.join("data/applications");
        std::fs::create_dir_all(&apps).expect("applications dir");
        std::fs::write(
            apps.join("mostrador-test-viewer.desktop"),
            format!(
                "[Desktop Entry]\nType=Application\nName=Viewer\nExec={} %f\nMimeType={};\n",
                viewer.display(),
                MIME_TYPES.join(";")
            ),
        )
        .expect("desktop entry");
        let config = root.join("config");
        std::fs::create_dir_all(&config).expect("config dir");
        let defaults: String = MIME_TYPES
            .iter()
            .map(|m| format!("{m}=mostrador-test-viewer.desktop\n"))
            .collect();
        std::fs::write(
            config.join("mimeapps.list"),
            format!("[Default Applications]\n{defaults}"),
        )
        .expect("mimeapps.list");

        let mut bus = Command::new("dbus-daemon")
            .args([
                "--session".to_owned(),
                "--nofork".to_owned(),
                "--print-address=1".to_owned(),
                format!("--address=unix:path={}", root.join("bus").display()),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dbus-daemon (package dbus)");
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().expect("bus stdout"))
            .read_line(&mut address)
            .expect("bus address");
        let address = address.trim().to_owned();
        let shown = Arc::new(Mutex::new(Vec::new()));
        let file_manager = zbus::connection::Builder::address(address.as_str())
            .expect("bus address")
            .name("org.freedesktop.FileManager1")
            .expect("name")
            .serve_at(
                "/org/freedesktop/FileManager1",
                FileManager {
                    shown: shown.clone(),
                },
            )
            .expect("serve")
            .build()
            .await
            .expect("file manager on the bus");
        Desktop {
            dir,
            bus,
            address,
            shown,
            _file_manager: file_manager,
        }
    }

    /// The app's environment on this desktop: no desktop environment named, so `xdg-open`
    /// takes the defaults above; the session bus is ours.
    pub fn env(&self) -> Vec<(String, String)> {
        let root = self.dir.path();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            ("XDG_CURRENT_DESKTOP".into(), String::new()),
            ("DESKTOP_SESSION".into(), String::new()),
            (
                "XDG_CONFIG_HOME".into(),
                root.join("config").to_string_lossy().into_owned(),
            ),
            (
                "XDG_DATA_HOME".into(),
                root.join("data").to_string_lossy().into_owned(),
            ),
        ]
    }

    /// Every file the viewer was given, in order.
    pub fn opened(&self) -> Vec<PathBuf> {
        std::fs::read_to_string(self.dir.path().join("opened.txt"))
            .unwrap_or_default()
            .lines()
            .map(PathBuf::from)
            .collect()
    }

    /// Every file the file manager was asked to show (`file://` addresses), in order.
    pub fn shown(&self) -> Vec<String> {
        self.shown.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits until the viewer has been given `n` files.
    pub async fn until_opened(&self, n: usize) -> thirtyfour::error::WebDriverResult<()> {
        until_within(
            std::time::Duration::from_secs(60),
            format!("{n} file(s) opened by the viewer"),
            || async { Ok((self.opened().len() >= n).then_some(())) },
        )
        .await
    }

    /// Waits until the file manager has been asked to show `n` files.
    pub async fn until_shown(&self, n: usize) -> thirtyfour::error::WebDriverResult<()> {
        until_within(
            std::time::Duration::from_secs(60),
            format!("{n} file(s) shown in the file manager"),
            || async { Ok((self.shown().len() >= n).then_some(())) },
        )
        .await
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        // The bus this test started, by its own handle.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
