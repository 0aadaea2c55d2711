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
    /// Milliseconds from process start to the first painted board, per run.
    ready_ms: Vec<f64>,
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
    let (display, _xvfb) = xvfb::display()?;
    let mut measured = Measured {
        ready_ms: Vec::new(),
        rss: Vec::new(),
        pss: Vec::new(),
        alone: Vec::new(),
        processes: Vec::new(),
    };
    for run in 1..=runs {
        // A fresh copy each time: the app may write to its cache, the next run must not see it.
        let data = out.join("app-run");
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
        std::fs::copy(&seeded, data.join("inbox.sqlite"))
            .map_err(|e| format!("copying the cache: {e}"))?;
        let mut child = Command::new(app)
            .arg("--data-dir")
            .arg(&data)
            .env("MOSTRADOR_BENCH", "1")
            .env("DISPLAY", &display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", app.display()))?;
        let result = one_run(&mut child);
        xvfb::terminate(&mut child, Duration::from_secs(5));
        let (ms, memory) = result.map_err(|e| format!("run {run}: {e}"))?;
        println!(
            "bench: run {run}/{runs}: board visible after {ms:.0} ms, {:.0} MB PSS ({}{:.0} MB RSS): {}",
            memory.pss as f64 / 1e6,
            memory
                .alone
                .map_or(String::new(), |b| format!("{:.0} MB alone, ", b as f64 / 1e6)),
            memory.rss as f64 / 1e6,
            memory.processes
        );
        measured.ready_ms.push(ms);
        measured.rss.push(memory.rss);
        measured.pss.push(memory.pss);
        measured.alone.extend(memory.alone);
        measured.processes.push(memory.processes);
    }
    let _ = std::fs::remove_dir_all(out.join("app-run"));
    Ok(measured)
}

/// Waits for `MOSTRADOR_READY <ms>` on the app's stderr, lets it idle, reads its memory.
fn one_run(child: &mut Child) -> Result<(f64, crate::memory::Memory)> {
    let stderr = child.stderr.take().ok_or("no stderr from the app")?;
    let (ready, wait) = mpsc::channel();
    // Reads to the end so the app never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr)
            .lines()
            .map_while(std::result::Result::ok)
        {
            if let Some(ms) = line
                .split_once("MOSTRADOR_READY ")
                .and_then(|(_, ms)| ms.trim().parse::<f64>().ok())
            {
                let _ = ready.send(ms);
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
    std::thread::sleep(SETTLE);
    Ok((ms, crate::memory::of_tree(child.id())))
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
        let figures = [
            figure(
                "app cold start to board visible (median)",
                start,
                "s",
                "≤ 0.5 s",
                start <= 0.5,
                format!(
                    "{} {build} runs under Xvfb, max {max:.2} s; from process start to the first \
                     painted board (MOSTRADOR_READY); a fresh copy of the cache each run, the OS \
                     file cache warm",
                    self.ready_ms.len(),
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
