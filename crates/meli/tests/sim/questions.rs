//! Pre-sale questions: search, one question, answering and its documented errors, the
//! blacklist, response time and listings, the client against the simulator.

use meli::models::{AnswerStatus, QuestionStatus};
use meli::{ListingAnswer, MeliError, QuestionQuery, SortDirection};
use meli_sim::{AskQuestion, FaultKind, FaultRule, SimConfig, SELLER_MLA};

use crate::support::*;

fn listing(sim: &meli_sim::Simulator, n: usize) -> String {
    sim.control().listings(SELLER_MLA)[n].id.clone()
}

fn ask(sim: &meli_sim::Simulator, item: &str, text: &str) -> meli_sim::AskedQuestion {
    sim.control()
        .ask_question(AskQuestion::new(item, text))
        .expect("asks")
}

#[tokio::test]
async fn a_question_is_found_by_status_and_read_by_id() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let item = listing(&sim, 0);
    let asked = ask(&sim, &item, "¿Tenés stock del termo?");
    let page = client
        .search_questions(&QuestionQuery::seller(SELLER).status(QuestionStatus::Unanswered))
        .await
        .expect("search");
    assert_eq!(page.total, Some(1));
    let q = &page.questions[0];
    assert_eq!(q.id, asked.question_id as i64);
    assert_eq!(q.item_id.as_deref(), Some(item.as_str()));
    assert_eq!(q.text, "¿Tenés stock del termo?");
    assert_eq!(q.asker_id(), Some(asked.buyer_id as i64));
    assert!(q.is_answerable());
    assert!(q.date_created.is_some());
    assert_eq!(q.raw["status"], "UNANSWERED");
    let answered = client
        .search_questions(&QuestionQuery::seller(SELLER).status(QuestionStatus::Answered))
        .await
        .expect("search answered");
    assert_eq!(answered.total, Some(0));

    let one = client.question(q.id).await.expect("by id");
    assert_eq!(one.buyer_id, Some(asked.buyer_id as i64));
    assert!(one.last_updated.is_some());
    assert_eq!(one.from.and_then(|f| f.answered_questions), Some(0));

    let mine = client
        .received_questions(None, 0, 50)
        .await
        .expect("my received questions");
    assert_eq!(mine.questions.len(), 1);
}

#[tokio::test]
async fn searches_sort_page_and_stop_at_the_offset_cap() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let item = listing(&sim, 1);
    for n in 0..7 {
        sim.control()
            .ask_question(AskQuestion {
                item_id: item.clone(),
                text: format!("Pregunta {n}"),
                minutes_ago: 100 - n,
                buyer_id: None,
            })
            .expect("asks");
    }
    let mut query = QuestionQuery::seller(SELLER);
    query.limit = 3;
    let newest = client.search_questions(&query).await.expect("page");
    assert_eq!(newest.total, Some(7));
    let texts: Vec<&str> = newest.questions.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(texts, ["Pregunta 6", "Pregunta 5", "Pregunta 4"]);
    query.sort = SortDirection::Asc;
    query.offset = 6;
    let last = client.search_questions(&query).await.expect("last page");
    assert_eq!(last.questions.len(), 1);
    assert_eq!(last.questions[0].text, "Pregunta 6");

    // Past the documented cap the simulator answers 400, and the client refuses before asking.
    query.offset = 1001;
    let err = client.search_questions(&query).await.expect_err("cap");
    assert!(matches!(err, MeliError::BadRequest { .. }), "{err:?}");
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/questions/search?seller_id={SELLER}&api_version=4&offset=1001",
            sim.base_url()
        ))
        .bearer_auth(
            sim.control()
                .issue_token(SELLER_MLA)
                .expect("token")
                .access_token,
        )
        .send()
        .await
        .expect("raw search");
    assert_eq!(raw.status(), 400);
}

#[tokio::test]
async fn an_answer_is_posted_once_and_a_second_is_refused() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let asked = ask(&sim, &listing(&sim, 2), "¿Hacen factura A?");
    let id = asked.question_id as i64;
    let q = client
        .answer_question(id, "Sí, hacemos factura A.")
        .await
        .expect("answers");
    assert_eq!(q.status, Some(QuestionStatus::Answered));
    let answer = q.answer.expect("answer");
    assert_eq!(answer.text, "Sí, hacemos factura A.");
    assert_eq!(answer.status, Some(AnswerStatus::Active));

    let again = client
        .answer_question(id, "Otra respuesta")
        .await
        .expect_err("second answer");
    assert_eq!(again.code(), "question_not_answerable", "{again:?}");
    let stored = sim.control().question(asked.question_id).expect("stored");
    assert_eq!(stored.answers_accepted, 1);
    assert_eq!(stored.answer_posts, 2);
    assert_eq!(
        stored.answer.map(|a| a.text).as_deref(),
        Some("Sí, hacemos factura A.")
    );
}

#[tokio::test]
async fn documented_answer_errors() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let asked = ask(&sim, &listing(&sim, 3), "¿Es original?");
    let id = asked.question_id as i64;
    let long = "a".repeat(2_001);
    let err = client.answer_question(id, &long).await.expect_err("2001");
    assert!(matches!(err, MeliError::TextTooLong { .. }), "{err:?}");
    assert!(client.answer_question(id, &"ñ".repeat(2_000)).await.is_ok());

    let unknown = client
        .answer_question(999, "hola")
        .await
        .expect_err("unknown question");
    assert_eq!(unknown.code(), "question_not_answerable");

    // invalid_post_body and a non-integer id, straight at the endpoint.
    let token = sim
        .control()
        .issue_token(SELLER_MLA)
        .expect("token")
        .access_token;
    let http = reqwest::Client::new();
    for (body, code) in [
        (
            serde_json::json!({"question_id": id, "texto": "x"}),
            "invalid_post_body",
        ),
        (serde_json::json!({"question_id": id}), "invalid_post_body"),
        (
            serde_json::json!({"question_id": "abc", "text": "x"}),
            "invalid_question",
        ),
    ] {
        let r = http
            .post(format!("{}/answers", sim.base_url()))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 400, "{body}");
        let json: serde_json::Value = r.json().await.expect("json");
        assert_eq!(json["error"], code, "{body}");
    }
}

#[tokio::test]
async fn closed_banned_deleted_held_and_reviewed_questions_cannot_be_answered() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let c = sim.control();
    let closed_item = listing(&sim, 4);
    let closed = ask(&sim, &closed_item, "¿Sigue disponible?");
    assert_eq!(c.close_listing(&closed_item).expect("closes"), 1);
    let banned = ask(&sim, &listing(&sim, 5), "texto prohibido");
    c.ban_question(banned.question_id).expect("bans");
    let deleted = ask(&sim, &listing(&sim, 5), "borrame");
    c.delete_question(deleted.question_id).expect("deletes");
    let held = ask(&sim, &listing(&sim, 5), "en espera");
    c.hold_question(held.question_id, true).expect("holds");
    let reviewed = ask(&sim, &listing(&sim, 5), "en revisión");
    c.review_question(reviewed.question_id).expect("reviews");

    let q = client
        .question(closed.question_id as i64)
        .await
        .expect("closed");
    assert_eq!(q.status, Some(QuestionStatus::ClosedUnanswered));
    let q = client
        .question(banned.question_id as i64)
        .await
        .expect("banned");
    assert_eq!(q.status, Some(QuestionStatus::Banned));
    assert_eq!(q.text, "", "banned text is empty");
    let q = client
        .question(held.question_id as i64)
        .await
        .expect("held");
    assert!(q.is_on_hold());
    assert!(!q.is_answerable());

    for asked in [closed, banned, deleted, held, reviewed] {
        let err = client
            .answer_question(asked.question_id as i64, "respuesta")
            .await
            .expect_err("refused");
        assert_eq!(err.code(), "question_not_answerable", "{asked:?}");
    }
    // A closed listing takes no new questions.
    assert!(c
        .ask_question(AskQuestion::new(closed_item, "¿Y ahora?"))
        .is_err());
}

#[tokio::test]
async fn a_banned_answer_comes_back_empty_with_its_status() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let asked = ask(&sim, &listing(&sim, 0), "¿Me pasás tu WhatsApp?");
    client
        .answer_question(asked.question_id as i64, "Escribime al 11 5555 1234")
        .await
        .expect("answers");
    sim.control().ban_answer(asked.question_id).expect("bans");
    let q = client
        .question(asked.question_id as i64)
        .await
        .expect("reads");
    assert_eq!(q.status, Some(QuestionStatus::Answered));
    let answer = q.answer.expect("answer");
    assert_eq!(answer.status, Some(AnswerStatus::Banned));
    assert_eq!(answer.text, "");
}

#[tokio::test]
async fn a_lost_answer_response_is_not_retried() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let asked = ask(&sim, &listing(&sim, 1), "¿Envío a Rosario?");
    // The answer is processed, then its response is mangled: the outcome is unknown.
    sim.control()
        .inject_fault(FaultRule::next(1, "/answers", FaultKind::TruncatedBody));
    let err = client
        .answer_question(asked.question_id as i64, "Sí, enviamos.")
        .await
        .expect_err("lost response");
    assert!(
        matches!(
            err,
            MeliError::Decode { .. } | MeliError::SendOutcomeUnknown { .. }
        ),
        "{err:?}"
    );
    sim.control()
        .inject_fault(FaultRule::next(1, "/answers", FaultKind::ServerError));
    let asked2 = ask(&sim, &listing(&sim, 1), "¿Y a Mendoza?");
    let err = client
        .answer_question(asked2.question_id as i64, "También.")
        .await
        .expect_err("500");
    assert_eq!(err.code(), "send_outcome_unknown");
    let posts: usize = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == "POST /answers")
        .count();
    assert_eq!(posts, 2, "each answer was posted exactly once");
    assert_eq!(
        sim.control()
            .question(asked.question_id)
            .map(|q| q.answers_accepted),
        Some(1)
    );
}

#[tokio::test]
async fn the_blacklist_blocks_a_buyer_from_asking() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let item = listing(&sim, 0);
    let asked = ask(&sim, &item, "Hola");
    let buyer = asked.buyer_id;
    assert!(client
        .questions_blacklist(SELLER, 0, 50)
        .await
        .expect("empty")
        .users
        .is_empty());
    client
        .block_asker(SELLER, buyer as i64)
        .await
        .expect("blocks");
    let list = client
        .questions_blacklist(SELLER, 0, 50)
        .await
        .expect("list");
    assert_eq!(list.paging.total, Some(1));
    assert_eq!(list.users[0].id, buyer as i64);
    assert!(sim
        .control()
        .ask_question(AskQuestion::new(item.clone(), "¿Otra vez?").buyer(buyer))
        .is_err());
    client
        .unblock_asker(SELLER, buyer as i64)
        .await
        .expect("unblocks");
    assert!(sim
        .control()
        .ask_question(AskQuestion::new(item, "¿Ahora sí?").buyer(buyer))
        .is_ok());
    let err = client
        .unblock_asker(SELLER, buyer as i64)
        .await
        .expect_err("not blocked");
    assert!(matches!(err, MeliError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn response_time_is_404_until_there_are_questions_then_follows_the_rules() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    assert_eq!(client.response_time(SELLER).await.expect("none"), None);
    let item = listing(&sim, 0);
    let first = sim
        .control()
        .ask_question(AskQuestion {
            item_id: item.clone(),
            text: "Primera".into(),
            minutes_ago: 90,
            buyer_id: None,
        })
        .expect("asks");
    // The same buyer again on the same listing does not count.
    sim.control()
        .ask_question(AskQuestion {
            item_id: item,
            text: "Segunda".into(),
            minutes_ago: 30,
            buyer_id: Some(first.buyer_id),
        })
        .expect("asks again");
    sim.control()
        .answer_on_site(first.question_id, "Respuesta")
        .expect("answers");
    let rt = client
        .response_time(SELLER)
        .await
        .expect("reads")
        .expect("has a figure");
    assert_eq!(rt.user_id, Some(SELLER));
    assert_eq!(rt.total.and_then(|b| b.response_time), Some(90.0));
    let bands = [
        rt.weekend,
        rt.weekdays_working_hours,
        rt.weekdays_extra_hours,
    ];
    assert!(bands.iter().all(Option::is_some));
}

#[tokio::test]
async fn listings_come_in_batches_of_twenty_each_id_with_its_code() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    let mut ids: Vec<String> = sim
        .control()
        .listings(SELLER_MLA)
        .into_iter()
        .map(|l| l.id)
        .collect();
    let listed = ids.len();
    sim.control().hide_listing(&ids[1]).expect("hides");
    ids.extend((0..15).map(|n| format!("MLA{}", 9_000_000 + n)));
    assert!(ids.len() > 20);
    sim.control().clear_requests();
    let answers = client.listings(&ids).await.expect("listings");
    assert_eq!(answers.len(), ids.len(), "one answer per id");
    let found: Vec<&meli::models::ListingSummary> = answers
        .iter()
        .filter_map(|a| match a {
            ListingAnswer::Found(l) => Some(l),
            ListingAnswer::Refused { .. } => None,
        })
        .collect();
    assert_eq!(found.len(), listed - 1);
    assert!(found
        .iter()
        .all(|l| l.title.is_some() && l.picture().is_some()));
    assert_eq!(
        answers[1],
        ListingAnswer::Refused {
            id: ids[1].clone(),
            code: 403
        }
    );
    assert!(answers[listed..]
        .iter()
        .all(|a| matches!(a, ListingAnswer::Refused { code: 404, .. })));
    let calls: Vec<String> = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == "GET /items")
        .filter_map(|r| r.query.clone())
        .collect();
    assert_eq!(calls.len(), 2);

    // More than twenty ids in one call is refused, as Mercado Libre does.
    let raw = reqwest::Client::new()
        .get(format!("{}/items", sim.base_url()))
        .query(&[("ids", ids[..21].join(","))])
        .bearer_auth(issued(&sim, SELLER_MLA).access_token.expose())
        .send()
        .await
        .expect("answers");
    assert_eq!(raw.status().as_u16(), 400);

    // The pictures are real images on the simulator's own address, fetched without a token.
    let jpeg = client
        .picture(found[0].picture().expect("picture"))
        .await
        .expect("downloads");
    assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
    let png = client
        .picture(found[1].picture().expect("picture"))
        .await
        .expect("downloads");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(sim
        .control()
        .requests()
        .iter()
        .any(|r| r.endpoint == "GET /pictures/{name}"));

    // An image host the configuration does not name is never asked.
    let elsewhere = "https://example.test/D_1-MLA1-I.jpg";
    assert!(matches!(
        client.picture(elsewhere).await,
        Err(MeliError::PictureRefused { .. })
    ));
    // Nor is a picture larger than a thumbnail kept.
    sim.control()
        .set_picture(&found[1].id, meli_sim::PictureKind::Oversized)
        .expect("set");
    assert!(matches!(
        client.picture(found[1].picture().expect("picture")).await,
        Err(MeliError::PictureRefused { .. })
    ));
}

#[tokio::test]
async fn the_demo_has_questions_in_every_status_and_both_languages() {
    let sim = sim_with(SimConfig::demo()).await;
    let counts = sim.control().question_counts(SELLER_MLA);
    for status in [
        "UNANSWERED",
        "ANSWERED",
        "BANNED",
        "DELETED",
        "CLOSED_UNANSWERED",
        "UNDER_REVIEW",
    ] {
        assert!(
            counts.get(status).copied().unwrap_or(0) > 0,
            "{status}: {counts:?}"
        );
    }
    let mlb = sim.control().questions_of(meli_sim::SELLER_MLB);
    assert!(mlb.iter().any(|q| q.text.contains("Olá")));
    let bought = sim
        .control()
        .landmark("question_bought_later")
        .and_then(|id| sim.control().question(id))
        .expect("a buyer who later bought");
    let (client, _) = connected(&sim);
    let mut query = meli::OrderQuery::seller(SELLER);
    let mut bought_it = false;
    loop {
        let page = client.search_orders(&query).await.expect("orders");
        bought_it |= page.results.iter().any(|o| {
            o.buyer.as_ref().map(|b| b.id) == Some(bought.buyer as i64)
                && o.order_items
                    .iter()
                    .any(|i| i.item.id.as_deref() == Some(bought.item_id.as_str()))
        });
        query.offset += 50;
        if page.results.is_empty() || u64::from(query.offset) >= page.paging.total.unwrap_or(0) {
            break;
        }
    }
    assert!(bought_it, "the buyer who asked bought that listing");
    let items: std::collections::HashSet<String> = sim
        .control()
        .questions_of(SELLER_MLA)
        .into_iter()
        .map(|q| q.item_id)
        .collect();
    assert!(items.len() >= 6, "{items:?}");
    assert!(bought.answer.is_some());
}
