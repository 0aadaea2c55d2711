//! CPU time by thread, read from `/proc`. The simulator serves from this same process, so the
//! inbox's own work is the sum over every thread except the simulator's (named `sim-…`).
//! `schedstat` counts nanoseconds on the CPU, fine enough for a poll of a few milliseconds
//! (the `utime`/`stime` ticks of `/proc/self/stat` are 10 ms).

use std::collections::HashMap;
use std::fs;

/// Threads whose name starts with this are the simulator's (and the bench's own watcher).
pub const SIM_PREFIX: &str = "sim-";

/// On-CPU nanoseconds per live thread, with its name.
#[derive(Debug, Default)]
pub struct Snapshot(HashMap<u64, (String, u64)>);

fn schedstat_ns(path: &str) -> Option<u64> {
    fs::read_to_string(path)
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

pub fn snapshot() -> Snapshot {
    let mut threads = HashMap::new();
    let Ok(dir) = fs::read_dir("/proc/self/task") else {
        return Snapshot(threads);
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(tid) = name.parse::<u64>() else {
            continue;
        };
        let base = format!("/proc/self/task/{tid}");
        let comm = fs::read_to_string(format!("{base}/comm")).unwrap_or_default();
        if let Some(ns) = schedstat_ns(&format!("{base}/schedstat")) {
            threads.insert(tid, (comm.trim().to_owned(), ns));
        }
    }
    Snapshot(threads)
}

impl Snapshot {
    /// CPU seconds the inbox's threads used since `earlier` (threads born since count whole).
    /// Both runtimes keep idle threads alive for the whole run, so no thread's time is lost
    /// to an exit between two snapshots.
    pub fn local_since(&self, earlier: &Snapshot) -> f64 {
        self.since(earlier, |name| !name.starts_with(SIM_PREFIX))
    }

    /// CPU seconds the simulator's threads used since `earlier`.
    pub fn sim_since(&self, earlier: &Snapshot) -> f64 {
        self.since(earlier, |name| name.starts_with(SIM_PREFIX))
    }

    fn since(&self, earlier: &Snapshot, keep: impl Fn(&str) -> bool) -> f64 {
        let ns: u64 = self
            .0
            .iter()
            .filter(|(_, (name, _))| keep(name))
            .map(|(tid, (_, now))| {
                let before = earlier.0.get(tid).map_or(0, |(_, ns)| *ns);
                now.saturating_sub(before)
            })
            .sum();
        ns as f64 / 1e9
    }
}

/// CPU seconds of the calling thread (for the single-threaded baseline).
pub fn this_thread() -> f64 {
    schedstat_ns("/proc/thread-self/schedstat").unwrap_or(0) as f64 / 1e9
}

/// The machine, as the report prints it beside the figures.
pub fn machine() -> serde_json::Value {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or_else(|| "unknown".to_owned(), |m| m.trim().to_owned());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_kb: f64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    serde_json::json!({
        "cores": cores,
        "cpu": model,
        "ram_gb": (ram_kb / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "os": std::env::consts::OS,
        "load_at_start": load_average(),
    })
}

/// The 1-minute load average: other work on the machine while measuring.
pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default()
}
