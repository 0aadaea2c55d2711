//! How long a message the seller already read on Mercado Libre's site takes to show, and what
//! share of the application's read budget the poll uses (issue 12, section 4): 500 active
//! conversations, the app's schedule (`SyncConfig::default()`), passes run one interval apart
//! on the simulator's clock.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use inbox::sync::SyncConfig;
use meli::Site;
use meli_sim::{LogisticType, NewSale, OrderStatus, SimConfig, Simulator};

use crate::report::Figure;
use crate::world::{self, Runtimes};

/// Conversations active in the last 30 days.
const ACTIVE: usize = 500;
/// Mercado Libre's published read limit per application.
const READS_PER_MINUTE: f64 = 500.0;
const MARK: &str = "Leído en el sitio";

pub fn run(rt: &Runtimes, dir: &Path, figures: &mut Vec<Figure>) {
    let mut config = SimConfig::empty();
    config.rate_limit = None;
    let sim: Simulator = rt
        .sim
        .block_on(Simulator::start(config))
        .expect("the simulator starts");
    let control = sim.control();
    let mut chats = Vec::with_capacity(ACTIVE);
    for i in 0..ACTIVE {
        // Spread over the last three weeks: every one active in the last 30 days.
        let sale = control
            .create_sale(
                NewSale::new(meli_sim::SELLER_MLA)
                    .status(OrderStatus::Paid)
                    .logistic(LogisticType::Custom)
                    .created_minutes_ago(u32::try_from(i * 60).unwrap_or(u32::MAX)),
            )
            .expect("a sale");
        control
            .buyer_writes(sale.conversation_id, "Hola", None)
            .expect("the buyer writes");
        chats.push(sale.conversation_id);
    }
    let inbox = world::inbox(dir, &sim);
    let app = SyncConfig::default();
    let client = world::client(&sim, meli_sim::SELLER_MLA, Site::Argentina);
    let account = rt
        .inbox
        .block_on(inbox.connect_with_client(
            client,
            SyncConfig {
                history_days: 365,
                // Passes run when the bench asks, one interval of the simulator's clock apart.
                interval: Duration::from_secs(24 * 3600),
                ..app.clone()
            },
        ))
        .expect("the account connects");
    world::wait_online(&inbox, account, Duration::from_secs(3600));
    let pass = |rt: &Runtimes| {
        control.advance_clock(app.interval);
        rt.inbox
            .block_on(inbox.sync_and_wait(account))
            .expect("the engine runs");
    };
    // A round's worth of passes first, so the schedule is in its steady state.
    for _ in 0..20 {
        pass(rt);
    }

    // Right after a pass, a buyer writes in every chat and the seller reads it on Mercado
    // Libre's site: none is unread, none is among the changed orders.
    for (i, chat) in chats.iter().enumerate() {
        control
            .buyer_writes(*chat, &format!("{MARK} {i}"), None)
            .expect("the buyer writes");
        control
            .seller_reads_on_site(*chat)
            .expect("the seller reads");
    }
    let reads_before = reads(&sim);
    let mut shown_after: BTreeMap<i64, u32> = BTreeMap::new();
    let mut passes = 0u32;
    // Bounded: a schedule that never reaches some chat is reported as such.
    while shown_after.len() < ACTIVE && passes < 200 {
        pass(rt);
        passes += 1;
        for lead in shown(&inbox) {
            shown_after.entry(lead).or_insert(passes);
        }
    }
    let reads_used = reads(&sim) - reads_before;
    let interval_min = app.interval.as_secs_f64() / 60.0;
    let minutes = f64::from(passes) * interval_min;
    let worst_passes = shown_after.values().copied().max().unwrap_or(passes);
    let all_shown = shown_after.len() == ACTIVE;
    let worst = if all_shown {
        f64::from(worst_passes) * interval_min
    } else {
        f64::INFINITY
    };
    let per_minute = reads_used as f64 / minutes.max(1e-9);
    let share = per_minute / READS_PER_MINUTE * 100.0;
    figures.push(Figure::at_most(
        "read elsewhere: worst-case delay",
        worst,
        "min",
        10.0,
        format!(
            "{ACTIVE} active chats; a message the seller read on Mercado Libre's site in every \
             one right after a pass; {} of them shown, the last after {worst_passes} passes \
             {}s apart (the app's schedule: rotation {} pages a minute, recent {} every {}s)",
            shown_after.len(),
            app.interval.as_secs(),
            app.rotation_reads_per_minute,
            app.recent_conversations,
            app.recent_every.as_secs()
        ),
    ));
    figures.push(Figure::at_most(
        "read elsewhere: share of the read budget",
        share,
        "%",
        25.0,
        format!(
            "{reads_used} reads (GET, every kind: orders, unread, questions, recent chats, \
             rotation) over {passes} passes, {minutes:.1} simulated minutes: {per_minute:.1} a \
             minute of the {READS_PER_MINUTE} Mercado Libre allows an application"
        ),
    ));
    rt.inbox.block_on(inbox.stop_sync());
}

/// GETs the simulator served.
fn reads(sim: &Simulator) -> u64 {
    sim.control().reads_per_application().values().sum()
}

/// Leads whose cached chat holds the message read elsewhere.
fn shown(inbox: &inbox::Inbox) -> Vec<i64> {
    inbox
        .store()
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT DISTINCT lead_id FROM messages WHERE text LIKE 'Leído en el sitio %'",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
        })
        .expect("the shown messages")
}
