//! Pre-sale questions in the real window: a buyer asks (through `/_sim/`), the question shows
//! with its listing and how long it has waited, the seller answers from the keyboard, it moves
//! to answered and Mercado Libre has the answer once; search finds a question's word and opens
//! it; the same in Portuguese.

use std::future::Future;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::chat::{sync_now, until_connected};
use crate::harness::{test_id, App};
use crate::sim::{Sim, SELLER_MLA};

/// The Brazilian demo seller (`meli_sim::SELLER_MLB`).
const SELLER_MLB: u64 = 415_458_330;

/// The demo's first import keeps to Mercado Libre's request budget; questions come with the
/// pass that ends it, so allow a few minutes.
const IMPORT_WAIT: Duration = Duration::from_secs(240);

/// Polls `check` until it gives a value, asking the engine for a pass between tries. Local so
/// it can move to the harness's shared wait helper in one place.
async fn until<T, F, Fut>(app: &App, what: &str, mut check: F) -> WebDriverResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = WebDriverResult<Option<T>>>,
{
    let deadline = Instant::now() + IMPORT_WAIT;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        sync_now(app).await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}

async fn sim_get(sim: &Sim, path: &str) -> Value {
    reqwest::get(format!("{}{path}", sim.base()))
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("GET {path} json: {e}"))
}

/// A buyer asks on the seller's first listing; returns the question id and the listing title.
async fn buyer_asks(sim: &Sim, seller: u64, text: &str) -> (u64, String) {
    let listings = sim_get(sim, &format!("/_sim/sellers/{seller}/listings")).await;
    let item = listings[0]["id"].as_str().expect("a listing").to_owned();
    let title = listings[0]["title"].as_str().expect("a title").to_owned();
    let asked: Value = reqwest::Client::new()
        .post(format!("{}/_sim/questions", sim.base()))
        .json(&json!({"item_id": item, "text": text}))
        .send()
        .await
        .expect("asks")
        .json()
        .await
        .expect("json");
    (asked["question_id"].as_u64().expect("question id"), title)
}

/// The question's row in the list, once it is there.
async fn question_row(app: &App, id: u64) -> WebDriverResult<WebElement> {
    let css = format!("{}[data-question-id=\"{id}\"]", test_id("questionItem"));
    until(app, "the question in the list", || async {
        Ok(app.driver.find_all(By::Css(&css)).await?.into_iter().next())
    })
    .await
}

/// Answers the selected question from the keyboard: Enter opens the composer, Ctrl+Enter sends.
async fn answer_from_keyboard(app: &App, row: &WebElement, text: &str) -> WebDriverResult<()> {
    row.click().await?;
    row.send_keys(Key::Enter).await?;
    let composer = app.wait_for(&test_id("answerText")).await?;
    let active = app.driver.active_element().await?;
    assert_eq!(
        active.attr("data-testid").await?.as_deref(),
        Some("answer-text"),
        "Enter moves to the composer"
    );
    composer.send_keys(text).await?;
    composer.send_keys(Key::Control + Key::Enter).await?;
    Ok(())
}

/// The simulator's record of the question, once the answer reached it.
async fn answered_on_meli(app: &App, sim: &Sim, id: u64) -> WebDriverResult<Value> {
    until(app, "the answer on Mercado Libre", || async {
        let q = sim_get(sim, &format!("/_sim/questions/{id}")).await;
        Ok((q["status"] == "ANSWERED").then_some(q))
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_buyer_asks_and_the_seller_answers_from_the_keyboard() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("questions-answer").await?;
    app.run(async {
        until_connected(&app).await?;
        let token = format!("zorzal{}", std::process::id());
        let text = format!("¿El termo {token} mantiene el frío todo el día?");
        let (id, title) = buyer_asks(&sim, SELLER_MLA, &text).await;
        app.wait_for(&test_id("navQuestions"))
            .await?
            .click()
            .await?;
        let row = question_row(&app, id).await?;

        // With its listing and how long it has waited.
        assert!(row.text().await?.contains(&token));
        let group = app
            .wait_text(&test_id("questionsView"), |t| t.contains(&title))
            .await?;
        assert!(group.contains(&title), "listing title: {group}");
        // The listing's picture, from the local cache, beside its title and in the opened
        // question's header.
        app.until_picture_shows(&format!(
            "{} {}",
            test_id("questionsGroup"),
            test_id("listingPicture")
        ))
        .await?;
        row.click().await?;
        app.until_picture_shows(&format!(
            "{} header {}",
            test_id("questionsView"),
            test_id("listingPicture")
        ))
        .await?;
        app.snapshot("questions-picture").await?;
        let waiting = row
            .find(By::Css(test_id("questionWaiting")))
            .await?
            .text()
            .await?;
        assert!(waiting.starts_with("waiting"), "waited: {waiting}");
        let count = app
            .wait_for(&test_id("questionsUnread"))
            .await?
            .text()
            .await?;
        assert!(count.parse::<u32>().is_ok_and(|n| n > 0), "unread: {count}");

        let answer = format!("Sí, el {token} mantiene el frío 24 horas.");
        answer_from_keyboard(&app, &row, &answer).await?;
        let q = answered_on_meli(&app, &sim, id).await?;
        assert_eq!(q["answer"]["text"], answer.as_str());
        assert_eq!(
            q["answers_accepted"], 1,
            "the answer reached Mercado Libre once"
        );
        assert_eq!(q["answer_posts"], 1);

        // It left the unanswered list and shows under Answered.
        let css = format!("{}[data-question-id=\"{id}\"]", test_id("questionItem"));
        until(&app, "the question to leave Unanswered", || async {
            Ok(app
                .driver
                .find_all(By::Css(&css))
                .await?
                .is_empty()
                .then_some(()))
        })
        .await?;
        let answered = format!(
            "{} [role=radio]:nth-child(2)",
            test_id("questionsFilterStatus")
        );
        app.wait_for(&answered).await?.click().await?;
        let row = question_row(&app, id).await?;
        row.click().await?;
        app.wait_text(&test_id("questionsView"), |t| t.contains(&answer))
            .await?;

        // Search finds a word of the question and opens it.
        app.wait_for(&test_id("navBoard")).await?.click().await?;
        app.wait_for(&test_id("searchButton"))
            .await?
            .click()
            .await?;
        let input = app.wait_for(&test_id("searchInput")).await?;
        input.send_keys(&token).await?;
        let hit = until(&app, "a question hit", || async {
            Ok(app
                .driver
                .find_all(By::Css(crate::chat::answered_search_result()))
                .await?
                .into_iter()
                .next())
        })
        .await?;
        hit.click().await?;
        let view = app
            .wait_text(&test_id("questionsView"), |t| t.contains(&text))
            .await?;
        assert!(view.contains(&text), "opened from search: {view}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_in_portuguese() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("questions-pt").await?;
    app.run(async {
        until_connected(&app).await?;
        app.wait_for(&test_id("navSettings")).await?.click().await?;
        app.wait_for(&test_id("settingsLanguage"))
            .await?
            .inner("option[value=\"pt-BR\"]")
            .click()
            .await?;
        let nav = app
            .wait_text(&test_id("navQuestions"), |t| t.starts_with("Perguntas"))
            .await?;
        assert!(nav.starts_with("Perguntas"), "{nav}");

        let token = format!("sabia{}", std::process::id());
        let text = format!("Olá, a cafeteira {token} funciona no fogão de indução?");
        let (id, _) = buyer_asks(&sim, SELLER_MLB, &text).await;
        app.wait_for(&test_id("navQuestions"))
            .await?
            .click()
            .await?;
        let row = question_row(&app, id).await?;
        let waiting = row
            .find(By::Css(test_id("questionWaiting")))
            .await?
            .text()
            .await?;
        assert!(waiting.starts_with("aguardando"), "{waiting}");
        // A quick reply from "/" in the answer, then the seller's own words after it.
        row.click().await?;
        row.send_keys(Key::Enter).await?;
        let composer = app.wait_for(&test_id("answerText")).await?;
        composer.send_keys("/prazo").await?;
        app.wait_for(&test_id("quickReplyOption")).await?;
        composer.send_keys(Key::Enter).await?;
        let filled = until(&app, "the quick reply in the answer", || async {
            let value = composer.prop("value").await?.unwrap_or_default();
            Ok(value.contains("24 horas úteis").then_some(value))
        })
        .await?;
        assert!(
            !filled.contains("/prazo"),
            "the slash words replaced: {filled}"
        );
        // The asker's first name is not known before a sale (Mercado Libre gives only a
        // nickname): the variable stays for the seller to complete, and a public answer with
        // it is refused until then.
        assert!(filled.contains("{buyer_first_name}"), "{filled}");
        let refusal = app
            .wait_text(&test_id("answerRefusal"), |t| {
                t.contains("{buyer_first_name}")
            })
            .await?;
        assert!(refusal.starts_with("Substitua"), "{refusal}");
        assert!(
            !app.wait_for(&test_id("answerSend"))
                .await?
                .is_enabled()
                .await?
        );
        app.snapshot("questions-quick-reply").await?;
        composer.clear().await?;
        composer
            .send_keys(format!(
                "{} A {token} funciona em indução.",
                filled.replace("{buyer_first_name}", "Marcos")
            ))
            .await?;
        let answer = composer.prop("value").await?.unwrap_or_default();
        assert!(answer.starts_with("Olá, Marcos"), "{answer}");
        until(&app, "the refusal gone", || async {
            Ok(app
                .driver
                .find_all(By::Css(test_id("answerRefusal")))
                .await?
                .is_empty()
                .then_some(()))
        })
        .await?;
        composer.send_keys(Key::Control + Key::Enter).await?;
        let q = answered_on_meli(&app, &sim, id).await?;
        assert_eq!(q["answer"]["text"], answer.as_str());
        assert_eq!(q["answers_accepted"], 1);
        let css = format!("{}[data-question-id=\"{id}\"]", test_id("questionItem"));
        until(&app, "the question to leave Sem resposta", || async {
            Ok(app
                .driver
                .find_all(By::Css(&css))
                .await?
                .is_empty()
                .then_some(()))
        })
        .await?;
        let filter = app
            .wait_for(&test_id("questionsFilterStatus"))
            .await?
            .text()
            .await?;
        assert!(filter.contains("Sem resposta"), "{filter}");
        Ok(())
    })
    .await
}
