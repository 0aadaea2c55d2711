//! Shared by the sync tests: a simulator on 127.0.0.1, an inbox on a real SQLite file in a
//! temporary directory, clients for both, and the simulator's own view of its world (read
//! through the API with a separate client) to compare the cache with.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use inbox::pipeline::SystemStage;
use inbox::sync::{AccountState, SyncConfig};
use inbox::{Clock, Inbox, InboxPaths};
use meli::auth::{AppCredentials, MemoryTokenStore, StoredTokens};
use meli::models::OrderStatus;
use meli::{Client, ClientConfig, MessagesPage, OrderQuery, Secret, Site};
use meli_sim::{SimConfig, Simulator};
use tempfile::TempDir;

pub const MLA: u64 = meli_sim::SELLER_MLA;
pub const MLB: u64 = meli_sim::SELLER_MLB;

/// A fixed start, so every run sees the same world dated the same way.
pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 15, 0, 0)
        .single()
        .expect("valid date")
}

pub async fn sim(mut config: SimConfig) -> Simulator {
    config.start_time = Some(start_time());
    // The client's own budget is what the tests exercise; the server's is off.
    config.rate_limit = None;
    Simulator::start(config).await.expect("simulator starts")
}

/// The world most of these tests start from: a simulator on 127.0.0.1 dated [`start_time`],
/// and an inbox on a fresh SQLite file that reads the simulator's clock. Destructure it:
/// `let World { sim, inbox, dir } = World::start(SimConfig::empty()).await;`
pub struct World {
    pub sim: Simulator,
    pub inbox: Inbox,
    /// The inbox's data directory, removed when dropped.
    pub dir: TempDir,
}

impl World {
    pub async fn start(config: SimConfig) -> World {
        let sim = sim(config).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let inbox = open_inbox(&dir, sim_clock(&sim));
        World { sim, inbox, dir }
    }
}

/// The inbox reads the simulator's clock, so skipping hours there moves both.
pub fn sim_clock(sim: &Simulator) -> Clock {
    let control = sim.control();
    Arc::new(move || control.now())
}

pub fn open_inbox(dir: &TempDir, clock: Clock) -> Inbox {
    Inbox::open(InboxPaths::in_dir(dir.path()), clock).expect("inbox opens")
}

/// The tests' one client configuration: fast retries and a budget that never gets in the way.
pub fn client_config(sim: &Simulator) -> ClientConfig {
    let app = sim.app();
    let creds = AppCredentials {
        client_id: app.client_id.to_string(),
        client_secret: Secret::new(app.client_secret),
        redirect_uri: app.redirect_uri,
    };
    ClientConfig::new(Site::Argentina, creds)
        .with_bases(sim.base_url(), sim.auth_base_url())
        .with_picture_origin(&sim.base_url())
        .for_loopback()
}

/// Tokens the simulator issued for `seller`, as if the seller had connected.
pub fn issued(sim: &Simulator, seller: u64) -> StoredTokens {
    let pair = sim.control().issue_token(seller).expect("token issued");
    let token: meli::models::Token =
        serde_json::from_value(serde_json::to_value(pair).expect("pair json"))
            .expect("token parses");
    StoredTokens::from_token(token, Utc::now())
}

pub fn client(sim: &Simulator, seller: u64) -> Client {
    let store = Arc::new(MemoryTokenStore::new(Some(issued(sim, seller))));
    Client::new(client_config(sim), store).expect("client builds")
}

/// Polls only when asked (the tests drive passes with `sync_and_wait`), short backoff.
pub fn sync_config() -> SyncConfig {
    SyncConfig {
        interval: Duration::from_secs(3600),
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        flush_every: Duration::from_millis(20),
        ambiguous_settle: Duration::ZERO,
        // An unknown send is looked for on each pass (three reads, then "not confirmed").
        confirm_reads: vec![Duration::ZERO; 3],
        // A chat that failed is read again on the next pass (a test that checks the backoff
        // sets its own).
        chat_retry_base: Duration::ZERO,
        // The unanswered questions are polled on each pass (a test of their cadence sets the
        // app's).
        questions_every: Duration::ZERO,
        // The rotation through every active chat reads more on each pass that finds the
        // clock moved: off, so a test counts only what it is about (tests/sync_rotation.rs
        // turns it on).
        rotation_reads_per_minute: 0,
        ..SyncConfig::default()
    }
}

/// Runs passes until one ends online (the first may still be importing); bounded.
pub async fn sync_online(inbox: &Inbox, account: i64) -> AccountState {
    let mut last = None;
    for _ in 0..50 {
        let state = inbox.sync_and_wait(account).await.expect("engine runs");
        if matches!(state, AccountState::Online { .. }) {
            return state;
        }
        last = Some(state);
    }
    panic!("sync never came online: {last:?}");
}

/// The requests of one pass that comes online, sorted.
pub async fn pass_endpoints(sim: &Simulator, inbox: &Inbox, account: i64) -> Vec<String> {
    sim.control().clear_requests();
    sync_online(inbox, account).await;
    let mut endpoints: Vec<String> = sim
        .control()
        .requests()
        .into_iter()
        .map(|r| r.endpoint)
        .collect();
    endpoints.sort();
    endpoints
}

/// Waits until the simulator's request log satisfies `seen` (what the engine did, rather than
/// how long it might take); fails with `what` after a generous minute.
pub async fn until_logged(
    sim: &Simulator,
    what: &str,
    seen: impl Fn(&[meli_sim::LoggedRequest]) -> bool,
) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !seen(&sim.control().requests()) {
        assert!(std::time::Instant::now() < deadline, "never logged: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Plays the seller's browser and the relay page, as the authorization step's `open_browser`:
/// opens the simulator's authorization page (started with `auto_approve`, it approves by
/// itself) and hands the code and state to the loopback listener on the port `state` names,
/// as `relay/index.html` does. Only ever talks to 127.0.0.1.
pub fn approve_in_browser(authorization_url: String) {
    tokio::spawn(async move {
        let url = url::Url::parse(&authorization_url).expect("authorization url");
        assert_eq!(url.host_str(), Some("127.0.0.1"), "{url}");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("browser");
        let answer = http.get(url).send().await.expect("authorization page");
        let location = answer
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .expect("the authorization page redirects (is auto_approve on?)");
        let redirect = url::Url::parse(location).expect("redirect url");
        let param = |name: &str| {
            redirect
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_else(|| panic!("no {name} in {redirect}"))
        };
        let (code, state) = (param("code"), param("state"));
        let port = meli::auth::port_from_state(&state).expect("a port in state");
        http.get(format!("http://127.0.0.1:{port}/callback"))
            .query(&[("code", code), ("state", state)])
            .send()
            .await
            .expect("the loopback listener answers");
    });
}

/// What the simulator holds for one seller, read through the API with its own client.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Truth {
    /// Leads per stage (by its key).
    pub stages: BTreeMap<&'static str, u32>,
    /// conversation id → (messages, unread buyer messages)
    pub conversations: BTreeMap<i64, (usize, usize)>,
}

pub async fn truth(sim: &Simulator, seller: u64, from: DateTime<Utc>) -> Truth {
    let client = client(sim, seller);
    let seller = seller as i64;
    let mut by_conversation: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut offset = 0;
    loop {
        let mut query = OrderQuery::seller(seller);
        query.statuses = OrderStatus::ALL.to_vec();
        query.created_from = Some(from);
        query.offset = offset;
        let page = client.search_orders(&query).await.expect("orders");
        if page.results.is_empty() {
            break;
        }
        offset += page.results.len() as u32;
        for order in page.results {
            let status = order
                .status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            by_conversation
                .entry(order.conversation_id())
                .or_default()
                .push(status);
        }
    }
    let mut truth = Truth::default();
    for (conversation, statuses) in &by_conversation {
        let stage = inbox::pipeline::status::lead_stage(statuses.iter().map(String::as_str), None);
        *truth.stages.entry(stage.key()).or_default() += 1;
        let (mut messages, mut unread, mut offset) = (0, 0, 0);
        loop {
            let page = client
                .messages(
                    *conversation,
                    seller,
                    MessagesPage {
                        offset,
                        limit: 50,
                        mark_as_read: false,
                    },
                )
                .await
                .expect("conversation");
            let n = page.messages.len();
            messages += n;
            unread += page
                .messages
                .iter()
                .filter(|m| m.from_user_id() != Some(seller) && m.message_date.read.is_none())
                .count();
            offset += n as u32;
            if n == 0 || u64::from(offset) >= page.paging.total.unwrap_or(0) {
                break;
            }
        }
        truth
            .conversations
            .insert(*conversation, (messages, unread));
    }
    truth
}

/// The same, from the cache.
pub fn cached(inbox: &Inbox, account: i64) -> Truth {
    inbox
        .store()
        .read(|c| {
            let mut truth = Truth::default();
            let mut stmt = c.prepare(
                "SELECT l.conversation_id, l.system_stage, l.unread_count,
                        (SELECT COUNT(*) FROM messages m WHERE m.lead_id = l.id)
                 FROM leads l WHERE l.account_id = ?1",
            )?;
            let rows = stmt.query_map([account], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            for row in rows {
                let (conversation, stage, unread, messages) = row?;
                let stage = SystemStage::from_key(&stage).expect("known stage");
                *truth.stages.entry(stage.key()).or_default() += 1;
                truth
                    .conversations
                    .insert(conversation, (messages as usize, unread as usize));
            }
            Ok(truth)
        })
        .expect("cache reads")
}

/// The lead of a conversation in the cache.
pub fn lead_of(inbox: &Inbox, account: i64, conversation: u64) -> i64 {
    inbox
        .store()
        .read(|c| inbox::store::leads::find(c, account, conversation as i64))
        .expect("reads")
        .expect("lead cached")
}

/// Connects `seller` of the simulator and waits until its first import is in.
pub async fn connected(sim: &Simulator, inbox: &Inbox, seller: u64) -> i64 {
    let account = inbox
        .connect_with_client(client(sim, seller), sync_config())
        .await
        .expect("connects");
    sync_online(inbox, account).await;
    account
}

/// A lead's stage key and tags, from the cache.
pub fn stage_and_tags(inbox: &Inbox, lead: i64) -> (String, String) {
    inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT system_stage, tags FROM leads WHERE id = ?1",
                [lead],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .expect("reads")
}

/// A paid sale of the MLA seller with shipping outside Mercado Envíos 2, so the seller may
/// write first (no action guide), created `minutes_ago`.
pub fn plain_sale(sim: &Simulator, status: meli_sim::OrderStatus) -> meli_sim::CreatedSale {
    sim.control()
        .create_sale(
            meli_sim::NewSale::new(MLA)
                .status(status)
                .logistic(meli_sim::LogisticType::Custom)
                .created_minutes_ago(5),
        )
        .expect("sale created")
}

pub fn draft(text: &str) -> inbox::ipc::DraftDto {
    inbox::ipc::DraftDto {
        text: text.into(),
        files: Vec::new(),
        guide: None,
    }
}

/// The refusal code the rules give for `text` on `lead` now, `None` if it may go.
pub async fn refusal(inbox: &Inbox, lead: i64, text: &str) -> Option<String> {
    inbox
        .check_send(lead, draft(text))
        .await
        .expect("check")
        .refusal
        .map(|r| r.code().to_owned())
}

/// How many times the buyer can see `text` in the conversation.
pub fn buyer_sees(sim: &Simulator, conversation: u64, text: &str) -> usize {
    sim.control()
        .buyer_sees(conversation)
        .expect("conversation")
        .iter()
        .filter(|t| *t == text)
        .count()
}

/// The outbox state of every draft of the lead.
pub fn outbox_states(inbox: &Inbox, lead: i64) -> Vec<(String, Option<String>)> {
    inbox
        .store()
        .read(|c| {
            let mut stmt =
                c.prepare("SELECT state, reason FROM outbox WHERE lead_id = ?1 ORDER BY id")?;
            let rows = stmt.query_map([lead], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .expect("reads")
}
