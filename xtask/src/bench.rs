//! `cargo xtask bench [--quick]`: the inbox core's figures (`cargo bench -p inbox --bench
//! figures`), then the app's own two: cold start to board visible, and memory with the board
//! open, both on the big cache that bench leaves in `target/bench/app-data`. The app's figures
//! are merged into `target/bench/report.json` and `report.md` by the same bench binary.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::process::{cargo, exec, npm};
use crate::{xvfb, Result};

/// How long the app may take to show its board before a run counts as failed.
const READY_TIMEOUT: Duration = Duration::from_secs(90);
/// Idle time with the board open before memory is read: the board's queries and the
/// webview's first layout have settled by then.
const SETTLE: Duration = Duration::from_secs(5);

pub fn run(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--quick");
    // Only the app's figures, merged into the last report (when iterating on the app).
    let app_only = args.iter().any(|a| a == "--app-only");
    let out = crate::target_dir().join("bench");
    if !app_only {
        let mut figures = cargo();
        figures.args(["bench", "-p", "inbox", "--bench", "figures", "--", "--out"]);
        figures.arg(&out);
        if quick {
            figures.arg("--quick");
        }
        exec(&mut figures)?;
    }

    let app = build_app(quick)?;
    let runs = if quick { 2 } else { 5 };
    let measured = measure_app(&app, &out, runs)?;
    std::fs::write(out.join("app-figures.json"), measured.to_json(quick))
        .map_err(|e| format!("writing app-figures.json: {e}"))?;
    exec(
        cargo()
            .args([
                "bench", "-p", "inbox", "--bench", "figures", "--", "--merge",
            ])
            .arg(&out),
    )
}

/// The app with its UI embedded: release as shipped, or debug for `--quick`.
fn build_app(quick: bool) -> Result<PathBuf> {
    exec(npm().args(["run", "build"]))?;
    let mut build = cargo();
    build.args(["build", "--features", "custom-protocol"]);
    if !quick {
        build.arg("--release");
    }
    exec(&mut build)?;
    Ok(crate::process::app_binary(if quick {
        "debug"
    } else {
        "release"
    }))
}

struct Measured {
    /// Milliseconds from process start to the first painted board, per run: a start after a
    /// clean quit, as a seller's day begins.
    ready_ms: Vec<f64>,
    /// The same after a crash (no clean-close marker): the whole file is checked first.
    after_crash_ms: Vec<f64>,
    /// The page's steps of each start after a clean quit (see [`Ready`]).
    steps: Vec<[f64; 3]>,
    /// Bytes of RSS of the app and its descendants (WebKit's processes), per run.
    rss: Vec<u64>,
    pss: Vec<u64>,
    /// The tree's pages each counted once, per run (see [`crate::memory`]); empty when not root.
    alone: Vec<u64>,
    /// Each run's processes, `name PSS (RSS)`.
    processes: Vec<String>,
}

fn measure_app(app: &Path, out: &Path, runs: usize) -> Result<Measured> {
    let seeded = out.join("app-data").join("inbox.sqlite");
    if !seeded.exists() {
        return Err(format!(
            "{} is missing: the figures bench makes it",
            seeded.display()
        ));
    }
    let marker = out.join("app-data").join("inbox.sqlite.closed");
    if !marker.exists() {
        return Err(format!(
            "{} is missing: the figures bench closes its cache cleanly, as the app does at quit",
            marker.display()
        ));
    }
    let (display, _xvfb) = xvfb::display()?;
    // A seller's desktop has a session bus (the accessibility bus, the keychain); without one
    // GTK and the keychain each start their own, which a seller never waits for.
    let bus = SessionBus::start()?;
    let mut measured = Measured {
        ready_ms: Vec::new(),
        after_crash_ms: Vec::new(),
        steps: Vec::new(),
        rss: Vec::new(),
        pss: Vec::new(),
        alone: Vec::new(),
        processes: Vec::new(),
    };
    // The last runs start as after a crash: no marker, so the whole file is checked.
    let crash_runs = if runs > 2 { 2 } else { 1 };
    for run in 1..=runs + crash_runs {
        let after_crash = run > runs;
        // A fresh copy each time: the app may write to its cache, the next run must not see it.
        let data = out.join("app-run");
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
        std::fs::copy(&seeded, data.join("inbox.sqlite"))
            .map_err(|e| format!("copying the cache: {e}"))?;
        // On disk before the app starts, so the kernel's writeback of the fresh copy (700 MB
        // at full size) does not land in the start being timed.
        std::fs::File::open(data.join("inbox.sqlite"))
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("flushing the cache's copy: {e}"))?;
        if !after_crash {
            std::fs::copy(&marker, data.join("inbox.sqlite.closed"))
                .map_err(|e| format!("copying the clean-close marker: {e}"))?;
        }
        let mut child = Command::new(app)
            .arg("--data-dir")
            .arg(&data)
            .env("MOSTRADOR_BENCH", "1")
            .env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", app.display()))?;
        let result = wait_ready(&mut child).map(|ready| {
            // The starts after a crash are timed only.
            let memory = (!after_crash).then(|| {
                std::thread::sleep(SETTLE);
                crate::memory::of_tree(child.id())
            });
            (ready, memory)
        });
        let tree = crate::memory::pids_of_tree(child.id());
        xvfb::terminate(&mut child, Duration::from_secs(5));
        // WebKit's processes outlive the app for a moment, tearing down; the next start must
        // not share the two cores with them.
        let deadline = Instant::now() + Duration::from_secs(5);
        while tree
            .iter()
            .any(|pid| Path::new(&format!("/proc/{pid}")).exists())
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        let (ready, memory) = result.map_err(|e| format!("run {run}: {e}"))?;
        let ms = ready.painted;
        let Some(memory) = memory else {
            println!("bench: start after a crash: board visible after {ms:.0} ms");
            measured.after_crash_ms.push(ms);
            continue;
        };
        println!(
            "bench: run {run}/{runs}: board visible after {ms:.0} ms (page {:.0}, script {:.0}, data {:.0}), {:.0} MB PSS ({}{:.0} MB RSS): {}",
            ready.steps[0],
            ready.steps[1],
            ready.steps[2],
            memory.pss as f64 / 1e6,
            memory
                .alone
                .map_or(String::new(), |b| format!("{:.0} MB alone, ", b as f64 / 1e6)),
            memory.rss as f64 / 1e6,
            memory.processes
        );
        measured.ready_ms.push(ms);
        measured.steps.push(ready.steps);
        measured.rss.push(memory.rss);
        measured.pss.push(memory.pss);
        measured.alone.extend(memory.alone);
        measured.processes.push(memory.processes);
    }
    let _ = std::fs::remove_dir_all(out.join("app-run"));
    Ok(measured)
}

/// The app's `MOSTRADOR_READY <ms> page=<ms> script=<ms> data=<ms>`: the board painted, and
/// when the page began to load, its script to run, and its data had arrived, all in
/// milliseconds since the process started.
#[derive(Debug, Clone, Copy)]
struct Ready {
    painted: f64,
    /// page, script, data; NaN when the app did not say.
    steps: [f64; 3],
}

impl Ready {
    fn parse(rest: &str) -> Option<Ready> {
        let mut words = rest.split_whitespace();
        let painted = words.next()?.parse().ok()?;
        let mut steps = [f64::NAN; 3];
        for word in words {
            let Some((key, value)) = word.split_once('=') else {
                continue;
            };
            let slot = match key {
                "page" => 0,
                "script" => 1,
                "data" => 2,
                _ => continue,
            };
            steps[slot] = value.parse().unwrap_or(f64::NAN);
        }
        Some(Ready { painted, steps })
    }
}

/// A private D-Bus session bus for the app's runs; stopped when dropped. Services it starts
/// on demand (the accessibility bus, the keychain) are its children, not the app's, as on a
/// desktop, so the app's memory figure does not count them.
struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    fn start() -> Result<SessionBus> {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start dbus-daemon (apt-get install dbus): {e}"))?;
        let stdout = daemon.stdout.take().ok_or("no stdout from dbus-daemon")?;
        let mut address = String::new();
        BufReader::new(stdout)
            .read_line(&mut address)
            .map_err(|e| format!("reading the session bus address: {e}"))?;
        let address = address.trim().to_owned();
        if address.is_empty() {
            xvfb::terminate(&mut daemon, Duration::from_secs(2));
            return Err("dbus-daemon printed no address".into());
        }
        Ok(SessionBus { daemon, address })
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        xvfb::terminate(&mut self.daemon, Duration::from_secs(2));
    }
}

/// Waits for `MOSTRADOR_READY <ms>` on the app's stderr.
fn wait_ready(child: &mut Child) -> Result<Ready> {
    let stderr = child.stderr.take().ok_or("no stderr from the app")?;
    let (ready, wait) = mpsc::channel();
    // Reads to the end so the app never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if let Some(ready_line) = line
                .split_once("MOSTRADOR_READY ")
                .and_then(|(_, rest)| Ready::parse(rest))
            {
                let _ = ready.send(ready_line);
            }
        }
    });
    let deadline = Instant::now() + READY_TIMEOUT;
    let ms = loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the app exited before showing its board ({status})"
            ));
        }
        match wait.recv_timeout(Duration::from_millis(100)) {
            Ok(ms) => break ms,
            Err(_) if Instant::now() > deadline => {
                return Err(format!("no MOSTRADOR_READY within {READY_TIMEOUT:?}"))
            }
            Err(_) => {}
        }
    };
    Ok(ms)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Measured {
    fn to_json(&self, quick: bool) -> String {
        let start = median(&self.ready_ms) / 1000.0;
        let max = self.ready_ms.iter().copied().fold(0.0, f64::max) / 1000.0;
        let rss: Vec<f64> = self.rss.iter().map(|b| *b as f64 / 1e6).collect();
        let pss: Vec<f64> = self.pss.iter().map(|b| *b as f64 / 1e6).collect();
        let alone: Vec<f64> = self.alone.iter().map(|b| *b as f64 / 1e6).collect();
        let (rss_median, pss_median) = (median(&rss), median(&pss));
        // Shared library pages are split with the machine's other processes too: another
        // WebKit app running lowers the PSS. The tree alone does not depend on them.
        let counted = if alone.is_empty() {
            String::new()
        } else {
            format!(
                " (as if alone on the machine, each page the tree maps counted once: {:.0} MB)",
                median(&alone)
            )
        };
        // The processes of the run whose PSS is the median, so the parts add up to the figure.
        let processes = (0..pss.len())
            .find(|&i| pss[i] == pss_median)
            .and_then(|i| self.processes.get(i))
            .map_or("", String::as_str);
        let build = if quick {
            "debug-build"
        } else {
            "release-build"
        };
        let figure = |name: &str,
                      value: f64,
                      unit: &str,
                      target: &str,
                      pass: bool,
                      detail: String| {
            format!(
                "{{\"name\": {}, \"value\": {}, \"unit\": {}, \"target\": {}, \"pass\": {pass}, \"detail\": {}}}",
                quote(name),
                (value * 1000.0).round() / 1000.0,
                quote(unit),
                quote(target),
                quote(&detail)
            )
        };
        let after_crash = median(&self.after_crash_ms) / 1000.0;
        let step = |i: usize| median(&self.steps.iter().map(|s| s[i]).collect::<Vec<_>>());
        let steps = format!(
            "medians: the page began to load at {:.0} ms, its script ran at {:.0} ms, the \
             board's data had arrived at {:.0} ms, painted at {:.0} ms",
            step(0),
            step(1),
            step(2),
            median(&self.ready_ms)
        );
        let figures = [
            figure(
                "app cold start to board visible (median)",
                start,
                "s",
                "≤ 0.5 s",
                start <= 0.5,
                format!(
                    "{} {build} runs under Xvfb with a session bus, max {max:.2} s; from process \
                     start to the first painted board (MOSTRADOR_READY); a fresh copy of the \
                     cache each run, closed cleanly as at quit, the OS file cache warm; {steps}",
                    self.ready_ms.len(),
                ),
            ),
            figure(
                "app start after a crash to board visible (median)",
                after_crash,
                "s",
                "reported",
                true,
                format!(
                    "{} {build} runs as above but without the clean-close marker: the whole \
                     file is checked for damage first (`PRAGMA quick_check`)",
                    self.after_crash_ms.len(),
                ),
            ),
            figure(
                "app memory: PSS of the process tree (idle, board open)",
                pss_median,
                "MB",
                "≤ 200 MB",
                pss_median <= 200.0,
                format!(
                    "median of {} {build} runs, {} s after the board showed; the app and \
                     WebKit's processes{counted}; per process: {processes}",
                    pss.len(),
                    SETTLE.as_secs(),
                ),
            ),
            figure(
                "app memory: RSS of the process tree (idle, board open)",
                rss_median,
                "MB",
                "reported",
                true,
                format!(
                    "median of {} runs; pages shared between the processes (WebKit's and \
                     GTK's libraries) counted in each, so this overstates what the app costs",
                    rss.len(),
                ),
            ),
        ];
        format!(
            "{{\"figures\": [{}], \"notes\": [{}]}}",
            figures.join(", "),
            quote("The app's figures use the figures bench's big cache (20,000 leads, 1,000,000 messages on a full run).")
        )
    }
}
