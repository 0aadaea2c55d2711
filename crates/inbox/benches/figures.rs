//! The benchmark figures of the inbox core (issue: "Benchmarks"), against the simulator's
//! `bulk` scenario on loopback, with real SQLite files in a temporary directory.
//!
//! `cargo bench -p inbox --bench figures -- [--quick] [--idle-minutes N] [--out <dir>]` writes
//! `report.json`, `report.md` and `app-data/inbox.sqlite` (the big cache, for the app's
//! start-up and memory figures) into `<dir>` (default `target/bench`); `--import-only` stops
//! after the import and idle figures, and prints them (for a profile of those). `-- --merge <dir>` folds the app's figures
//! from `<dir>/app-figures.json` into that report (`cargo xtask bench` does both).

#[path = "figures/cpu.rs"]
mod cpu;
#[path = "figures/import.rs"]
mod import;
#[path = "figures/queries.rs"]
mod queries;
#[path = "figures/report.rs"]
mod report;
#[path = "figures/rotation.rs"]
mod rotation;
#[path = "figures/world.rs"]
mod world;

use std::path::{Path, PathBuf};
use std::time::Instant;

use report::{Figure, Report};

struct Args {
    quick: bool,
    /// Simulated minutes of idle passes (default 10), longer for a profile.
    idle_minutes: Option<u64>,
    out: PathBuf,
    merge: Option<PathBuf>,
    /// `--import-only`: the import and idle figures alone (for a profile of them).
    import_only: bool,
}

fn args() -> Args {
    let mut args = Args {
        quick: false,
        idle_minutes: None,
        out: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench"),
        merge: None,
        import_only: false,
    };
    let mut it = std::env::args().skip(1);
    // `cargo bench` adds `--bench`; anything else unknown is ignored the same way.
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--idle-minutes" => args.idle_minutes = it.next().and_then(|n| n.parse().ok()),
            "--out" => args.out = it.next().map(PathBuf::from).expect("--out <dir>"),
            "--merge" => args.merge = it.next().map(PathBuf::from),
            "--import-only" => args.import_only = true,
            _ => {}
        }
    }
    args
}

fn main() {
    let args = args();
    if let Some(dir) = &args.merge {
        merge(dir);
        return;
    }
    let started = Instant::now();
    // About one bulk conversation in eight holds only 4 messages whatever the scenario asks,
    // so 11 and 58 per order give the 100,000 and 1,000,000 messages.
    let (mut import_sizes, cache_sizes) = if args.quick {
        (
            import::ImportSizes {
                orders: 400,
                per_order: 5,
                idle_minutes: 10,
            },
            queries::CacheSizes {
                leads: 500,
                per_lead: 10,
                long: 200,
                questions: 1_000,
                runs: 50,
            },
        )
    } else {
        (
            import::ImportSizes {
                orders: 20_000,
                per_order: 11,
                idle_minutes: 10,
            },
            queries::CacheSizes {
                leads: 20_000,
                per_lead: 58,
                long: 2_000,
                questions: 100_000,
                runs: 300,
            },
        )
    };
    if let Some(minutes) = args.idle_minutes {
        import_sizes.idle_minutes = minutes;
    }
    let mut machine = cpu::machine();
    let rt = world::runtimes();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let mut figures = Vec::new();

    eprintln!("figures: import and idle poll");
    let import_dir = temp.path().join("import");
    import::run(&rt, &import_sizes, &import_dir, &mut figures);
    let _ = std::fs::remove_dir_all(&import_dir);
    if args.import_only {
        for figure in &figures {
            println!("{figure:?}");
        }
        return;
    }

    eprintln!("figures: messages read elsewhere (the rotation)");
    let rotation_dir = temp.path().join("rotation");
    rotation::run(&rt, &rotation_dir, &mut figures);
    let _ = std::fs::remove_dir_all(&rotation_dir);

    eprintln!("figures: the big cache (board, conversation, search, size)");
    let cache_dir = temp.path().join("cache");
    queries::run(&rt, &cache_sizes, &cache_dir, &mut figures);
    keep_for_the_app(&cache_dir, &args.out.join("app-data"));

    machine["load_at_end"] = cpu::load_average().into();
    let report = Report {
        machine,
        figures,
        notes: notes(args.quick, started.elapsed().as_secs_f64()),
    };
    report.write(&args.out).expect("the report is written");
    println!("{}", report.summary());
    println!("report: {}", args.out.join("report.md").display());
}

fn notes(quick: bool, seconds: f64) -> Vec<String> {
    let mut notes = vec![
        "Every cache is filled by the real sync engine (`Inbox::connect_with_client`, the \
         import, then polls) through `meli::Client` from the simulator's `bulk` scenario on \
         127.0.0.1, into SQLite files in a temporary directory."
            .to_owned(),
        "The simulator runs in the same process on its own runtime; its threads' CPU is left out \
         of the inbox's (per-thread `schedstat`). Its rate limit is off and the client's budget \
         unlimited, so nothing waits for the 500 requests a minute Mercado Libre allows."
            .to_owned(),
        "Times are p99 and median of repeated runs on a warm cache, through the facade (each call \
         hops to tokio's blocking pool, as the app's do)."
            .to_owned(),
        format!("The figures bench took {seconds:.0} s."),
    ];
    if quick {
        notes.insert(
            0,
            "QUICK RUN: small sizes, figures not comparable to the targets.".into(),
        );
    }
    notes
}

/// Moves the big cache where `cargo xtask bench` starts the app on it.
fn keep_for_the_app(cache_dir: &Path, app_dir: &Path) {
    let _ = std::fs::remove_dir_all(app_dir);
    std::fs::create_dir_all(app_dir).expect("the app's data dir");
    for name in ["inbox.sqlite", "inbox.sqlite.closed"] {
        let (from, to) = (cache_dir.join(name), app_dir.join(name));
        if std::fs::rename(&from, &to).is_err() {
            std::fs::copy(&from, &to).expect("the cache is copied for the app");
        }
    }
}

/// Folds `app-figures.json` (a list of figures with a `detail` each) into the report.
fn merge(dir: &Path) {
    let mut report = Report::read(dir).expect("a report to merge into (run the bench first)");
    let text = std::fs::read_to_string(dir.join("app-figures.json")).expect("app-figures.json");
    let added: serde_json::Value = serde_json::from_str(&text).expect("app-figures.json parses");
    for value in added["figures"].as_array().into_iter().flatten() {
        let figure = Figure {
            name: value["name"].as_str().unwrap_or("?").to_owned(),
            value: value["value"].as_f64().unwrap_or(f64::NAN),
            unit: value["unit"].as_str().unwrap_or("").to_owned(),
            target: value["target"].as_str().unwrap_or("").to_owned(),
            pass: value["pass"].as_bool().unwrap_or(false),
            detail: value["detail"].as_str().unwrap_or("").to_owned(),
        };
        report.figures.retain(|f| f.name != figure.name);
        report.figures.push(figure);
    }
    for note in added["notes"].as_array().into_iter().flatten() {
        if let Some(note) = note.as_str() {
            report.notes.push(note.to_owned());
        }
    }
    report.write(dir).expect("the merged report is written");
    println!("{}", report.summary());
    println!("report: {}", dir.join("report.md").display());
    println!("        {}", dir.join("report.json").display());
}
