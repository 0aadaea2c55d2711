//! `cargo xtask test`: every check and test, in the order that fails fastest.

use crate::process::{cargo, exec, npm, which};
use crate::steps::Steps;
use crate::{bindings, setup, xvfb, Result};

const STEPS: &[&str] = &[
    "setup",
    "rustfmt",
    "clippy",
    "ipc bindings drift",
    "rust tests",
    "svelte-check",
    "vitest",
    "ui build",
    "app build",
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
    steps.run("ipc bindings drift", bindings::check_drift)?;
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

pub fn run() -> Result {
    let mut steps = Steps::new(STEPS);
    let result = run_all(&mut steps);
    steps.summary();
    result
}
