//! Listings and askers through the real engine against the simulator over loopback: titles
//! and pictures of the cards' and the questions' listings come in batches, once while fresh,
//! within the read budget; a bad picture is refused and the card still shows; askers' names
//! come from the user endpoint once.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use inbox::ipc::{BoardFilter, LeadSummary, QuestionFilter, QuestionStatusFilter};
use inbox::sync::SyncConfig;
use inbox::Inbox;
use meli_sim::{AskQuestion, PictureKind, SimConfig, Simulator};

/// Every card of the board.
async fn cards(inbox: &Inbox) -> Vec<LeadSummary> {
    inbox
        .board(None, BoardFilter::default())
        .await
        .expect("board")
        .into_iter()
        .flat_map(|c| c.leads)
        .collect()
}

/// The ids each `GET /items` request asked for.
fn multigets(sim: &Simulator) -> Vec<Vec<String>> {
    sim.control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "GET /items")
        .map(|r| {
            let query = r.query.unwrap_or_default();
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "ids")
                .map(|(_, v)| v.split(',').map(str::to_owned).collect())
                .unwrap_or_default()
        })
        .collect()
}

/// The user ids `GET /users/{id}` was asked for.
fn users_asked(sim: &Simulator) -> Vec<i64> {
    sim.control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "GET /users/{id}")
        .filter_map(|r| r.path.strip_prefix("/users/")?.parse().ok())
        .collect()
}

/// The ids of everyone who asked the account's questions.
fn askers(inbox: &Inbox, account: i64) -> BTreeSet<i64> {
    inbox
        .store()
        .read(|c| {
            let mut stmt =
                c.prepare("SELECT DISTINCT buyer_id FROM questions WHERE account_id = ?1")?;
            let rows = stmt.query_map([account], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .expect("reads")
}

fn count(sim: &Simulator, endpoint: &str) -> usize {
    sim.control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == endpoint)
        .count()
}

/// The listing ids the cache wants (questions' and cards' first items).
fn wanted(inbox: &Inbox, account: i64) -> BTreeSet<String> {
    inbox
        .store()
        .read(|c| {
            let mut stmt = c.prepare("SELECT item_id FROM listings WHERE account_id = ?1")?;
            let rows = stmt.query_map([account], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .expect("reads")
}

/// Sales of listings 0..3 and questions on listings 2..7 of the MLA seller.
fn seed(sim: &Simulator) -> Vec<String> {
    let listings: Vec<String> = sim
        .control()
        .listings(MLA)
        .into_iter()
        .map(|l| l.id)
        .collect();
    for _ in 0..4 {
        plain_sale(sim, meli_sim::OrderStatus::Paid);
    }
    for (n, item) in listings[2..8].iter().enumerate() {
        sim.control()
            .ask_question(AskQuestion::new(item.clone(), format!("¿Hay stock? {n}")))
            .expect("asks");
    }
    listings
}

async fn connect_with(sim: &Simulator, inbox: &Inbox, config: SyncConfig) -> (i64, meli::Client) {
    let client = client(sim, MLA);
    let account = inbox
        .connect_with_client(client.clone(), config)
        .await
        .expect("connects");
    sync_online(inbox, account).await;
    (account, client)
}

fn is_image(path: &str) -> bool {
    let bytes = std::fs::read(path).expect("the picture file is there");
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_come_in_batches_once_while_fresh_and_their_pictures_show_offline() {
    let World { sim, inbox, dir } = World::start(SimConfig::empty()).await;
    seed(&sim);
    let (account, _) = connect_with(&sim, &inbox, sync_config()).await;

    // One multiget for the cards' and the questions' listings together, never one per id.
    let wanted = wanted(&inbox, account);
    assert!(wanted.len() >= 7, "{wanted:?}");
    let calls = multigets(&sim);
    assert!(!calls.is_empty());
    assert!(calls.iter().all(|ids| !ids.is_empty() && ids.len() <= 20));
    let asked: BTreeSet<String> = calls.iter().flatten().cloned().collect();
    assert_eq!(asked, wanted, "each wanted listing asked for");
    assert_eq!(
        calls.iter().map(Vec::len).sum::<usize>(),
        wanted.len(),
        "none asked twice"
    );
    assert_eq!(calls.len(), wanted.len().div_ceil(20));
    assert_eq!(count(&sim, "GET /items/{id}"), 0);

    // Every card shows its first item's picture from the cache dir, and so does every
    // question's listing.
    let board = cards(&inbox).await;
    assert!(!board.is_empty());
    for card in &board {
        let picture = card.picture.as_deref().expect("a picture on the card");
        assert!(
            picture.starts_with(&*dir.path().to_string_lossy()),
            "{picture}"
        );
        assert!(is_image(picture), "{picture}");
        assert!(card.first_item.is_some());
    }
    let page = inbox
        .questions(QuestionFilter {
            status: QuestionStatusFilter::All,
            ..QuestionFilter::default()
        })
        .await
        .expect("questions");
    assert_eq!(page.groups.len(), 6);
    for group in &page.groups {
        assert!(group.listing.title.is_some());
        assert!(is_image(group.listing.picture.as_deref().expect("picture")));
    }

    // Fresh: the next passes read no listing, no picture, no user.
    sim.control().advance_clock(Duration::from_secs(3600));
    let endpoints = pass_endpoints(&sim, &inbox, account).await;
    for endpoint in ["GET /items", "GET /pictures/{name}", "GET /users/{id}"] {
        assert!(!endpoints.iter().any(|e| e == endpoint), "{endpoints:?}");
    }

    // A day later they are read again, in batches, but the pictures (same address) are not
    // downloaded again.
    sim.control().advance_clock(Duration::from_secs(25 * 3600));
    sim.control().clear_requests();
    sync_online(&inbox, account).await;
    let again: BTreeSet<String> = multigets(&sim).into_iter().flatten().collect();
    assert_eq!(again, wanted);
    assert_eq!(count(&sim, "GET /pictures/{name}"), 0);

    // Offline, the cards keep their pictures.
    inbox.stop_sync().await;
    drop(sim);
    let offline = cards(&inbox).await;
    assert_eq!(offline.len(), board.len());
    assert!(offline
        .iter()
        .all(|c| c.picture.as_deref().is_some_and(is_image)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_picture_is_refused_and_the_card_still_shows() {
    let World { sim, inbox, dir } = World::start(SimConfig::empty()).await;
    let listings = seed(&sim);
    // Pictures that are not pictures, too large, missing; a listing hidden from the app.
    sim.control()
        .set_picture(&listings[2], PictureKind::NotAnImage)
        .expect("set");
    sim.control()
        .set_picture(&listings[3], PictureKind::Oversized)
        .expect("set");
    sim.control()
        .set_picture(&listings[4], PictureKind::Missing)
        .expect("set");
    sim.control().hide_listing(&listings[5]).expect("hide");
    let (account, _) = connect_with(&sim, &inbox, sync_config()).await;

    let page = inbox
        .questions(QuestionFilter {
            status: QuestionStatusFilter::All,
            ..QuestionFilter::default()
        })
        .await
        .expect("questions");
    let group = |item: &str| {
        page.groups
            .iter()
            .find(|g| g.listing.item_id == item)
            .expect("group")
            .listing
            .clone()
    };
    for bad in &listings[2..5] {
        let listing = group(bad);
        assert_eq!(listing.picture, None, "{bad}: no picture kept");
        assert!(listing.title.is_some(), "{bad}: the title still shows");
    }
    let hidden = group(&listings[5]);
    assert_eq!((hidden.title, hidden.picture), (None, None));
    assert!(group(&listings[6]).picture.is_some(), "the others are fine");
    let refused: Vec<(String, Option<String>, Option<i64>)> = inbox
        .store()
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT item_id, picture_refused, error_code FROM listings
                 WHERE account_id = ?1 AND (picture_refused IS NOT NULL OR error_code IS NOT NULL)
                 ORDER BY item_id",
            )?;
            let rows = stmt.query_map([account], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .expect("reads");
    assert_eq!(
        refused,
        [
            (listings[2].clone(), Some("not_an_image".into()), None),
            (listings[3].clone(), Some("too_large".into()), None),
            (listings[4].clone(), Some("not_found".into()), None),
            (listings[5].clone(), None, Some(403)),
        ]
    );
    // Nothing that is not a picture was written to the cache dir.
    for entry in std::fs::read_dir(dir.path().join("cache")).expect("cache dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("pic-") {
            assert!(is_image(&path.to_string_lossy()), "{name}");
        }
        assert!(!name.ends_with(".part"), "{name}");
    }
    // The cards render: with their title, with or without a picture.
    let board = cards(&inbox).await;
    assert!(board.iter().all(|c| c.first_item.is_some()));

    // A refused address is not asked again.
    sim.control().advance_clock(Duration::from_secs(60));
    let endpoints = pass_endpoints(&sim, &inbox, account).await;
    assert!(!endpoints.iter().any(|e| e == "GET /pictures/{name}"));
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fetcher_reads_within_the_budget_and_its_cap() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    seed(&sim);
    // No share of the read budget for the fetcher: the poll goes on, no listing or asker is
    // read, the cards show their titles.
    let stingy = SyncConfig {
        listings_reads_per_minute: 0,
        ..sync_config()
    };
    let (account, _) = connect_with(&sim, &inbox, stingy).await;
    assert_eq!(count(&sim, "GET /items"), 0);
    assert_eq!(count(&sim, "GET /pictures/{name}"), 0);
    let askers = askers(&inbox, account);
    assert!(!askers.is_empty());
    assert!(users_asked(&sim).iter().all(|id| !askers.contains(id)));
    let board = cards(&inbox).await;
    assert!(board
        .iter()
        .all(|c| c.first_item.is_some() && c.picture.is_none()));

    // With a share of a request a minute and a cap of 5 listings a pass: one request of at
    // most 5 ids a minute, until every listing is read, none twice.
    let all = wanted(&inbox, account);
    assert!(all.len() > 5);
    sim.control().clear_requests();
    inbox
        .set_sync_config(SyncConfig {
            listings_per_pass: 5,
            listings_reads_per_minute: 1,
            ..sync_config()
        })
        .await;
    sync_online(&inbox, account).await;
    assert_eq!(multigets(&sim).len(), 1, "one request's worth");
    // The share is earned by the clock: passes at the same time read nothing more...
    sync_online(&inbox, account).await;
    assert_eq!(multigets(&sim).len(), 1, "nothing earned yet");
    // ...and a minute later the fetcher goes on.
    for _ in 1..all.len() {
        sim.control().advance_clock(Duration::from_secs(60));
        sync_online(&inbox, account).await;
    }
    let calls = multigets(&sim);
    assert!(calls.iter().all(|ids| ids.len() <= 5), "{calls:?}");
    assert_eq!(calls.len(), all.len().div_ceil(5), "{calls:?}");
    let read: Vec<String> = calls.into_iter().flatten().collect();
    assert_eq!(read.len(), all.len(), "none twice");
    assert_eq!(read.into_iter().collect::<BTreeSet<_>>(), all);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn askers_names_come_once_from_the_user_endpoint() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let listings = seed(&sim);
    let asked = sim
        .control()
        .ask_question(AskQuestion::new(
            listings[9].clone(),
            "¿Viene con garantía?",
        ))
        .expect("asks");
    let (account, _) = connect_with(&sim, &inbox, sync_config()).await;
    let page = inbox
        .questions(QuestionFilter::default())
        .await
        .expect("questions");
    let questions: Vec<_> = page
        .groups
        .iter()
        .flat_map(|g| g.questions.iter())
        .collect();
    assert!(!questions.is_empty());
    let askers = askers(&inbox, account);
    assert!(askers.contains(&(asked.buyer_id as i64)));
    let mut looked_up = users_asked(&sim);
    looked_up.retain(|id| askers.contains(id));
    looked_up.sort_unstable();
    assert_eq!(
        looked_up,
        askers.iter().copied().collect::<Vec<_>>(),
        "each asker once"
    );

    // Known: not asked again.
    sim.control().advance_clock(Duration::from_secs(60));
    sim.control().clear_requests();
    sync_online(&inbox, account).await;
    assert!(users_asked(&sim).is_empty());

    // The names shown are Mercado Libre's (read with a client of the test's own).
    let reader = client(&sim, MLA);
    for q in &questions {
        let user = reader.user(q.buyer_id).await.expect("the asker exists");
        assert!(user.nickname.is_some());
        assert_eq!(q.buyer, user.nickname, "question {}", q.id);
    }
    inbox.stop_sync().await;
}
