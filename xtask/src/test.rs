//! `cargo xtask test`: every check and test, in the order that fails fastest.

use crate::process::{cargo, exec, npm, which};
use crate::steps::Steps;
use crate::{bindings, command_list, setup, xvfb, Result};

const STEPS: &[&str] = &[
    "setup",
    "rustfmt",
    "clippy",
    "workflows",
    "ipc bindings drift",
    "command lists",
    "rust tests",
    "svelte-check",
    "vitest",
    "ui build",
    "app build",
    "keychain",
    "end-to-end",
    "benchmarks (quick)",
];

pub fn run_all(steps: &mut Steps) -> Result {
    let mut installed = None;
    steps.run("setup", || {
        installed = Some(setup::run()?);
        Ok(())
    })?;
    steps.run("rustfmt", || {
        exec(cargo().args(["fmt", "--all", "--check"]))
    })?;
    steps.run("clippy", || {
        exec(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.run("workflows", workflows)?;
    steps.run("ipc bindings drift", bindings::check_drift)?;
    steps.run("command lists", command_list::check)?;
    steps.run("rust tests", || {
        // The end-to-end crate needs the built app and a display; it runs last.
        if which("cargo-nextest").is_some() {
            exec(cargo().args([
                "nextest",
                "run",
                "--workspace",
                "--exclude",
                "e2e",
                "--no-fail-fast",
            ]))
        } else {
            exec(cargo().args(["test", "--workspace", "--exclude", "e2e"]))
        }
    })?;
    steps.run("svelte-check", || exec(npm().args(["run", "check"])))?;
    steps.run("vitest", || exec(npm().args(["test"])))?;
    steps.run("ui build", || exec(npm().args(["run", "build"])))?;
    steps.run("app build", || {
        if cfg!(target_os = "linux") {
            // The Tauri CLI's own build, as `cargo xtask bundle` runs it, so a broken bundle
            // config fails here; its debug binary is the one the end-to-end tests drive.
            crate::bundle::debug_deb_checked()
        } else {
            exec(cargo().args(["build", "--features", "custom-protocol"]))
        }
    })?;
    steps.run("keychain", keychain)?;
    steps.run("end-to-end", || {
        if !cfg!(target_os = "linux") {
            // The harness drives the window under Xvfb; macOS has no WebDriver for WKWebView,
            // and Windows' needs an msedgedriver matching the installed Edge.
            println!("end-to-end: runs on Linux only (Xvfb and WebKitWebDriver); skipped here");
            return Ok(());
        }
        let Some(driver) = installed.and_then(|i| i.tauri_driver) else {
            println!("end-to-end: no WebDriver for this platform's webview; skipped");
            return Ok(());
        };
        let (display, _xvfb) = xvfb::display()?;
        let out = crate::target_dir().join("e2e");
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        exec(
            cargo()
                .args(["test", "-p", "e2e", "--", "--test-threads=1"])
                .env("DISPLAY", display)
                .env("TAURI_DRIVER", driver)
                .env("E2E_OUT", &out),
        )
    })?;
    // CI checks that the benchmarks run, not their figures (they need a quiet machine).
    steps.run("benchmarks (quick)", || {
        if !cfg!(target_os = "linux") {
            // The app's memory figure reads /proc.
            println!("benchmarks: run on Linux only (the memory figures read /proc); skipped here");
            return Ok(());
        }
        crate::bench::run(&["--quick".to_owned()])
    })?;
    Ok(())
}

/// Every workflow in `.github/workflows/`, whoever added it, through actionlint.
fn workflows() -> Result {
    let dir = crate::root().join(".github/workflows");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no workflow in {}", dir.display()));
    }
    exec(std::process::Command::new("actionlint").args(&files))
}

/// The app's secret store against a real Secret Service (gnome-keyring unlocked on a private
/// session bus), then with none at all, where it must say secrets last for this run only.
fn keychain() -> Result {
    if !cfg!(target_os = "linux") {
        println!("keychain: the Secret Service test is Linux's; skipped");
        return Ok(());
    }
    exec(
        std::process::Command::new("dbus-run-session")
            .args(["--", "sh", "-c"])
            // A throwaway keyring: its password only unlocks it for this session.
            .arg(
                "printf 'mostrador-test' | gnome-keyring-daemon --unlock --components=secrets \
                 >/dev/null && exec \"$0\" test -p mostrador --features custom-protocol \
                 --test keychain -- real_secret_service",
            )
            .arg(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(crate::root()),
    )?;
    exec(
        cargo()
            // The app build's features, so the app binary it left stays the one e2e needs.
            .args(["test", "-p", "mostrador", "--features", "custom-protocol"])
            .args(["--test", "keychain", "--"])
            .arg("no_secret_service")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/mostrador-no-bus",
            ),
    )
}

pub fn run() -> Result {
    let mut steps = Steps::new(STEPS);
    let result = run_all(&mut steps);
    steps.summary();
    result
}
