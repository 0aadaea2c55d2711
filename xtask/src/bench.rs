//! `cargo xtask bench [--quick]`: the inbox core's figures (`cargo bench -p inbox --bench
//! figures`), then the app's own two: cold start to board visible, and memory with the board
//! open, both on the big cache that bench leaves in `target/bench/app-data`. The app's figures
//! are merged into `target/bench/report.json` and `report.md` by the same bench binary.

use std::collections::HashMap;
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
    processes: String,
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
        processes: String::new(),
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
            "bench: run {run}/{runs}: board visible after {ms:.0} ms, {:.0} MB RSS",
            memory.rss as f64 / 1e6
        );
        measured.ready_ms.push(ms);
        measured.rss.push(memory.rss);
        measured.pss.push(memory.pss);
        measured.processes = memory.processes;
    }
    let _ = std::fs::remove_dir_all(out.join("app-run"));
    Ok(measured)
}

/// Waits for `MOSTRADOR_READY <ms>` on the app's stderr, lets it idle, reads its memory.
fn one_run(child: &mut Child) -> Result<(f64, Memory)> {
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
    Ok((ms, memory_of_tree(child.id())))
}

struct Memory {
    rss: u64,
    pss: u64,
    processes: String,
}

/// RSS (and PSS, which does not count shared pages twice) of `root` and its descendants.
fn memory_of_tree(root: u32) -> Memory {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            names.insert(pid, stat[open + 1..close].to_owned());
            if let Some(ppid) = stat[close + 1..]
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
            {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    // Bounded by the number of processes: each pid is visited once.
    while i < tree.len() && i < 10_000 {
        tree.extend(children.get(&tree[i]).into_iter().flatten());
        i += 1;
    }
    let mut memory = Memory {
        rss: 0,
        pss: 0,
        processes: String::new(),
    };
    let mut parts = Vec::new();
    for pid in tree {
        let rss = kb_field(&format!("/proc/{pid}/status"), "VmRSS:");
        memory.rss += rss;
        memory.pss += kb_field(&format!("/proc/{pid}/smaps_rollup"), "Pss:");
        let name = names.get(&pid).map_or("?", String::as_str);
        parts.push(format!("{name} {:.0} MB", rss as f64 / 1e6));
    }
    memory.processes = parts.join(", ");
    memory
}

/// A `kB` line of a /proc file, in bytes; 0 when absent.
fn kb_field(path: &str, field: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
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
        let rss_median = median(&rss);
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
                "≤ 1.5 s",
                start <= 1.5,
                format!(
                    "{} {} runs under Xvfb, max {max:.2} s; from process start to the first \
                     painted board (MOSTRADOR_READY); a fresh copy of the cache each run, the OS \
                     file cache warm",
                    self.ready_ms.len(),
                    if quick {
                        "debug-build"
                    } else {
                        "release-build"
                    },
                ),
            ),
            figure(
                "app memory (RSS, idle, board open)",
                rss_median,
                "MB",
                "≤ 200 MB",
                rss_median <= 200.0,
                format!(
                    "median of {} runs, {} s after the board showed; PSS {:.0} MB (shared pages \
                     counted once); processes: {}",
                    rss.len(),
                    SETTLE.as_secs(),
                    median(&pss),
                    self.processes
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
