//! `cargo xtask demo`: the app on the built-in simulator with a demo seller.
//!
//! With a display the app stays open until the seller closes it. Without one (a server, CI) it
//! runs under Xvfb, waits for the window, saves `target/demo.png` and exits.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{cargo, exec, npm, succeeds};
use crate::{setup, xvfb, Result};

pub fn run_demo() -> Result {
    setup::run()?;
    exec(npm().args(["run", "build"]))?;
    exec(cargo().args(["build", "--features", "custom-protocol"]))?;
    let target = crate::target_dir();
    let app = crate::process::app_binary("debug");

    let has_display = !cfg!(target_os = "linux")
        || std::env::var("DISPLAY").is_ok_and(|d| !d.is_empty())
        || std::env::var("WAYLAND_DISPLAY").is_ok_and(|d| !d.is_empty());
    if has_display {
        println!("demo: opening Mostrador; close its window to finish");
        return exec(Command::new(&app).arg("--demo"));
    }

    let xvfb = xvfb::Xvfb::start()?;
    let data_dir = target.join("demo-data");
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut child = Command::new(&app)
        .arg("--demo")
        .arg("--data-dir")
        .arg(&data_dir)
        .env("DISPLAY", &xvfb.display)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", app.display()))?;
    let shot = target.join("demo.png");
    let result = screenshot_when_up(&xvfb.display, &mut child, &shot);
    xvfb::terminate(&mut child, Duration::from_secs(5));
    drop(xvfb);
    result?;
    println!(
        "demo: no display here, so the app ran under Xvfb; its window is saved in {}",
        shot.display()
    );
    Ok(())
}

fn screenshot_when_up(
    display: &str,
    child: &mut std::process::Child,
    shot: &std::path::Path,
) -> Result {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the app exited before its window appeared ({status})"
            ));
        }
        if succeeds(
            Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", "^Mostrador$"])
                .env("DISPLAY", display),
        ) {
            break;
        }
        if Instant::now() > deadline {
            return Err("the app's window did not appear within 60 s".to_owned());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // The window maps before the webview has painted the UI.
    std::thread::sleep(Duration::from_secs(4));
    exec(
        Command::new("import")
            .args(["-window", "root"])
            .arg(shot)
            .env("DISPLAY", display),
    )
}

pub use run_demo as run;
