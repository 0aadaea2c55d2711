//! Import and idle poll, through the facade's real engine (`connect_with_client`, then passes),
//! and the raw rusqlite baseline that inserts the same rows in one transaction.

use std::path::Path;
use std::time::{Duration, Instant};

use meli::Site;
use rusqlite::{Connection, OpenFlags};

use crate::cpu::{self, Snapshot};
use crate::report::{median_p99, Figure};
use crate::world::{self, Runtimes};

/// What the import's end looked like from outside: when, at what CPU, after how many requests.
struct ImportEnd {
    at: Instant,
    cpu: Snapshot,
    requests: u64,
}

/// Watches the database for the import's last write (the `import.done` cursor, committed
/// before the pass goes on to its first poll), so the poll is not counted in the import. Runs
/// on a thread named like the simulator's, so its own polling is not counted either.
fn watch_import_end(db: &Path, control: meli_sim::Control) -> std::thread::JoinHandle<ImportEnd> {
    let db = db.to_owned();
    std::thread::Builder::new()
        .name(format!("{}watch", cpu::SIM_PREFIX))
        .spawn(move || {
            // Up to an hour, checking every 5 ms.
            for _ in 0..720_000 {
                std::thread::sleep(Duration::from_millis(5));
                let Ok(conn) = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)
                else {
                    continue;
                };
                let mut done = false;
                for _ in 0..720_000 {
                    done = conn
                        .query_row(
                            "SELECT 1 FROM sync_cursors WHERE name = 'import.done'",
                            [],
                            |_| Ok(()),
                        )
                        .is_ok();
                    if done {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                if done {
                    return ImportEnd {
                        at: Instant::now(),
                        cpu: cpu::snapshot(),
                        requests: control.request_counts().values().sum(),
                    };
                }
            }
            panic!("the import never finished");
        })
        .expect("the watcher starts")
}

pub struct ImportSizes {
    /// Bulk orders in the simulator; half are the imported seller's.
    pub orders: u32,
    pub per_order: u16,
    pub idle_polls: usize,
}

pub fn run(rt: &Runtimes, sizes: &ImportSizes, dir: &Path, figures: &mut Vec<Figure>) {
    let sim = world::simulator(rt, sizes.orders, sizes.per_order);
    let inbox = world::inbox(dir, &sim);
    let db = dir.join("inbox.sqlite");
    let watcher = watch_import_end(&db, sim.control());
    sim.control().clear_requests();
    let client = world::client(&sim, meli_sim::SELLER_MLA, Site::Argentina);
    let (cpu0, t0) = (cpu::snapshot(), Instant::now());
    let account = rt
        .inbox
        .block_on(inbox.connect_with_client(client, world::sync_config()))
        .expect("the account connects");
    let end = watcher.join().expect("the watcher");
    world::wait_online(&inbox, account, Duration::from_secs(3600));
    let wall = end.at.duration_since(t0).as_secs_f64();
    let local = end.cpu.local_since(&cpu0);
    let sim_cpu = end.cpu.sim_since(&cpu0);

    let (orders, leads, messages): (i64, i64, i64) = inbox
        .store()
        .read(|c| {
            let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
            Ok((
                count("SELECT COUNT(*) FROM orders")?,
                count("SELECT COUNT(*) FROM leads")?,
                count("SELECT COUNT(*) FROM messages")?,
            ))
        })
        .expect("counts");
    let messages_f = messages.max(1) as f64;
    let baseline = baseline(&db, &dir.join("baseline.sqlite"));
    let ratio = local / baseline.max(1e-9);
    figures.push(Figure::info(
        "import: wall time",
        wall,
        "s",
        format!(
            "{orders} orders, {leads} conversations, {messages} messages; inbox CPU {local:.1} s, \
             simulator CPU {sim_cpu:.2} s (same machine)"
        ),
    ));
    let allowed = orders as f64 / 50.0 + leads as f64 + 10.0;
    figures.push(Figure::at_most(
        "import: HTTP requests",
        end.requests as f64,
        "requests",
        allowed,
        format!("orders/50 + conversations + 10 = {allowed:.0}"),
    ));
    figures.push(Figure::info(
        "import: local CPU per message",
        local / messages_f * 1e6,
        "µs",
        format!(
            "raw rusqlite baseline, same rows in one transaction: {:.1} µs per message \
             ({baseline:.2} s)",
            baseline / messages_f * 1e6
        ),
    ));
    figures.push(Figure::at_most(
        "import: local work vs raw rusqlite baseline",
        ratio,
        "×",
        2.0,
        format!("inbox CPU {local:.2} s / baseline CPU {baseline:.2} s"),
    ));

    idle_polls(rt, &sim, &inbox, account, sizes.idle_polls, figures);
    rt.inbox.block_on(inbox.stop_sync());
}

/// Passes with nothing changed on the simulator: requests and the inbox's CPU per pass.
fn idle_polls(
    rt: &Runtimes,
    sim: &meli_sim::Simulator,
    inbox: &inbox::Inbox,
    account: i64,
    runs: usize,
    figures: &mut Vec<Figure>,
) {
    let mut requests = Vec::new();
    let mut cpu_ms = Vec::new();
    let mut by_endpoint = std::collections::BTreeMap::<String, u64>::new();
    for _ in 0..runs {
        let before = sim.control().request_counts();
        let cpu0 = cpu::snapshot();
        rt.inbox
            .block_on(inbox.sync_and_wait(account))
            .expect("the engine runs");
        cpu_ms.push(cpu::snapshot().local_since(&cpu0) * 1000.0);
        let after = sim.control().request_counts();
        let mut total = 0;
        for (endpoint, n) in &after {
            let delta = n - before.get(endpoint).copied().unwrap_or(0);
            total += delta;
            *by_endpoint.entry(endpoint.clone()).or_default() += delta;
        }
        requests.push(total as f64);
    }
    let (req_median, req_max) = median_p99(&requests);
    let (cpu_median, cpu_p99) = median_p99(&cpu_ms);
    let per_pass: Vec<String> = by_endpoint
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(e, n)| format!("{e} ×{}", *n as f64 / runs.max(1) as f64))
        .collect();
    figures.push(Figure::at_most(
        "idle poll: HTTP requests",
        req_median,
        "requests",
        3.0,
        format!(
            "median of {runs} passes (max {req_max}); mean per pass: {}",
            per_pass.join(", ")
        ),
    ));
    figures.push(Figure::at_most(
        "idle poll: CPU",
        cpu_median,
        "ms",
        5.0,
        format!("median of {runs} passes, p99 {cpu_p99:.1} ms; process CPU, not wall time"),
    ));
}

/// The tables the import fills, in an order their foreign keys accept.
const TABLES: &[(&str, &str)] = &[
    ("accounts", "SELECT * FROM accounts"),
    ("buyers", "SELECT * FROM buyers"),
    ("leads", "SELECT * FROM leads"),
    (
        "leads_fts (rowid, numbers, buyer, items)",
        "SELECT rowid, numbers, buyer, items FROM leads_fts",
    ),
    ("orders", "SELECT * FROM orders"),
    ("messages", "SELECT * FROM messages"),
];

/// CPU seconds a plain rusqlite loop takes to insert the rows the import produced into a
/// fresh copy of the schema (its indexes and FTS triggers included), in one transaction.
/// The rows are read into memory first; only the inserts and the commit are timed.
fn baseline(source: &Path, target: &Path) -> f64 {
    drop(inbox::Store::open(target).expect("the baseline schema"));
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the imported database");
    let mut tables = Vec::new();
    for (into, select) in TABLES {
        let mut stmt = src.prepare(select).expect("select");
        let width = stmt.column_count();
        let rows: Vec<Vec<rusqlite::types::Value>> = stmt
            .query_map([], |r| (0..width).map(|i| r.get(i)).collect())
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows read");
        tables.push((*into, width, rows));
    }
    let mut conn = Connection::open(target).expect("the baseline database");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("pragma");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("pragma");
    let start = cpu::this_thread();
    let tx = conn.transaction().expect("a transaction");
    for (into, width, rows) in &tables {
        let marks = vec!["?"; *width].join(", ");
        let mut stmt = tx
            .prepare(&format!("INSERT INTO {into} VALUES ({marks})"))
            .expect("insert");
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row))
                .expect("a baseline row");
        }
    }
    tx.commit().expect("the baseline commits");
    cpu::this_thread() - start
}
