//! Import and idle poll, through the facade's real engine (`connect_with_client`, then passes),
//! and the raw rusqlite baseline that inserts the same rows in one transaction.

use std::path::Path;
use std::time::{Duration, Instant};

use inbox::sync::SyncConfig;
use meli::Site;
use rusqlite::{Connection, OpenFlags};

use crate::cpu::{self, Snapshot};
use crate::report::{median_p99, Figure};
use crate::world::{self, Runtimes};

/// What the import's end looked like from outside: when, at what CPU, after how many requests.
struct ImportEnd {
    at: Instant,
    cpu: Snapshot,
    /// Requests per endpoint.
    requests: std::collections::BTreeMap<String, u64>,
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
                        requests: control.request_counts(),
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
    /// Simulated minutes of idle passes at the app's interval.
    pub idle_minutes: u64,
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
    let by_endpoint: Vec<String> = end
        .requests
        .iter()
        .map(|(endpoint, n)| format!("{endpoint} ×{n}"))
        .collect();
    figures.push(Figure::at_most(
        "import: HTTP requests",
        end.requests.values().sum::<u64>() as f64,
        "requests",
        allowed,
        format!(
            "orders/50 + conversations + 10 = {allowed:.0}; made: {}",
            by_endpoint.join(", ")
        ),
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

    idle_polls(rt, &sim, &inbox, account, sizes.idle_minutes, figures);
    rt.inbox.block_on(inbox.stop_sync());
}

/// What one pass cost: requests by endpoint, the inbox's CPU, rows the store wrote.
struct Pass {
    requests: std::collections::BTreeMap<String, u64>,
    cpu_ms: f64,
    rows: u64,
}

impl Pass {
    fn total(&self) -> u64 {
        self.requests.values().sum()
    }

    /// Reads of conversations (`GET /messages/packs/…`).
    fn chats(&self) -> u64 {
        self.requests
            .iter()
            .filter(|(e, _)| e.contains("/messages/packs/"))
            .map(|(_, n)| n)
            .sum()
    }

    /// Only the two requests every pass makes (orders updated, unread chats).
    fn is_base(&self) -> bool {
        self.requests
            .keys()
            .all(|e| e == "GET /orders/search" || e == "GET /messages/unread")
    }
}

/// A pass after the simulator's clock moved `advance`, as the app's timer would run it.
fn pass(
    rt: &Runtimes,
    sim: &meli_sim::Simulator,
    inbox: &inbox::Inbox,
    account: i64,
    advance: Duration,
) -> Pass {
    sim.control().advance_clock(advance);
    let before = sim.control().request_counts();
    let rows0 = inbox.store().rows_written().expect("rows written");
    let cpu0 = cpu::snapshot();
    rt.inbox
        .block_on(inbox.sync_and_wait(account))
        .expect("the engine runs");
    let cpu_ms = cpu::snapshot().local_since(&cpu0) * 1000.0;
    let rows = inbox.store().rows_written().expect("rows written") - rows0;
    let requests = sim
        .control()
        .request_counts()
        .into_iter()
        .map(|(e, n)| {
            let delta = n - before.get(&e).copied().unwrap_or(0);
            (e, delta)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    Pass {
        requests,
        cpu_ms,
        rows,
    }
}

fn per_endpoint(passes: &[&Pass]) -> String {
    let mut sum = std::collections::BTreeMap::<&str, u64>::new();
    for p in passes {
        for (e, n) in &p.requests {
            *sum.entry(e.as_str()).or_default() += n;
        }
    }
    let runs = passes.len().max(1) as f64;
    sum.iter()
        .map(|(e, n)| format!("{e} ×{:.2}", *n as f64 / runs))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Idle passes with nothing changed on the simulator, its clock moving by the app's own poll
/// interval between them, so every cadence of the app (the questions' poll, the periodic
/// re-read of recent chats and the questions' sweep) comes due as it would in the app. The
/// pass with only the base poll, the pass that also polls questions, and the whole window per
/// minute are reported apart; then an unchanged conversation read again.
fn idle_polls(
    rt: &Runtimes,
    sim: &meli_sim::Simulator,
    inbox: &inbox::Inbox,
    account: i64,
    minutes: u64,
    figures: &mut Vec<Figure>,
) {
    let app = SyncConfig {
        history_days: world::sync_config().history_days,
        // The rotation through every active chat reads on every pass by design; its cost
        // has its own figures (rotation.rs). These are the passes without it.
        rotation_reads_per_minute: 0,
        ..SyncConfig::default()
    };
    // The app's cadences, with the timer left to the bench (it moves the clock itself).
    inbox_config(rt, inbox, app.clone());
    // The first pass after a start polls the questions whatever the cadence: not idle yet.
    pass(rt, sim, inbox, account, Duration::ZERO);
    let passes_in_window = (minutes * 60 / app.interval.as_secs().max(1)).max(1);
    let passes: Vec<Pass> = (0..passes_in_window)
        .map(|_| pass(rt, sim, inbox, account, app.interval))
        .collect();
    let base: Vec<&Pass> = passes.iter().filter(|p| p.is_base()).collect();
    let with_questions: Vec<&Pass> = passes
        .iter()
        .filter(|p| !p.is_base() && p.chats() == 0)
        .collect();
    let column = |ps: &[&Pass], f: fn(&Pass) -> f64| ps.iter().map(|p| f(p)).collect::<Vec<_>>();
    let (req_median, req_max) = median_p99(&column(&base, |p| p.total() as f64));
    let (cpu_median, cpu_p99) = median_p99(&column(&base, |p| p.cpu_ms));
    let (rows_median, _) = median_p99(&column(&base, |p| p.rows as f64));
    let window = format!(
        "{} of {passes_in_window} passes {}s apart on the simulator's clock ({minutes} min at \
         the app's cadences)",
        base.len(),
        app.interval.as_secs()
    );
    figures.push(Figure::at_most(
        "idle pass: requests",
        req_median,
        "requests",
        2.0,
        format!(
            "median of the {window} that read nothing else (max {req_max}): {}; the \
             unanswered questions are polled every {}s on their own (the next figures)",
            per_endpoint(&base),
            app.questions_every.as_secs()
        ),
    ));
    figures.push(Figure::at_most(
        "idle pass: CPU",
        cpu_median,
        "ms",
        3.0,
        format!(
            "median of the same passes, p99 {cpu_p99:.2} ms, {rows_median} rows written (the \
             orders' cursor); process CPU, not wall time"
        ),
    ));
    let (q_req, _) = median_p99(&column(&with_questions, |p| p.total() as f64));
    let (q_cpu, q_cpu_p99) = median_p99(&column(&with_questions, |p| p.cpu_ms));
    figures.push(Figure::info(
        "idle pass with the questions poll: requests",
        q_req,
        "requests",
        format!(
            "median of {} passes: {}; CPU median {q_cpu:.2} ms, p99 {q_cpu_p99:.2} ms",
            with_questions.len(),
            per_endpoint(&with_questions)
        ),
    ));
    let all: Vec<&Pass> = passes.iter().collect();
    let total: u64 = passes.iter().map(Pass::total).sum();
    let cpu_total: f64 = passes.iter().map(|p| p.cpu_ms).sum();
    let per_minute = minutes.max(1) as f64;
    figures.push(Figure::info(
        "idle: requests per minute, every cadence included",
        total as f64 / per_minute,
        "requests",
        format!(
            "{passes_in_window} passes over {minutes} simulated minutes, every periodic read \
             but the rotation included (re-read of the {} recent chats and the questions' sweep every {}s): \
             {total} requests, {cpu_total:.1} ms CPU ({:.2} ms a minute); per pass: {}",
            app.recent_conversations,
            app.recent_every.as_secs(),
            cpu_total / per_minute,
            per_endpoint(&all)
        ),
    ));

    // An unchanged conversation read again: passes with the questions off (so the periodic
    // sweep does not land in the same pass), one idle and one with the recent chats due, in
    // turn; the difference is the re-reads.
    inbox_config(
        rt,
        inbox,
        SyncConfig {
            questions: false,
            ..app.clone()
        },
    );
    pass(rt, sim, inbox, account, Duration::ZERO);
    let mut per_chat_cpu = Vec::new();
    let mut per_chat_rows = Vec::new();
    let mut chats = 0;
    for _ in 0..5 {
        let idle = pass(rt, sim, inbox, account, app.interval);
        let reread = pass(rt, sim, inbox, account, app.recent_every);
        let n = reread.chats().max(1);
        chats = n;
        per_chat_cpu.push((reread.cpu_ms - idle.cpu_ms) / n as f64);
        // The re-read's own cursor (when the recent chats were last read) is one row a pass.
        per_chat_rows.push(reread.rows.saturating_sub(idle.rows + 1) as f64 / n as f64);
    }
    let (cpu_median, cpu_p99) = median_p99(&per_chat_cpu);
    let (_, rows_max) = median_p99(&per_chat_rows);
    figures.push(Figure::at_most(
        "unchanged conversation read again: CPU",
        cpu_median,
        "ms",
        0.5,
        format!(
            "per chat: a pass re-reading the {chats} recent chats less an idle pass, over 5 \
             pairs; p99 {cpu_p99:.3} ms; request, decoding, comparing and the store"
        ),
    ));
    figures.push(Figure::at_most(
        "unchanged conversation read again: rows written",
        rows_max,
        "rows",
        0.0,
        "per chat, the most of 5 pairs: rows the store wrote (SQLite's total_changes, \
         triggers and FTS included) in the re-reading pass less the idle pass and the \
         re-read's own cursor"
            .to_owned(),
    ));
}

/// Restarts the account's engine with `config`, its timer left to the bench.
fn inbox_config(rt: &Runtimes, inbox: &inbox::Inbox, config: SyncConfig) {
    rt.inbox.block_on(inbox.set_sync_config(SyncConfig {
        interval: Duration::from_secs(24 * 3600),
        ..config
    }));
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
    // The store indexes each new message itself (no trigger since V11): so does the baseline.
    (
        "messages_fts (rowid, text)",
        "SELECT seq, text FROM messages",
    ),
];

/// CPU seconds a plain rusqlite loop takes to insert the rows the import produced into a
/// fresh copy of the schema (its indexes and the messages' search rows included), in one
/// transaction.
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
