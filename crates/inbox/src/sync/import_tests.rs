//! The order import against the simulator's bulk world over loopback: a seller whose history
//! holds far more orders than one search can page through.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use meli::auth::{AppCredentials, MemoryTokenStore, StoredTokens};
use meli::{Client, ClientConfig, OrderQuery, Secret, Site};
use meli_sim::{SimConfig, Simulator};

use super::account::{AccountParts, AccountSync};
use super::import::{ImportCursor, SEARCH_CAP};
use super::state::AccountStates;
use super::SyncConfig;
use crate::events::EventBus;
use crate::store::accounts;
use crate::store::testing::temp_store;

fn client(sim: &Simulator, seller: u64) -> Client {
    let app = sim.app();
    let creds = AppCredentials {
        client_id: app.client_id.to_string(),
        client_secret: Secret::new(app.client_secret),
        redirect_uri: app.redirect_uri,
    };
    let config = ClientConfig::new(Site::Argentina, creds)
        .with_bases(sim.base_url(), sim.auth_base_url())
        .for_loopback();
    let pair = sim.control().issue_token(seller).expect("a token");
    let token: meli::models::Token =
        serde_json::from_value(serde_json::to_value(pair).expect("json")).expect("parses");
    let store = Arc::new(MemoryTokenStore::new(Some(StoredTokens::from_token(
        token,
        Utc::now(),
    ))));
    Client::new(config, store).expect("client")
}

/// An account of `seller` on `sim`, a year of history to import, and its empty cursor.
struct Importing {
    _dir: tempfile::TempDir,
    store: crate::store::Store,
    account: i64,
    sync: AccountSync,
    cursor: ImportCursor,
}

fn importing(sim: &Simulator, seller: u64) -> Importing {
    let (dir, store) = temp_store();
    let control = sim.control();
    let clock: crate::Clock = Arc::new(move || control.now());
    let now = clock();
    let account = store
        .write(|tx| accounts::connect(tx, seller as i64, "MLA", None, now))
        .expect("account");
    let sync_config = SyncConfig {
        history_days: 365,
        ..SyncConfig::default()
    };
    let sync = AccountSync::new(AccountParts {
        store: store.clone(),
        client: client(sim, seller),
        account_id: account,
        seller_id: seller as i64,
        label: "seller".into(),
        clock,
        config: sync_config,
        cache_dir: dir.path().to_owned(),
        events: EventBus::default(),
        states: Arc::new(AccountStates::default()),
    });
    let cursor = ImportCursor {
        started: now,
        from: now - Duration::days(365),
        offset: 0,
        orders_done: false,
        windows: Vec::new(),
        pages: 0,
        expected_pages: 0,
    };
    Importing {
        _dir: dir,
        store,
        account,
        sync,
        cursor,
    }
}

fn stored_orders(run: &Importing) -> u64 {
    run.store
        .read(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM orders WHERE account_id = ?1",
                [run.account],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .expect("a count") as u64
}

/// Imports `run`'s orders from its empty cursor, checks that all `expected` landed, and returns
/// the order searches the import made.
async fn import_whole(
    sim: &Simulator,
    run: &mut Importing,
    expected: u64,
) -> Vec<meli_sim::LoggedRequest> {
    sim.control().clear_requests();
    run.sync
        .import_orders(&mut run.cursor)
        .await
        .expect("the import");
    assert!(run.cursor.orders_done && run.cursor.windows.is_empty());
    assert_eq!(stored_orders(run), expected, "every order lands");
    sim.control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "GET /orders/search")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_of_50_000_orders_imports_whole_by_date_windows() {
    // 100,000 bulk orders alternate between two sellers over 300 days: 50,000 for one.
    let mut config = SimConfig::bulk(100_000, 0);
    config.start_time = Utc.with_ymd_and_hms(2026, 11, 20, 15, 0, 0).single();
    config.rate_limit = None;
    let sim = Simulator::start(config).await.expect("simulator");
    let seller = meli_sim::SELLER_MLA;
    let mut run = importing(&sim, seller);
    let from = run.cursor.from;
    // What Mercado Libre holds for the seller, asked with the same filter.
    let mut count = OrderQuery::seller(seller as i64);
    count.created_from = Some(from);
    count.limit = 1;
    let expected = client(&sim, seller)
        .search_orders(&count)
        .await
        .expect("a count")
        .paging
        .total
        .expect("a total");
    assert!(expected >= 50_000, "{expected} orders");
    assert!(expected > u64::from(SEARCH_CAP) * 40);

    let searches = import_whole(&sim, &mut run, expected).await;
    assert!(
        searches.iter().all(|r| r.status == 200),
        "no search is refused"
    );
    // A window's page is asked once: (from, to, offset) never repeats.
    let mut asked = HashSet::new();
    for r in &searches {
        let query = r.query.clone().unwrap_or_default();
        let key: Vec<String> = query
            .split('&')
            .filter(|p| p.starts_with("order.date_created") || p.starts_with("offset="))
            .map(str::to_owned)
            .collect();
        assert!(asked.insert(key.clone()), "asked twice: {key:?}");
    }
    let minimum = expected.div_ceil(50);
    let requests = searches.len() as u64;
    println!(
        "order import: {expected} orders, {requests} searches (minimum {minimum}), {} pages",
        run.cursor.pages
    );
    // Each part of a split ends on a short page; a split's first page is not asked again.
    assert!(
        requests <= minimum + minimum / 20,
        "{requests} searches for {expected} orders (minimum {minimum})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_whose_sales_came_in_its_last_days_imports_whole() {
    // 2,500 sales in the last ten days of a year's history: the first split's parts are a
    // quarter of the year each, and the one its first page lies in holds every sale, far
    // more than a search can page through. It is split again after that page is kept.
    let config = SimConfig {
        start_time: Utc.with_ymd_and_hms(2026, 11, 20, 15, 0, 0).single(),
        rate_limit: None,
        ..SimConfig::default()
    };
    let sim = Simulator::start(config).await.expect("simulator");
    let seller = meli_sim::SELLER_MLA;
    let sales = 2_500u32;
    let span = 10 * 24 * 60;
    for n in 0..sales {
        sim.control()
            .create_sale(
                meli_sim::NewSale::new(seller).created_minutes_ago(span - n * span / sales),
            )
            .expect("a sale");
    }
    let mut run = importing(&sim, seller);
    let searches = import_whole(&sim, &mut run, u64::from(sales)).await.len();
    // 50 pages at the least. Each split costs a request or two (the page that showed the
    // part too full; each part's short last page) and each empty part one: 64 here.
    assert!(
        searches <= 50 + 16,
        "{searches} searches for {sales} orders"
    );
}
