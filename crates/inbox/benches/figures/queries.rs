//! The read side on a big cache: the board on 20,000 leads, the newest page of a 2,000-message
//! conversation, full-text search and the file's size with 1,000,000 messages. The cache is
//! filled by the real engine from two simulators: one seller with the many leads, the other
//! with the one long conversation. It is then kept for the app's start-up and memory figures.

use std::path::Path;
use std::time::{Duration, Instant};

use inbox::ipc::BoardFilter;
use meli::Site;

use crate::report::{median_p99, Figure};
use crate::world::{self, Runtimes};

pub struct CacheSizes {
    pub leads: u32,
    pub per_lead: u16,
    /// Messages of the one long conversation.
    pub long: u16,
    /// Pre-sale questions in the cache, searched with the messages.
    pub questions: u32,
    pub runs: usize,
}

/// Words buyers ask with and sellers answer with, so questions share the searches' words.
const QUESTION_WORDS: &[&str] = &[
    "stock",
    "factura",
    "garantía",
    "color",
    "envío",
    "cuotas",
    "medidas",
    "original",
    "retiro",
    "descuento",
    "talle",
    "negro",
    "zapatillas",
    "termo",
    "entrega",
    "hoy",
    "mañana",
    "precio",
];

/// `count` questions written into the cache the way the sync writes them
/// (`store::questions::upsert` on the API's JSON). Mercado Libre's questions search stops at
/// offset 1,000, so a sync cannot bring 100,000 of them; the figure is about searching them.
fn seed_questions(inbox: &inbox::Inbox, account: i64, count: u32) {
    let now = chrono::Utc::now();
    inbox
        .store()
        .write(|tx| {
            for n in 0..count {
                let word = |k: u32| QUESTION_WORDS[((n / (k + 1)) as usize + k as usize) % QUESTION_WORDS.len()];
                let asked = now - chrono::Duration::minutes(i64::from(count - n));
                let answered = n % 10 != 0;
                let json = serde_json::json!({
                    "id": 30_000_000_000_i64 + i64::from(n),
                    "seller_id": meli_sim::SELLER_MLA,
                    "item_id": format!("MLA{}", 1_054_990_600 + n % 12),
                    "status": if answered { "ANSWERED" } else { "UNANSWERED" },
                    "text": format!("Hola, ¿tienen {} en {}? ¿Hay {} para {}? #{n}", word(0), word(1), word(2), word(3)),
                    "date_created": asked.to_rfc3339(),
                    "hold": false,
                    "deleted_from_listing": false,
                    "answer": if answered {
                        serde_json::json!({"text": format!("Sí, hay {} y {}.", word(4), word(5)), "status": "ACTIVE", "date_created": (asked + chrono::Duration::minutes(20)).to_rfc3339()})
                    } else { serde_json::Value::Null },
                    "from": {"id": 1_944_000_001_i64 + i64::from(n % 5_000)},
                });
                let q: meli::models::Question = serde_json::from_value(json)?;
                inbox::store::questions::upsert(tx, account, &q, now)?;
            }
            Ok(())
        })
        .expect("questions written");
}

/// Lead and message searches of the kind a seller types: frequent words, rare ones, two
/// words, a prefix, a buyer's name, and nothing found.
const QUERIES: &[&str] = &[
    "factura",
    "garantía",
    "seguimiento",
    "dirección entrega",
    "despachan pedido",
    "color",
    "llegó perfecto",
    "fact",
    "González",
    "zapatillas",
];

pub fn run(rt: &Runtimes, sizes: &CacheSizes, dir: &Path, figures: &mut Vec<Figure>) {
    let many = world::simulator(rt, sizes.leads * 2, sizes.per_lead);
    let long = world::simulator(rt, 2, sizes.long);
    let inbox = world::inbox(dir, &many);
    let started = Instant::now();
    let connect = |sim: &meli_sim::Simulator, seller, site| {
        rt.inbox
            .block_on(
                inbox.connect_with_client(world::client(sim, seller, site), world::sync_config()),
            )
            .expect("the account connects")
    };
    let seller_a = connect(&many, meli_sim::SELLER_MLA, Site::Argentina);
    let seller_b = connect(&long, meli_sim::SELLER_MLB, Site::Brasil);
    world::wait_online(&inbox, seller_b, Duration::from_secs(3600));
    world::wait_online(&inbox, seller_a, Duration::from_secs(3600));
    rt.inbox.block_on(inbox.stop_sync());
    seed_questions(&inbox, seller_a, sizes.questions);
    let seeding = started.elapsed();

    let (leads, messages, long_lead, long_count): (i64, i64, i64, i64) = inbox
        .store()
        .read(|c| {
            let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
            let long_lead = c.query_row(
                "SELECT id FROM leads WHERE account_id = ?1",
                [seller_b],
                |r| r.get(0),
            )?;
            let long_count = c.query_row(
                "SELECT COUNT(*) FROM messages WHERE lead_id = ?1",
                [long_lead],
                |r| r.get(0),
            )?;
            Ok((
                count("SELECT COUNT(*) FROM leads")?,
                count("SELECT COUNT(*) FROM messages")?,
                long_lead,
                long_count,
            ))
        })
        .expect("counts");
    eprintln!(
        "figures: cache of {leads} leads and {messages} messages synced in {:.0?}",
        seeding
    );

    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64() * 1000.0
    };
    // A few untimed runs first: the figures are about a warm app, not the first page read.
    let mut board = || {
        rt.inbox
            .block_on(inbox.board(None, Default::default()))
            .expect("the board");
    };
    for _ in 0..5 {
        board();
    }
    let samples: Vec<f64> = (0..sizes.runs).map(|_| time(&mut board)).collect();
    let (median, p99) = median_p99(&samples);
    figures.push(Figure::at_most(
        "board query p99",
        p99,
        "ms",
        3.0,
        format!(
            "{leads} leads, every column's count and first page; median {median:.2} ms over {} runs",
            samples.len()
        ),
    ));

    let filters = board_filters();
    let filtered = |n: usize| {
        let filter = filters[n % filters.len()].clone();
        rt.inbox
            .block_on(inbox.board(None, filter))
            .expect("a filtered board");
    };
    for n in 0..filters.len() {
        filtered(n);
    }
    let timed: Vec<(usize, f64)> = (0..sizes.runs)
        .map(|n| (n % filters.len(), time(&mut || filtered(n))))
        .collect();
    let samples: Vec<f64> = timed.iter().map(|(_, ms)| *ms).collect();
    let (median, p99) = median_p99(&samples);
    // Each filter's own p99, to name the one the tail comes from.
    let (slowest, slowest_p99) = (0..filters.len())
        .map(|i| {
            let own: Vec<f64> = timed
                .iter()
                .filter(|(f, _)| *f == i)
                .map(|(_, ms)| *ms)
                .collect();
            (i, median_p99(&own).1)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, f64::NAN));
    figures.push(Figure::at_most(
        "filtered board query p99",
        p99,
        "ms",
        6.0,
        format!(
            "{leads} leads, {} filters in turn (waiting, unread, tags, text, all at once); \
             median {median:.2} ms over {} runs; slowest: {} (p99 {slowest_p99:.1} ms)",
            filters.len(),
            samples.len(),
            describe_filter(&filters[slowest]),
        ),
    ));

    let mut page = || {
        rt.inbox
            .block_on(inbox.conversation(long_lead, None))
            .expect("a page");
    };
    for _ in 0..5 {
        page();
    }
    let samples: Vec<f64> = (0..sizes.runs * 3).map(|_| time(&mut page)).collect();
    let (median, p99) = median_p99(&samples);
    figures.push(Figure::at_most(
        "conversation page p99",
        p99,
        "ms",
        0.3,
        format!(
            "50 newest of a {long_count}-message lead; median {median:.2} ms over {} runs",
            samples.len()
        ),
    ));

    let mut n = 0;
    let mut search = || {
        n += 1;
        let query = QUERIES[n % QUERIES.len()].to_owned();
        rt.inbox
            .block_on(inbox.search(query, None, None))
            .expect("a search");
    };
    for _ in 0..QUERIES.len() {
        search();
    }
    let samples: Vec<f64> = (0..sizes.runs * 2).map(|_| time(&mut search)).collect();
    let (median, p99) = median_p99(&samples);
    let slowest = slowest_query(rt, &inbox);
    figures.push(Figure::at_most(
        "full-text search p99",
        p99,
        "ms",
        8.0,
        format!(
            "{messages} messages and {} questions, leads, messages and questions, {} queries in \
             turn; median {median:.2} ms over {} runs; slowest: {slowest}",
            sizes.questions,
            QUERIES.len(),
            samples.len()
        ),
    ));

    inbox.store().checkpoint().expect("a checkpoint");
    let on_disk: u64 = ["inbox.sqlite", "inbox.sqlite-wal", "inbox.sqlite-shm"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum();
    let raw = raw_message_bytes(&inbox);
    figures.push(Figure::at_most(
        "cache size on disk vs raw JSON",
        on_disk as f64 / raw.max(1) as f64,
        "×",
        0.8,
        format!(
            "{:.0} MB on disk (leads, orders, indexes and FTS included) for {messages} messages \
             whose JSON is {:.0} MB",
            on_disk as f64 / 1e6,
            raw as f64 / 1e6
        ),
    ));
    // Closed as the app closes it at quit, so the app's figures start it as a seller's next
    // start does: with a quick look, not the full check that follows a crash.
    inbox.close_cleanly().expect("the cache is closed cleanly");
}

/// Filters of the kind a seller sets on the board bar, from narrow to broad.
fn board_filters() -> Vec<BoardFilter> {
    let tags = |tags: &[&str]| tags.iter().map(|t| (*t).to_owned()).collect();
    vec![
        BoardFilter {
            waiting_for_you: true,
            ..BoardFilter::default()
        },
        BoardFilter {
            unread_only: true,
            ..BoardFilter::default()
        },
        BoardFilter {
            tags: tags(&["paid", "not_delivered"]),
            ..BoardFilter::default()
        },
        BoardFilter {
            tags: tags(&["delivered"]),
            ..BoardFilter::default()
        },
        BoardFilter {
            text: "zapatillas".into(),
            ..BoardFilter::default()
        },
        BoardFilter {
            text: "gonz".into(),
            ..BoardFilter::default()
        },
        BoardFilter {
            tags: tags(&["paid"]),
            unread_only: true,
            waiting_for_you: true,
            text: "a".into(),
            archived: false,
        },
    ]
}

/// A filter as the seller set it on the board bar.
fn describe_filter(filter: &BoardFilter) -> String {
    let mut parts: Vec<String> = filter.tags.clone();
    if filter.unread_only {
        parts.push("unread".into());
    }
    if filter.waiting_for_you {
        parts.push("waiting".into());
    }
    if !filter.text.is_empty() {
        parts.push(format!("\"{}\"", filter.text));
    }
    if filter.archived {
        parts.push("archived".into());
    }
    parts.join(" + ")
}

/// Each query's own time, to name the slowest.
fn slowest_query(rt: &Runtimes, inbox: &inbox::Inbox) -> String {
    let mut worst = (0.0, "");
    for query in QUERIES {
        let samples: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                rt.inbox
                    .block_on(inbox.search((*query).to_owned(), None, None))
                    .expect("a search");
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        let (median, _) = median_p99(&samples);
        if median > worst.0 {
            worst = (median, query);
        }
    }
    format!("\"{}\" {:.1} ms", worst.1, worst.0)
}

/// The messages' JSON as Mercado Libre sent it: each row's stored JSON unpacked whole again
/// (its `text` back in) by the store's own decoder, serialised compactly.
fn raw_message_bytes(inbox: &inbox::Inbox) -> u64 {
    inbox
        .store()
        .read(|c| {
            let mut stmt = c.prepare("SELECT raw_packed, meli_id, text FROM messages")?;
            let mut rows = stmt.query([])?;
            let mut total = 0u64;
            while let Some(row) = rows.next()? {
                let packed: Vec<u8> = row.get(0)?;
                let id: String = row.get(1)?;
                let text: String = row.get(2)?;
                let columns = inbox::store::raw::MessageColumns {
                    id: &id,
                    text: &text,
                };
                let whole = inbox::store::raw::unpack_message(&packed, columns)?;
                total += serde_json::to_string(&whole)?.len() as u64;
            }
            Ok(total)
        })
        .expect("raw bytes")
}
