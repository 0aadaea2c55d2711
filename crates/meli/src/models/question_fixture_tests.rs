//! Every published questions payload in `shared/meli-fixtures/questions/` parses into its model
//! with the right values.

use chrono::{TimeZone, Utc};

use super::*;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../../shared/meli-fixtures/questions/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_questions_fixture_is_covered_by_a_test_here() {
    let dir = format!(
        "{}/../../../shared/meli-fixtures/questions",
        env!("CARGO_MANIFEST_DIR")
    );
    let this = include_str!("question_fixture_tests.rs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("questions fixtures dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for n in names {
        assert!(this.contains(&format!("\"{n}\"")), "no test parses {n}");
    }
}

#[test]
fn question_search_by_item_v4() {
    let s: QuestionSearch = parse("question_search_by_item_v4.json");
    assert_eq!(s.total, Some(1));
    assert_eq!(s.limit, Some(50));
    let q = &s.questions[0];
    assert_eq!(q.id, 11436370259);
    assert_eq!(q.item_id.as_deref(), Some("MLB1623490410"));
    assert_eq!(q.seller_id, Some(419059118));
    assert_eq!(q.status, Some(QuestionStatus::Unanswered));
    assert!(q
        .text
        .starts_with("Hola, estoy interesado en Item De Prueba"));
    assert_eq!(q.answer, None);
    assert_eq!(q.asker_id(), Some(419067349));
    assert_eq!(q.hold, Some(false));
    assert_eq!(q.deleted_from_listing, Some(false));
    assert!(q.is_answerable());
    // 13:22:01.600 at -04:00
    assert_eq!(
        q.date_created,
        Utc.with_ymd_and_hms(2020, 8, 20, 17, 22, 1)
            .single()
            .map(|t| t + chrono::Duration::milliseconds(600))
    );
    assert_eq!(q.raw["id"], serde_json::json!(11436370259_i64));
    let f = s.filters.expect("filters");
    assert_eq!(f.item.as_deref(), Some("MLB1623490410"));
    assert_eq!(f.caller, Some(419059118));
    assert_eq!(f.api_version.as_deref(), Some("4"));
}

#[test]
fn my_received_questions_search() {
    let s: QuestionSearch = parse("my_received_questions_search.json");
    assert_eq!(s.total, Some(3));
    assert_eq!(s.questions.len(), 3);
    let ids: Vec<i64> = s.questions.iter().map(|q| q.id).collect();
    assert_eq!(ids, [6940134223, 6994706979, 7101218884]);
    let first = &s.questions[0];
    assert_eq!(first.status, Some(QuestionStatus::Answered));
    let answer = first.answer.as_ref().expect("answer");
    assert_eq!(answer.status, Some(AnswerStatus::Active));
    assert!(answer.text.starts_with("Olá Tudo bem?"));
    assert!(!first.is_answerable());
    // The banned answer keeps its status and comes with empty text.
    let banned = s.questions[1].answer.as_ref().expect("banned answer");
    assert_eq!(banned.status, Some(AnswerStatus::Banned));
    assert_eq!(banned.text, "");
    assert_eq!(
        banned.date_created,
        Utc.with_ymd_and_hms(2020, 4, 26, 14, 14, 18)
            .single()
            .map(|t| t + chrono::Duration::milliseconds(529))
    );
    assert_eq!(s.questions[2].asker_id(), Some(129810625));
    assert_eq!(s.filters.and_then(|f| f.seller), Some(447594313));
}

#[test]
fn answer_post_response() {
    let q: Question = parse("answer_post_response.json");
    assert_eq!(q.id, 3957150025);
    assert_eq!(q.status, Some(QuestionStatus::Answered));
    assert_eq!(q.text, "Test question.");
    assert_eq!(q.item_id.as_deref(), Some("MLA608007087"));
    let a = q.answer.as_ref().expect("answer");
    assert_eq!(a.text, "Test answer...");
    assert_eq!(a.status, Some(AnswerStatus::Active));
    assert_eq!(q.from.as_ref().and_then(|f| f.answered_questions), Some(0));
    assert_eq!(q.asker_id(), Some(207119838));
}

#[test]
fn answer_post_request() {
    let v: serde_json::Value = parse("answer_post_request.json");
    assert_eq!(v["question_id"], serde_json::json!(3957150025_i64));
    assert_eq!(v["text"], "Test answer...");
}

#[test]
fn question_delete_response() {
    let v: Vec<String> = parse("question_delete_response.json");
    assert_eq!(v, ["Question deleted."]);
}

#[test]
fn notification_questions() {
    let n: Notification = parse("notification_questions.json");
    assert_eq!(n.topic, "questions");
    // `user_id` is a string in this example.
    assert_eq!(n.user_id, Some(123456789));
    assert_eq!(n.resource_id(), Some(5036111111));
    assert_eq!(n.attempts, Some(1));
}

#[test]
fn questions_blacklist_list_and_empty() {
    let b: QuestionsBlacklist = parse("questions_blacklist_list.json");
    assert_eq!(b.paging.total, Some(5));
    let ids: Vec<i64> = b.users.iter().map(|u| u.id).collect();
    assert_eq!(ids, [70927648, 170577643, 82411799, 158470042, 194938540]);
    let e: QuestionsBlacklist = parse("questions_blacklist_empty.json");
    assert_eq!(e.paging.total, Some(0));
    assert!(e.users.is_empty());
}

#[test]
fn questions_response_time() {
    let r: ResponseTime = parse("questions_response_time.json");
    assert_eq!(r.user_id, Some(1111111));
    assert_eq!(r.total.as_ref().and_then(|b| b.response_time), Some(22.0));
    let weekend = r.weekend.expect("weekend");
    assert_eq!(weekend.response_time, Some(8.0));
    assert_eq!(weekend.sales_percent_increase, None);
    let extra = r.weekdays_extra_hours.expect("extra hours");
    assert_eq!(extra.response_time, Some(72.0));
    assert_eq!(extra.sales_percent_increase, Some(10.0));
    assert_eq!(
        r.weekdays_working_hours.and_then(|b| b.response_time),
        Some(8.0)
    );
}

#[test]
fn questions_response_time_404() {
    let body = fixture("questions_response_time_404.json");
    let e = crate::MeliError::from_response(404, None, body.as_bytes());
    assert!(matches!(e, crate::MeliError::NotFound { .. }), "{e:?}");
    let api: ApiError = parse("questions_response_time_404.json");
    assert_eq!(api.error_code(), Some("not_found"));
}

#[test]
fn tolerant_question_shapes() {
    let q: Question = serde_json::from_value(serde_json::json!({
        "id": "11764931832",
        "seller_id": "202593498",
        "item_id": "MLA903218023",
        "status": "under_review",
        "text": null,
        "date_created": "2021-02-08T17:51:21.746608612Z",
        "hold": "true",
        "answer": {"text": null, "status": "SOMETHING_NEW"},
        "from": {"id": 42}
    }))
    .expect("tolerant question");
    assert_eq!(q.id, 11764931832);
    assert_eq!(q.seller_id, Some(202593498));
    assert_eq!(q.status, Some(QuestionStatus::UnderReview));
    assert_eq!(q.text, "");
    assert!(q.date_created.is_some());
    assert!(q.is_on_hold());
    assert_eq!(
        q.answer.as_ref().and_then(|a| a.status.clone()),
        Some(AnswerStatus::Other("SOMETHING_NEW".into()))
    );
    let unknown: Question =
        serde_json::from_value(serde_json::json!({"id": 1, "status": "ON_FIRE"})).expect("unknown");
    assert_eq!(
        unknown.status,
        Some(QuestionStatus::Other("ON_FIRE".into()))
    );
    assert!(!unknown.is_answerable());
}

#[test]
fn invalid_question_is_not_answerable() {
    let body = br#"{"message":"The question is invalid.","error":"invalid_question","status":400,"cause":[]}"#;
    let e = crate::MeliError::from_response(400, None, body);
    assert_eq!(e.code(), "question_not_answerable");
}
