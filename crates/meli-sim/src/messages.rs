//! Post-sale messages: reading a conversation (which marks it read), sending, and unread counts.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::conversation::SELLER_LIMITED;
use crate::error::{ApiError, ApiResult};
use crate::model::{Message, Moderation};
use crate::moderation::{self, SELLER_MAX_CHARS};
use crate::oauth::Caller;
use crate::state::{Shared, World};
use crate::time_fmt::utc;

/// Most unread conversations one call returns.
const UNREAD_MAX: usize = 500;
const MAX_ATTACHMENTS: usize = 25;

pub type Params = Query<HashMap<String, String>>;

pub fn require_post_sale(params: &HashMap<String, String>) -> ApiResult<()> {
    match params.get("tag").map(String::as_str) {
        Some("post_sale") => Ok(()),
        _ => Err(ApiError::tag_required()),
    }
}

fn parse_id(raw: &str) -> ApiResult<u64> {
    raw.parse()
        .map_err(|_| ApiError::not_found(format!("resource {raw} not found")))
}

/// The conversation `pack_id` names, checked to belong to `seller` who must be the caller.
pub fn seller_conversation(world: &World, caller: u64, pack: &str, seller: &str) -> ApiResult<u64> {
    let pack_id = parse_id(pack)?;
    let seller_id = parse_id(seller)?;
    let denied =
        || ApiError::forbidden(format!("User access token invalid for resource {pack_id}"));
    if seller_id != caller {
        return Err(denied());
    }
    let key = world
        .conversation_key(pack_id)
        .ok_or_else(|| ApiError::not_found(format!("resource {pack_id} not found")))?;
    let owner = world.conversations.get(&key).map(|c| c.seller);
    if owner != Some(seller_id) {
        return Err(denied());
    }
    Ok(key)
}

fn paging_param(params: &HashMap<String, String>, name: &str, default: usize) -> ApiResult<usize> {
    match params.get(name) {
        None => Ok(default),
        Some(raw) => match raw.parse::<i64>() {
            Ok(v) if name == "limit" && v <= 0 => Err(ApiError::bad_request(
                "The limit param must be greater than 0",
            )),
            Ok(v) if v >= 0 => Ok(usize::try_from(v).unwrap_or(usize::MAX)),
            _ if name == "limit" => Err(ApiError::bad_request("Invalid limit param")),
            _ => Err(ApiError::bad_request("Invalid offset param")),
        },
    }
}

fn date(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(utc(t)))
}

fn moderation_json(m: &Message) -> Value {
    match m.moderation {
        Moderation::Clean => json!({
            "status": "clean", "reason": null, "source": "online",
            "moderation_date": utc(m.created),
        }),
        Moderation::Rejected(reason) => json!({
            "status": "rejected", "reason": reason, "source": "online",
            "moderation_date": utc(m.created),
        }),
    }
}

fn status_of(m: &Message) -> &'static str {
    match m.moderation {
        Moderation::Clean => "available",
        Moderation::Rejected(_) => "moderated",
    }
}

fn available(m: &Message) -> Option<DateTime<Utc>> {
    (m.moderation == Moderation::Clean).then_some(m.created)
}

/// The text Mercado Libre stores for what a seller sent: line ends as `\n`, no spaces at
/// the end of a line or around the whole text. (The published docs do not say; the strict
/// reading is that the listed text may differ from the posted one in these ways.)
pub fn normalise_sent_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// A message as listed in a conversation.
fn message_json(world: &World, key: u64, seller: u64, m: &Message, first: bool) -> Value {
    let party = |id: u64| {
        let mut p = json!({ "user_id": id.to_string() });
        if let Some(user) = world.users.get(&id) {
            p["name"] = json!(user.full_name());
            if id != seller {
                p["email"] = json!(user.email);
            }
        }
        p
    };
    let site_id = world.users.get(&seller).map_or("MLA", |u| u.site.id);
    let attachments: Vec<Value> = m
        .attachments
        .iter()
        .filter_map(|id| world.attachments.get(id))
        .map(|a| {
            json!({
                "filename": a.id,
                "original_filename": a.original_filename,
                "type": a.mime,
                "size": a.data.len(),
                "potential_security_threat": false,
                "creation_date": utc(a.created),
            })
        })
        .collect();
    json!({
        "id": m.id,
        "site_id": site_id,
        "client_id": m.client_id,
        "from": party(m.from),
        "to": party(m.to),
        "status": status_of(m),
        "subject": null,
        "text": m.text,
        "message_date": {
            "received": utc(m.created),
            "available": date(available(m)),
            "notified": date(available(m)),
            "created": utc(m.created),
            "read": date(m.read),
        },
        "message_moderation": moderation_json(m),
        "message_attachments": if attachments.is_empty() { Value::Null } else { Value::Array(attachments) },
        "message_resources": [
            { "id": key.to_string(), "name": "packs" },
            { "id": seller.to_string(), "name": "sellers" },
        ],
        "conversation_first_message": first,
    })
}

/// A message as the send endpoints answer it (`message_sent_response.json`).
pub fn sent_json(world: &World, m: &Message) -> Value {
    json!({
        "id": m.id,
        "to": { "user_id": m.to, "name": world.user_name(m.to) },
        "status": status_of(m),
        "text": m.text,
        "message_date": {
            "received": utc(m.created),
            "available": date(available(m)),
            "notified": null,
            "created": utc(m.created),
            "read": null,
        },
        "message_moderation": moderation_json(m),
    })
}

pub fn conversation_status_json(world: &World, key: u64, seller: u64, now: DateTime<Utc>) -> Value {
    let status = world.status(key, now);
    let shipping_id = world.sale_shipment(key).map(|s| s.id);
    let claim_id = world.conversations.get(&key).and_then(|c| c.claim_id);
    json!({
        "path": format!("/packs/{key}/sellers/{seller}"),
        "status": if status.as_ref().is_some_and(|s| s.blocked) { "blocked" } else { "active" },
        "substatus": status.as_ref().and_then(|s| s.substatus.clone()),
        "status_date": status.as_ref().map(|s| utc(s.date)),
        "status_update_allowed": false,
        "claim_id": claim_id,
        "shipping_id": shipping_id,
    })
}

/// `GET /messages/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`
pub async fn list(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path((pack, seller)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    require_post_sale(&params)?;
    let limit = paging_param(&params, "limit", 10)?;
    let offset = paging_param(&params, "offset", 0)?;
    let mark = !params
        .get("mark_as_read")
        .is_some_and(|v| v.eq_ignore_ascii_case("false"));
    let now = shared.now();
    let mut guard = shared.world();
    let key = seller_conversation(&guard, caller, &pack, &seller)?;
    guard.materialize(key);
    let body = {
        let world = &*guard;
        let Some(conversation) = world.conversations.get(&key) else {
            return Err(ApiError::not_found(format!("resource {key} not found")));
        };
        let expired = world.expired(key, now);
        // Buyers' moderated messages never reach the seller; the seller's own stay visible.
        // A message the listing lags behind on is left out until it catches up.
        let visible: Vec<(usize, &Message)> = conversation
            .messages
            .iter()
            .enumerate()
            .filter(|_| !expired)
            .filter(|(_, m)| m.from == caller || m.moderation == Moderation::Clean)
            .filter(|(_, m)| !conversation.unlisted.iter().any(|(id, _)| *id == m.id))
            .collect();
        let total = visible.len();
        // Newest first, as the published examples list them, unless the switch says otherwise.
        let ordered: Vec<&(usize, &Message)> = if shared.switches.get().messages_oldest_first {
            visible.iter().collect()
        } else {
            visible.iter().rev().collect()
        };
        let page: Vec<Value> = ordered
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(i, m)| message_json(world, key, caller, m, *i == 0))
            .collect();
        json!({
            "paging": { "limit": limit, "offset": offset, "total": total },
            "conversation_status": conversation_status_json(world, key, caller, now),
            "messages": page,
            "seller_max_message_length": SELLER_MAX_CHARS,
            "buyer_max_message_length": moderation::BUYER_MAX_CHARS,
        })
    };
    if let Some(conversation) = guard.conversations.get_mut(&key) {
        for (_, left) in &mut conversation.unlisted {
            *left = left.saturating_sub(1);
        }
        conversation.unlisted.retain(|(_, left)| *left > 0);
    }
    if mark {
        guard.mark_read(key, caller, now);
    }
    Ok(Json(body))
}

fn id_field(body: &Value, field: &str) -> Option<Result<u64, ()>> {
    let value = body.get(field)?.get("user_id")?;
    Some(match value {
        Value::String(s) => s.trim().parse().map_err(|_| ()),
        Value::Number(n) => n.as_u64().ok_or(()),
        _ => Err(()),
    })
}

/// Why a blocked conversation refuses the seller's message.
pub fn blocked_error(substatus: Option<&str>) -> ApiError {
    match substatus {
        Some(SELLER_LIMITED) => ApiError::messaging(
            StatusCode::FORBIDDEN,
            "forbidden",
            "blocked_by_conversation_started_by_seller",
        ),
        Some("blocked_by_fulfillment") => ApiError::messaging(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Unable to send the message, the purchase is Mercado Envíos Full and has not been yet delivered",
        ),
        _ => ApiError::messaging(
            StatusCode::FORBIDDEN,
            "forbidden",
            "blocked_conversation_send_message_forbidden",
        ),
    }
}

/// Length and alphabet of a seller's text.
pub fn check_seller_text(text: &str) -> ApiResult<()> {
    if moderation::char_count(text) > SELLER_MAX_CHARS {
        return Err(ApiError::bad_request(format!(
            "The message content is too long, max characters allowed are {SELLER_MAX_CHARS}"
        )));
    }
    if let Some(c) = moderation::unsupported_char(text) {
        return Err(ApiError::bad_request(format!(
            "The message contains unsupported characters: '{c}'"
        )));
    }
    Ok(())
}

/// `POST /messages/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`
pub async fn send(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path((pack, seller)): Path<(String, String)>,
    Query(params): Params,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    require_post_sale(&params)?;
    let now = shared.now();
    let mut guard = shared.world();
    let key = seller_conversation(&guard, caller, &pack, &seller)?;
    let body: Value = serde_json::from_slice(&body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| ApiError::bad_request("A JSON body is required"))?;
    let from = id_field(&body, "from")
        .ok_or_else(|| ApiError::bad_request("The field 'from' is required"))?
        .map_err(|_| ApiError::bad_request("Invalid 'from' user id"))?;
    if from != caller {
        return Err(ApiError::forbidden(format!(
            "Access denied for user {from} to order {key}"
        )));
    }
    let to = id_field(&body, "to")
        .ok_or_else(|| ApiError::bad_request("The field 'to.user_id' is required"))?
        .map_err(|_| ApiError::bad_request("Invalid 'to' user id"))?;
    if to == from {
        return Err(ApiError::bad_request(
            "Sender and received must not be equals",
        ));
    }
    let (counterpart, agent_waiting) = {
        let conversation = guard
            .conversations
            .get(&key)
            .ok_or_else(|| ApiError::not_found(format!("resource {key} not found")))?;
        let last_is_seller = conversation
            .messages
            .last()
            .is_some_and(|m| m.from == caller);
        (
            guard.counterpart(conversation),
            conversation.agent.is_some() && last_is_seller,
        )
    };
    if to != counterpart {
        return Err(ApiError::forbidden("Receiver does not belong to order"));
    }
    if let Some(status) = guard.status(key, now).filter(|s| s.blocked) {
        return Err(blocked_error(status.substatus.as_deref()));
    }
    if agent_waiting {
        return Err(ApiError::messaging(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only one message at a time can be sent to the messaging agent, wait for its reply",
        ));
    }
    let text = body.get("text").and_then(Value::as_str).unwrap_or("");
    let attachments: Vec<String> = match body.get("attachments") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| ApiError::bad_request("Invalid attachments"))?,
        Some(_) => return Err(ApiError::bad_request("Invalid attachments")),
    };
    if text.trim().is_empty() && attachments.is_empty() {
        return Err(ApiError::bad_request("The field 'text' is required"));
    }
    check_seller_text(text)?;
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(ApiError::bad_request(format!(
            "Too many attachments, max allowed are {MAX_ATTACHMENTS}"
        )));
    }
    guard.purge_orphans(now);
    for id in &attachments {
        let usable = guard
            .attachments
            .get(id)
            .is_some_and(|a| a.owner == caller && !a.attached);
        if !usable {
            return Err(ApiError::standard(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable_entity",
                "Attachment key is invalid or not found",
            ));
        }
    }
    for id in &attachments {
        if let Some(a) = guard.attachments.get_mut(id) {
            a.attached = true;
        }
    }
    let text = normalise_sent_text(text);
    let message = Message {
        id: guard.new_message_id(),
        from: caller,
        to,
        text: text.clone(),
        created: now,
        read: None,
        moderation: moderation::moderate(&text),
        attachments,
        client_id: guard.app.client_id,
    };
    let response = sent_json(&guard, &message);
    guard.push_message(key, message);
    Ok((StatusCode::CREATED, Json(response)).into_response())
}

/// `GET /messages/unread?role=seller&tag=post_sale`
pub async fn unread(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    require_post_sale(&params)?;
    let role = params
        .get("role")
        .ok_or_else(|| ApiError::bad_request("The param 'role' is required"))?;
    if role != "seller" && role != "buyer" {
        return Err(ApiError::bad_request("Invalid param 'role'"));
    }
    let world = shared.world();
    let mut results: Vec<(u64, usize)> = if role == "seller" {
        world
            .conversations
            .values()
            .filter(|c| c.seller == caller)
            .map(|c| (c.key, world.unread_count(c)))
            .filter(|(_, n)| *n > 0)
            .collect()
    } else {
        Vec::new()
    };
    // Newest sales first; packs and orders get growing ids.
    results.sort_unstable_by_key(|r| std::cmp::Reverse(r.0));
    results.truncate(UNREAD_MAX);
    let results: Vec<Value> = results
        .into_iter()
        .map(|(key, count)| json!({ "resource": format!("/packs/{key}/sellers/{caller}"), "count": count }))
        .collect();
    Ok(Json(json!({ "user_id": caller, "results": results })))
}

/// `GET /messages/unread/packs/{pack_id}/sellers/{seller_id}?tag=post_sale`
pub async fn unread_by_resource(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path((pack, seller)): Path<(String, String)>,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    require_post_sale(&params)?;
    let world = shared.world();
    let key = seller_conversation(&world, caller, &pack, &seller)?;
    let count = world
        .conversations
        .get(&key)
        .map_or(0, |c| world.unread_count(c));
    Ok(Json(json!({
        "user_id": caller,
        "results": [{ "resource": format!("/packs/{key}/sellers/{caller}"), "count": count }],
    })))
}

/// `GET /messages/{message_id}?tag=post_sale`, where a `messages` notification points. Answers
/// the documented shape "with header": no paging, no conversation status, one message.
pub async fn by_id(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    Query(params): Params,
) -> ApiResult<Json<Value>> {
    require_post_sale(&params)?;
    let world = shared.world();
    let found = world
        .conversations
        .values()
        .filter(|c| c.seller == caller)
        .find_map(|c| {
            c.messages
                .iter()
                .enumerate()
                .find(|(_, m)| m.id == id)
                .map(|(i, m)| (c.key, i, m))
        });
    let Some((key, index, message)) = found else {
        return Err(ApiError::not_found(format!("Message {id} not found")));
    };
    if message.from != caller && message.moderation != Moderation::Clean {
        return Err(ApiError::not_found(format!("Message {id} not found")));
    }
    Ok(Json(json!({
        "paging": null,
        "conversation_status": null,
        "messages": [message_json(&world, key, caller, message, index == 0)],
    })))
}
