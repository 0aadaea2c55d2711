//! A virtual X display for the end-to-end tests and the headless demo.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// A running Xvfb; stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    pub fn start() -> Result<Self> {
        let number = (99..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .ok_or("no free X display number between :99 and :199")?;
        let display = format!(":{number}");
        let child = Command::new("Xvfb")
            .args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start Xvfb (apt-get install xvfb): {e}"))?;
        let xvfb = Xvfb { child, display };
        let socket = format!("/tmp/.X11-unix/X{number}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !Path::new(&socket).exists() {
            if Instant::now() > deadline {
                return Err(format!("Xvfb did not open display {}", xvfb.display));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        println!("xvfb: display {} is up", xvfb.display);
        Ok(xvfb)
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        terminate(&mut self.child, Duration::from_secs(5));
    }
}

/// SIGTERM, a grace period, then SIGKILL: children such as tauri-driver clean up only on SIGTERM.
pub fn terminate(child: &mut Child, grace: Duration) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Returns a display to use: the current one if there is one, else a fresh Xvfb.
pub fn display() -> Result<(String, Option<Xvfb>)> {
    match std::env::var("DISPLAY") {
        Ok(d) if !d.is_empty() && cfg!(target_os = "linux") => Ok((d, None)),
        _ if !cfg!(target_os = "linux") => Ok((String::new(), None)),
        _ => {
            let xvfb = Xvfb::start()?;
            Ok((xvfb.display.clone(), Some(xvfb)))
        }
    }
}
