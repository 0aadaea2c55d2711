//! Pre-sale questions through the real engine against the simulator: the demo's questions
//! import with its counts per status, polls bring new questions and changes, answers reach
//! Mercado Libre once (faults, offline), refusals come before sending, search finds them.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use inbox::ipc::{QuestionFilter, QuestionStatusFilter, SearchHitKind};
use inbox::Inbox;
use meli_sim::{AskQuestion, FaultKind, FaultRule, SimConfig, Simulator};

/// The cache's count of questions per Mercado Libre status for an account.
fn cached_counts(inbox: &Inbox, account: i64) -> BTreeMap<String, usize> {
    inbox
        .store()
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT status, COUNT(*) FROM questions WHERE account_id = ?1 GROUP BY status",
            )?;
            let rows = stmt.query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<BTreeMap<String, usize>>>()?)
        })
        .expect("reads")
}

fn status_of(inbox: &Inbox, id: u64) -> String {
    inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT status FROM questions WHERE id = ?1",
                [id as i64],
                |r| r.get(0),
            )?)
        })
        .expect("reads")
}

fn answer_states(inbox: &Inbox, question: u64) -> Vec<(String, Option<String>)> {
    inbox
        .store()
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT state, reason FROM answer_outbox WHERE question_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([question as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .expect("reads")
}

fn first_listing(sim: &Simulator) -> String {
    sim.control().listings(MLA)[0].id.clone()
}

fn ask(sim: &Simulator, text: &str) -> meli_sim::AskedQuestion {
    sim.control()
        .ask_question(AskQuestion::new(first_listing(sim), text))
        .expect("asks")
}

/// Passes until the answer's outbox row is settled (sent or failed); bounded.
async fn settle(inbox: &Inbox, account: i64, question: u64) -> Vec<(String, Option<String>)> {
    for _ in 0..20 {
        let _ = inbox.sync_and_wait(account).await;
        let states = answer_states(inbox, question);
        if states.iter().all(|(s, _)| s == "sent" || s == "failed") {
            return states;
        }
    }
    panic!(
        "the answer never settled: {:?}",
        answer_states(inbox, question)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_questions_import_with_the_simulators_counts_and_links_to_leads() {
    let sim = sim(SimConfig::demo()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = connected(&sim, &inbox, MLA).await;
    let truth = sim.control().question_counts(MLA);
    assert_eq!(cached_counts(&inbox, account), truth);
    assert!(truth.len() >= 6, "{truth:?}");

    // Titles and pictures of the listings came with them.
    let page = inbox
        .questions(QuestionFilter::default())
        .await
        .expect("questions");
    assert_eq!(page.unanswered as usize, truth["UNANSWERED"]);
    assert!(page
        .groups
        .iter()
        .all(|g| g.listing.title.is_some() && g.listing.picture.is_some()));
    // The longest-waiting first.
    let waits: Vec<&str> = page
        .groups
        .iter()
        .flat_map(|g| g.questions.iter())
        .filter_map(|q| q.asked_at.as_deref())
        .collect();
    assert!(page.groups[0].questions[0].asked_at.as_deref() == waits.iter().min().copied());

    // The buyer who asked and later bought: the question points at the lead, and back.
    let bought = sim
        .control()
        .landmark("question_bought_later")
        .expect("landmark");
    let detail = inbox.open_question(bought as i64).await.expect("opens");
    let lead = detail.question.lead_id.expect("linked to the lead");
    let of_lead = inbox.lead_questions(lead).await.expect("lead's questions");
    assert!(of_lead.iter().any(|q| q.id == bought as i64));

    // A banned answer shows as banned.
    let banned_answer = sim
        .control()
        .landmark("question_banned_answer")
        .expect("landmark");
    let q = inbox
        .open_question(banned_answer as i64)
        .await
        .expect("opens")
        .question;
    assert_eq!(q.answer.map(|a| a.status).as_deref(), Some("banned"));
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_question_arrives_at_the_next_poll_and_one_answered_on_the_site_leaves() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let early = ask(&sim, "¿Tenés el termo en negro?");
    let account = connected(&sim, &inbox, MLA).await;
    assert_eq!(status_of(&inbox, early.question_id), "UNANSWERED");

    sim.control().advance_clock(Duration::from_secs(60));
    let fresh = ask(&sim, "¿Llega antes del viernes?");
    let mut events = inbox.subscribe();
    sync_online(&inbox, account).await;
    assert_eq!(status_of(&inbox, fresh.question_id), "UNANSWERED");
    let mut notes = Vec::new();
    while let Ok(batch) = events.try_recv() {
        notes.extend(batch.question_notes);
    }
    assert!(
        notes
            .iter()
            .any(|n| n.question_id == fresh.question_id as i64 && n.excerpt.contains("viernes")),
        "{notes:?}"
    );
    assert_eq!(inbox.unread_questions().await.expect("count"), 2);

    // Answered on Mercado Libre's site: it leaves "unanswered" at the next poll.
    sim.control()
        .answer_on_site(early.question_id, "Sí, en negro también.")
        .expect("answers on the site");
    sim.control().advance_clock(Duration::from_secs(60));
    sync_online(&inbox, account).await;
    assert_eq!(status_of(&inbox, early.question_id), "ANSWERED");
    let page = inbox
        .questions(QuestionFilter::default())
        .await
        .expect("page");
    let ids: Vec<i64> = page
        .groups
        .iter()
        .flat_map(|g| g.questions.iter().map(|q| q.id))
        .collect();
    assert_eq!(ids, [fresh.question_id as i64]);
    let answered = inbox
        .questions(QuestionFilter {
            status: QuestionStatusFilter::Answered,
            ..QuestionFilter::default()
        })
        .await
        .expect("answered");
    assert_eq!(answered.groups[0].questions[0].id, early.question_id as i64);

    // Deleted and banned on Mercado Libre show so at the next poll too.
    sim.control()
        .delete_question(fresh.question_id)
        .expect("deletes");
    sim.control().advance_clock(Duration::from_secs(60));
    sync_online(&inbox, account).await;
    assert_eq!(status_of(&inbox, fresh.question_id), "DELETED");
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_poll_with_questions_costs_one_request_more() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    ask(&sim, "¿Hay stock?");
    let account = connected(&sim, &inbox, MLA).await;
    sync_online(&inbox, account).await;
    sim.control().advance_clock(Duration::from_secs(60));
    assert_eq!(
        pass_endpoints(&sim, &inbox, account).await,
        [
            "GET /messages/unread",
            "GET /orders/search",
            "GET /questions/search"
        ],
        "an idle poll"
    );
    inbox.stop_sync().await;
}

/// With the app's cadence, the passes between two polls of the questions cost the orders
/// search and the unread list only; a question asked meanwhile shows at the pass where the
/// questions are due, and an answer sent has them polled at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_are_polled_on_their_own_cadence() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let every = inbox::sync::SyncConfig::default().questions_every;
    assert!(every >= Duration::from_secs(60), "{every:?}");
    let account = inbox
        .connect_with_client(
            client(&sim, MLA),
            inbox::sync::SyncConfig {
                questions_every: every,
                ..sync_config()
            },
        )
        .await
        .expect("connects");
    sync_online(&inbox, account).await;
    let base = ["GET /messages/unread", "GET /orders/search"];
    let with_questions = [
        "GET /messages/unread",
        "GET /orders/search",
        "GET /questions/search",
    ];

    // Half a cadence later: nothing is due but the base poll, and a new question waits.
    sim.control().advance_clock(every / 2);
    let asked = ask(&sim, "¿Hay stock del termo?");
    assert_eq!(pass_endpoints(&sim, &inbox, account).await, base);
    assert!(
        cached_counts(&inbox, account).is_empty(),
        "the new question waits for the cadence"
    );

    // A whole cadence after the last poll: the questions are read and the new one shows
    // (with its listing's title and picture and its asker's name, read once).
    sim.control().advance_clock(every / 2);
    let endpoints = pass_endpoints(&sim, &inbox, account).await;
    let fetcher = ["GET /items", "GET /pictures/{name}", "GET /users/{id}"];
    assert_eq!(
        endpoints
            .iter()
            .filter(|e| !fetcher.contains(&e.as_str()))
            .collect::<Vec<_>>(),
        with_questions
    );
    assert_eq!(status_of(&inbox, asked.question_id), "UNANSWERED");

    // The seller answers: the pass that sends it polls the questions at once.
    sim.control().advance_clock(Duration::from_secs(1));
    inbox
        .answer_question(asked.question_id as i64, "Sí, hay stock.".into())
        .await
        .expect("queued");
    let endpoints = pass_endpoints(&sim, &inbox, account).await;
    assert!(
        endpoints.iter().any(|e| e == "POST /answers")
            && endpoints.iter().any(|e| e == "GET /questions/search"),
        "{endpoints:?}"
    );
    assert_eq!(status_of(&inbox, asked.question_id), "ANSWERED");
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_reaches_mercado_libre_once_and_the_question_moves_to_answered() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let asked = ask(&sim, "¿Hacen factura A?");
    let account = connected(&sim, &inbox, MLA).await;
    let id = asked.question_id as i64;
    inbox
        .answer_question(id, "Sí, hacemos factura A.".into())
        .await
        .expect("queued");
    assert_eq!(
        settle(&inbox, account, asked.question_id).await,
        [("sent".to_owned(), None)]
    );
    assert_eq!(status_of(&inbox, asked.question_id), "ANSWERED");
    let stored = sim
        .control()
        .question(asked.question_id)
        .expect("in the sim");
    assert_eq!(stored.answers_accepted, 1);
    assert_eq!(stored.answer_posts, 1);
    // A second answer is refused before it is stored.
    let err = inbox
        .answer_question(id, "Otra".into())
        .await
        .expect_err("refused");
    assert_eq!(err.code(), "question_not_answerable");

    // Banned afterwards: the sweep (every few minutes) shows it banned.
    sim.control().ban_answer(asked.question_id).expect("bans");
    sim.control().advance_clock(Duration::from_secs(6 * 60));
    sync_online(&inbox, account).await;
    let q = inbox.open_question(id).await.expect("opens").question;
    let answer = q.answer.expect("answer");
    assert_eq!(answer.status, "banned");
    assert_eq!(
        answer.text, "Sí, hacemos factura A.",
        "our own text is kept"
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_goes_once_under_faults_and_after_being_offline() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let lost = ask(&sim, "¿Envían a Rosario?");
    let dropped = ask(&sim, "¿Y a Mendoza?");
    let offline = ask(&sim, "¿Y a Salta?");
    let account = connected(&sim, &inbox, MLA).await;

    // A 500 before Mercado Libre processed it: the outcome is unknown, so the question is read
    // first; still unanswered, the answer is posted (and processed) once.
    sim.control()
        .inject_fault(FaultRule::next(1, "/answers", FaultKind::ServerError));
    inbox
        .answer_question(lost.question_id as i64, "Sí, a Rosario.".into())
        .await
        .expect("queued");
    assert_eq!(
        settle(&inbox, account, lost.question_id).await,
        [("sent".to_owned(), None)]
    );
    // Processed, then the response is cut: settled by reading, never posted again.
    sim.control()
        .inject_fault(FaultRule::next(1, "/answers", FaultKind::TruncatedBody));
    inbox
        .answer_question(dropped.question_id as i64, "Sí, a Mendoza.".into())
        .await
        .expect("queued");
    assert_eq!(
        settle(&inbox, account, dropped.question_id).await,
        [("sent".to_owned(), None)]
    );
    for q in [&lost, &dropped] {
        let stored = sim.control().question(q.question_id).expect("stored");
        assert_eq!(stored.answers_accepted, 1, "{q:?}");
        assert_eq!(stored.answer_posts, 1, "{q:?}");
    }

    // Offline: every request fails; the answer waits, then goes once.
    sim.control()
        .inject_fault(FaultRule::rate(100, "/", FaultKind::DropConnection));
    inbox
        .answer_question(offline.question_id as i64, "Sí, a Salta.".into())
        .await
        .expect("queued while offline");
    for _ in 0..3 {
        let _ = inbox.sync_and_wait(account).await;
    }
    assert_eq!(
        sim.control()
            .question(offline.question_id)
            .map(|q| q.answers_accepted),
        Some(0)
    );
    sim.control().clear_faults();
    assert_eq!(
        settle(&inbox, account, offline.question_id).await,
        [("sent".to_owned(), None)]
    );
    let stored = sim.control().question(offline.question_id).expect("stored");
    assert_eq!(stored.answers_accepted, 1);
    assert_eq!(stored.answer_posts, 1);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_come_before_sending_with_stable_codes() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let asked = ask(&sim, "¿Tiene garantía?");
    let held = ask(&sim, "¿Y en cuotas?");
    sim.control()
        .hold_question(held.question_id, true)
        .expect("holds");
    let account = connected(&sim, &inbox, MLA).await;
    let id = asked.question_id as i64;
    let code = |r: inbox::error::Result<()>| r.err().map(|e| e.code().to_owned());
    assert_eq!(
        code(inbox.check_answer(id, "a".repeat(2_001)).await).as_deref(),
        Some("answer_too_long")
    );
    assert_eq!(
        code(inbox.check_answer(id, "   ".into()).await).as_deref(),
        Some("answer_empty")
    );
    assert_eq!(code(inbox.check_answer(id, "ñ".repeat(2_000)).await), None);
    let err = inbox
        .answer_question(id, "a".repeat(2_001))
        .await
        .expect_err("refused");
    assert_eq!(err.code(), "answer_too_long");
    assert_eq!(
        code(
            inbox
                .check_answer(held.question_id as i64, "Sí".into())
                .await
        )
        .as_deref(),
        Some("question_not_answerable")
    );
    // Nothing reached Mercado Libre.
    sync_online(&inbox, account).await;
    assert!(answer_states(&inbox, asked.question_id).is_empty());
    assert!(sim
        .control()
        .requests()
        .iter()
        .all(|r| r.endpoint != "POST /answers"));

    // Closed on Mercado Libre after the answer was queued: the sender's second check fails it.
    inbox
        .answer_question(id, "Sí, 6 meses.".into())
        .await
        .expect("queued");
    sim.control()
        .close_listing(&first_listing(&sim))
        .expect("closes");
    let states = settle(&inbox, account, asked.question_id).await;
    assert_eq!(states.len(), 1);
    assert_eq!(states[0].0, "failed");
    assert_eq!(states[0].1.as_deref(), Some("question_not_answerable"));
    assert_eq!(status_of(&inbox, asked.question_id), "CLOSED_UNANSWERED");
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_questions_and_says_so() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let asked = ask(&sim, "¿La mochila es impermeable de verdad?");
    let account = connected(&sim, &inbox, MLA).await;
    let results = inbox
        .search("impermeable".into(), None, None)
        .await
        .expect("search");
    let hit = results
        .questions
        .iter()
        .find(|h| h.question_id == Some(asked.question_id as i64))
        .expect("a question hit");
    assert_eq!(hit.kind, SearchHitKind::Question);
    assert!(hit.snippet.contains("impermeable"));
    assert_eq!(hit.account_id, account);
    // Diacritics are ignored, as for messages.
    let plain = inbox
        .search("mochila".into(), Some(account), None)
        .await
        .expect("search");
    assert_eq!(plain.questions.len(), 1);
    inbox.stop_sync().await;
}
