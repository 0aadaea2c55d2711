//! The world a figure runs in: the simulator's `bulk` scenario on loopback, served by its own
//! runtime (threads `sim-…`, left out of the inbox's CPU), and an [`Inbox`] on a real SQLite
//! file, synced by the real engine through the real client.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use inbox::sync::{AccountState, SyncConfig};
use inbox::{Clock, Inbox, InboxPaths};
use meli::auth::{AppCredentials, MemoryTokenStore, StoredTokens};
use meli::{Client, ClientConfig, RateBudget, Secret, Site};
use meli_sim::{SimConfig, Simulator};
use tokio::runtime::Runtime;

pub struct Runtimes {
    pub inbox: Runtime,
    pub sim: Runtime,
}

/// Idle threads live for the whole run, so none exits between two CPU snapshots.
fn runtime(name: &str) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .thread_keep_alive(Duration::from_secs(24 * 3600))
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

pub fn runtimes() -> Runtimes {
    Runtimes {
        inbox: runtime("inbox-rt"),
        sim: runtime(&format!("{}rt", crate::cpu::SIM_PREFIX)),
    }
}

/// `orders` bulk orders, alternating between the simulator's two sellers (MLA and MLB) and
/// spread over the last 300 days, each with `per_order` messages.
pub fn simulator(rt: &Runtimes, orders: u32, per_order: u16) -> Simulator {
    let mut config = SimConfig::bulk(orders, per_order);
    // The server's rate limit would only make the run wait; the client still paces and counts.
    config.rate_limit = None;
    rt.sim
        .block_on(Simulator::start(config))
        .expect("the simulator starts")
}

/// A client for `seller`, holding tokens the simulator issued, with a budget that never makes
/// it wait (the figures measure our work, not Mercado Libre's 500 requests a minute).
pub fn client(sim: &Simulator, seller: u64, site: Site) -> Client {
    let app = sim.app();
    let creds = AppCredentials {
        client_id: app.client_id.to_string(),
        client_secret: Secret::new(app.client_secret),
        redirect_uri: app.redirect_uri,
    };
    let mut config = ClientConfig::new(site, creds)
        .with_bases(sim.base_url(), sim.auth_base_url())
        .with_picture_origin(&sim.base_url());
    config.budget = RateBudget {
        reads_per_minute: 6_000_000,
        writes_per_minute: 6_000_000,
    };
    let pair = sim.control().issue_token(seller).expect("a token");
    let token: meli::models::Token =
        serde_json::from_value(serde_json::to_value(pair).expect("token json"))
            .expect("the token parses");
    let tokens = Arc::new(MemoryTokenStore::new(Some(StoredTokens::from_token(
        token,
        Utc::now(),
    ))));
    Client::new(config, tokens).expect("the client builds")
}

/// The app's defaults, except: the history reaches back over all the bulk orders (300 days),
/// and passes run only when the bench asks.
pub fn sync_config() -> SyncConfig {
    SyncConfig {
        history_days: 365,
        interval: Duration::from_secs(24 * 3600),
        ..SyncConfig::default()
    }
}

/// An inbox on `dir/inbox.sqlite` that reads the simulator's clock.
pub fn inbox(dir: &Path, sim: &Simulator) -> Inbox {
    let control = sim.control();
    let clock: Clock = Arc::new(move || control.now());
    Inbox::open(InboxPaths::in_dir(dir), clock).expect("the inbox opens")
}

/// Waits until the account's first pass ended online (polling its state, so no extra pass is
/// queued). Bounded by `limit`.
pub fn wait_online(inbox: &Inbox, account: i64, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        match inbox.account_sync_state(account) {
            Some(AccountState::Online { .. }) => return,
            Some(AccountState::AuthExpired) | None => {
                panic!("the sync stopped: {:?}", inbox.account_sync_state(account))
            }
            _ => {}
        }
        assert!(Instant::now() < deadline, "no first pass within {limit:?}");
        // The engine runs on the runtime's own workers; this thread only looks.
        std::thread::sleep(Duration::from_millis(5));
    }
}
