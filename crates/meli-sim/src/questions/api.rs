//! The questions resources: search, one question, answering, the blacklist, response time.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::{
    question_json, response_time, QuestionStatus, SimQuestion, MAX_LIMIT, MAX_OFFSET,
    MAX_TEXT_CHARS,
};
use crate::error::{ApiError, ApiResult};
use crate::oauth::Caller;
use crate::state::{Shared, World};

type Params = Query<HashMap<String, String>>;

fn invalid_question(message: &str) -> ApiError {
    ApiError::standard(StatusCode::BAD_REQUEST, "invalid_question", message)
}

fn invalid_post_body() -> ApiError {
    ApiError::standard(
        StatusCode::BAD_REQUEST,
        "invalid_post_body",
        "Invalid JSON. Valid attributes are: question_id, text.",
    )
}

fn number(params: &HashMap<String, String>, name: &str, default: usize) -> ApiResult<usize> {
    match params.get(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request(format!("Invalid {name} param"))),
    }
}

fn user_param(params: &HashMap<String, String>, names: &[&str]) -> ApiResult<Option<u64>> {
    for name in names {
        if let Some(raw) = params.get(*name) {
            return raw
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("Invalid {name} param")));
        }
    }
    Ok(None)
}

/// What a search asks for, checked as Mercado Libre would (stricter where it is silent).
struct Search {
    seller: Option<u64>,
    item: Option<String>,
    from: Option<u64>,
    status: Option<QuestionStatus>,
    ascending: bool,
    offset: usize,
    limit: usize,
}

fn parse_search(params: &HashMap<String, String>, caller: u64, mine: bool) -> ApiResult<Search> {
    if !mine && params.get("api_version").map(String::as_str) != Some("4") {
        return Err(ApiError::bad_request(
            "This resource requires api_version=4",
        ));
    }
    let seller = if mine {
        Some(caller)
    } else {
        user_param(params, &["seller_id", "seller"])?
    };
    let item = params
        .get("item")
        .or_else(|| params.get("item_id"))
        .map(|s| s.trim().to_owned());
    if seller.is_none() && item.is_none() {
        return Err(ApiError::bad_request(
            "At least one of these filters is required: seller_id, item",
        ));
    }
    if seller.is_some_and(|s| s != caller) {
        return Err(ApiError::forbidden(format!(
            "Caller {caller} is not allowed to read the questions of another seller"
        )));
    }
    let status = match params.get("status") {
        None => None,
        Some(raw) => Some(
            QuestionStatus::parse(raw)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid status {raw}")))?,
        ),
    };
    let offset = number(params, "offset", 0)?;
    if offset > MAX_OFFSET {
        return Err(ApiError::bad_request(format!(
            "The offset maximum number is {MAX_OFFSET}"
        )));
    }
    let limit = number(params, "limit", MAX_LIMIT)?;
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "The limit param must be between 1 and {MAX_LIMIT}"
        )));
    }
    if let Some(fields) = params.get("sort_fields") {
        let known = ["item_id", "seller_id", "from_id", "date_created"];
        if fields.split(',').any(|f| !known.contains(&f.trim())) {
            return Err(ApiError::bad_request(format!(
                "Invalid sort_fields {fields}"
            )));
        }
    }
    let ascending = match params.get("sort_types").map(|s| s.to_ascii_uppercase()) {
        None => false,
        Some(t) if t == "ASC" => true,
        Some(t) if t == "DESC" => false,
        Some(t) => return Err(ApiError::bad_request(format!("Invalid sort_types {t}"))),
    };
    Ok(Search {
        seller,
        item,
        from: user_param(params, &["from"])?,
        status,
        ascending,
        offset,
        limit,
    })
}

fn run_search(world: &World, caller: u64, search: &Search) -> Value {
    let matches = |q: &&SimQuestion| {
        q.seller == caller
            && search.seller.is_none_or(|s| s == q.seller)
            && search.item.as_ref().is_none_or(|i| *i == q.item_id)
            && search.from.is_none_or(|f| f == q.buyer)
            && search.status.is_none_or(|s| s == q.status)
    };
    let mut found: Vec<&SimQuestion> = world.questions.of_seller(caller).filter(matches).collect();
    found.sort_by_key(|q| (q.date_created, q.id));
    if !search.ascending {
        found.reverse();
    }
    let total = found.len();
    let page: Vec<Value> = found
        .into_iter()
        .skip(search.offset)
        .take(search.limit)
        .map(|q| question_json(world, q, false))
        .collect();
    let mut filters = json!({
        "limit": search.limit,
        "offset": search.offset,
        "api_version": "4",
        "is_admin": false,
        "sorts": [],
        "caller": caller,
    });
    if let Some(seller) = search.seller {
        filters["seller"] = json!(seller);
    }
    if let Some(item) = &search.item {
        filters["item"] = json!(item);
    }
    json!({
        "total": total,
        "limit": search.limit,
        "questions": page,
        "filters": filters,
        "available_filters": [
            {"id": "item", "name": "Item", "type": "text"},
            {"id": "from", "name": "From user id", "type": "number"},
            {"id": "totalDivisions", "name": "total divisions", "type": "number"},
            {"id": "division", "name": "Division", "type": "number"},
            {"id": "status", "name": "Status", "type": "text", "values": [
                "ANSWERED", "BANNED", "CLOSED_UNANSWERED", "DELETED", "DISABLED", "UNANSWERED", "UNDER_REVIEW"
            ]}
        ],
        "available_sorts": ["item_id", "from_id", "date_created", "seller_id"],
    })
}

/// `GET /questions/search`.
pub async fn search(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    let search = parse_search(&params, caller, false)?;
    Ok(Json(run_search(&shared.world(), caller, &search)))
}

/// `GET /my/received_questions/search`.
pub async fn received(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    let search = parse_search(&params, caller, true)?;
    Ok(Json(run_search(&shared.world(), caller, &search)))
}

fn question_id(raw: &str) -> ApiResult<u64> {
    raw.parse()
        .map_err(|_| ApiError::not_found(format!("Question {raw} not found")))
}

/// `GET /questions/{id}`: the seller of the listing or the buyer who asked.
pub async fn by_id(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = question_id(&id)?;
    let world = shared.world();
    let q = world
        .questions
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("Question {id} not found")))?;
    if q.seller != caller && q.buyer != caller {
        return Err(ApiError::forbidden(format!(
            "User access token invalid for question {id}"
        )));
    }
    Ok(Json(question_json(&world, q, true)))
}

/// `POST /answers` `{"question_id": <int>, "text": "…"}`.
pub async fn answer(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let value: Value = serde_json::from_slice(&body).map_err(|_| invalid_post_body())?;
    let Some(obj) = value.as_object() else {
        return Err(invalid_post_body());
    };
    if obj.keys().any(|k| k != "question_id" && k != "text") {
        return Err(invalid_post_body());
    }
    let (Some(raw_id), Some(text)) = (obj.get("question_id"), obj.get("text")) else {
        return Err(invalid_post_body());
    };
    let Some(id) = raw_id.as_u64() else {
        return Err(invalid_question(
            "The question is invalid: question_id must be an integer.",
        ));
    };
    let Some(text) = text.as_str() else {
        return Err(invalid_post_body());
    };
    let now = shared.now();
    let mut world = shared.world();
    let Some(q) = world.questions.get_mut(id) else {
        return Err(invalid_question("The question is invalid."));
    };
    if q.seller != caller {
        return Err(ApiError::forbidden(format!(
            "User access token invalid for question {id}"
        )));
    }
    q.answer_posts += 1;
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("The answer text is empty."));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request(format!(
            "The text is too long: the maximum is {MAX_TEXT_CHARS} characters."
        )));
    }
    if let Some(why) = q.refusal() {
        return Err(invalid_question(&format!("The question is invalid. {why}")));
    }
    q.answers_accepted += 1;
    world.questions.answer(id, text, now, true);
    let q = world
        .questions
        .get(id)
        .ok_or_else(|| invalid_question("The question is invalid."))?;
    Ok(Json(question_json(&world, q, false)))
}

/// A user id given as a number or a string of digits.
fn user_id(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn own(caller: u64, seller: &str) -> ApiResult<u64> {
    let seller: u64 = seller
        .parse()
        .map_err(|_| ApiError::not_found(format!("User {seller} not found")))?;
    if seller != caller {
        return Err(ApiError::forbidden(format!(
            "Caller {caller} cannot manage the questions blacklist of {seller}"
        )));
    }
    Ok(seller)
}

/// `GET /users/{seller}/questions_blacklist`.
pub async fn blacklist(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(seller): Path<String>,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    let seller = own(caller, &seller)?;
    let offset = number(&params, "offset", 0)?;
    let limit = number(&params, "limit", 50)?.clamp(1, 100);
    let world = shared.world();
    let all: Vec<u64> = world
        .questions
        .blacklist
        .get(&seller)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    let users: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|id| json!({"id": id}))
        .collect();
    Ok(Json(json!({
        "paging": {"total": all.len(), "limit": limit, "offset": offset},
        "users": users,
    })))
}

/// `POST /users/{seller}/questions_blacklist` `{"user_id"}`.
pub async fn block(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(seller): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let seller = own(caller, &seller)?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("Invalid JSON. Valid attributes are: user_id."))?;
    let user = user_id(value.get("user_id"))
        .ok_or_else(|| ApiError::bad_request("Invalid JSON. Valid attributes are: user_id."))?;
    let mut world = shared.world();
    if !world.users.contains_key(&user) {
        return Err(ApiError::not_found(format!("User {user} not found")));
    }
    if user == seller {
        return Err(ApiError::bad_request("A seller cannot block themselves."));
    }
    world
        .questions
        .blacklist
        .entry(seller)
        .or_default()
        .insert(user);
    Ok((
        StatusCode::OK,
        Json(json!({"user_id": user, "blocked": true})),
    )
        .into_response())
}

/// `DELETE /users/{seller}/questions_blacklist/{user}`.
pub async fn unblock(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path((seller, user)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let seller = own(caller, &seller)?;
    let user: u64 = user
        .parse()
        .map_err(|_| ApiError::not_found(format!("User {user} not found")))?;
    let mut world = shared.world();
    let removed = world
        .questions
        .blacklist
        .get_mut(&seller)
        .is_some_and(|s| s.remove(&user));
    if !removed {
        return Err(ApiError::not_found(format!(
            "User {user} is not in the questions blacklist"
        )));
    }
    Ok(Json(json!({"user_id": user, "blocked": false})))
}

/// `GET /users/{id}/questions/response_time`.
pub async fn response_time_of(
    State(shared): State<Arc<Shared>>,
    Caller(_caller): Caller,
    Path(user): Path<String>,
) -> ApiResult<Json<Value>> {
    let id: u64 = user
        .parse()
        .map_err(|_| ApiError::not_found(format!("User {user} not found")))?;
    let now = shared.now();
    let world = shared.world();
    response_time(&world, id, now)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("Response time not found for user id: {id}")))
}
