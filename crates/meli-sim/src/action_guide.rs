//! "Reasons to communicate" (the action guide): the options a seller may use to start a
//! conversation, their caps, per-site templates, the per-sale lock and the full error table of
//! the published documentation.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::conversation::SELLER_LIMITED;
use crate::error::{ApiError, ApiResult};
use crate::messages::{require_post_sale, sent_json};
use crate::model::{LogisticType, Message, Moderation, ShipmentStatus, Site};
use crate::moderation;
use crate::oauth::Caller;
use crate::state::{Shared, World};

/// Option ids, in the order of `Conversation::caps`.
pub const OPTIONS: [&str; 5] = [
    "REQUEST_VARIANTS",
    "REQUEST_BILLING_INFO",
    "SEND_INVOICE_LINK",
    "DELIVERY_PROMISE",
    "OTHER",
];
const FREE_TEXT_LIMIT: usize = 350;

fn is_free_text(option: &str) -> bool {
    matches!(option, "SEND_INVOICE_LINK" | "OTHER")
}

fn template_id(option: &str, site: &Site) -> String {
    format!("TEMPLATE___{option}___{}", site.id)
}

/// The fixed text of a template on a site, as Mercado Libre publishes it ("Templates
/// disponibles según el país"); where a site has none published, the text of its language.
fn template_text(option: &str, site: &Site) -> &'static str {
    const VARIANTS_ES: &str = "Hola, por favor confirma las características que quieres del producto que compraste, así podemos concretar el envío.";
    macro_rules! billing {
        ($list:literal) => {
            concat!(
                "Para adjuntarte la factura de tu compra necesito los siguientes datos:",
                $list
            )
        };
    }
    match (option, site.id) {
        ("REQUEST_VARIANTS", "MLB") => "Olá! Por favor, confirme as características que quer para o produto que você comprou, assim, podemos fazer o envio.",
        ("REQUEST_VARIANTS", _) => VARIANTS_ES,
        ("REQUEST_BILLING_INFO", "MLB") => "Olá, para anexar a nota fiscal da sua compra preciso dos seguintes dados:\n- Nome e sobrenome\n- CPF\n- Endereço\n- CEP",
        ("REQUEST_BILLING_INFO", "MLM") => billing!("\n- Nombre y apellido\n- RFC\n- Domicilio\n- Código postal"),
        ("REQUEST_BILLING_INFO", "MCO") => billing!("\n- Nombre y apellido\n- Tipo y número de documento\n- Email\n- Domicilio\n- Código postal\n- Código de municipio\n- Código de departamento"),
        ("REQUEST_BILLING_INFO", "MLU") => billing!("\n- Nombre y apellido\n- Cédula"),
        ("REQUEST_BILLING_INFO", "MEC") => billing!("\n- Nombre y apellido\n- Tipo y número de documento\n- Domicilio\n- Código postal"),
        ("REQUEST_BILLING_INFO", _) => billing!("\n- Nombre y apellido\n- DNI\n- Domicilio\n- Código postal"),
        ("DELIVERY_PROMISE", "MLB") => "Olá, sua compra chegará entre {INIT} e {LIMIT}.",
        ("DELIVERY_PROMISE", _) => "Hola, tu compra llegará entre el {INIT} y el {LIMIT}.",
        _ => "",
    }
}

/// `templates[].texts` as published: every site's text, keyed by the site id in lower case.
fn texts_json(option: &str) -> Value {
    let texts: serde_json::Map<String, Value> = crate::model::SITES
        .iter()
        .map(|site| {
            (
                site.id.to_lowercase(),
                json!({ "html": template_text(option, site) }),
            )
        })
        .collect();
    Value::Object(texts)
}

/// The options this sale offers, by index into [`OPTIONS`].
fn available(world: &World, key: u64) -> Vec<usize> {
    let logistic = world.sale_logistic(key);
    let delivered = world
        .sale_shipment(key)
        .is_some_and(|s| s.status == ShipmentStatus::Delivered);
    (0..OPTIONS.len())
        .filter(|&i| match OPTIONS[i] {
            "REQUEST_VARIANTS" => {
                matches!(logistic, LogisticType::CrossDocking | LogisticType::DropOff)
            }
            "DELIVERY_PROMISE" => logistic == LogisticType::SelfService,
            // OTHER is no longer offered once the shipment was delivered.
            "OTHER" => !delivered,
            _ => true,
        })
        .collect()
}

fn ag_error(status: StatusCode, error: &str, message: impl Into<String>) -> ApiError {
    ApiError::action_guide(status, error, message, None)
}

/// The seller's conversation for `pack`, or the documented 403.
fn sale(world: &World, caller: u64, pack: &str) -> ApiResult<(u64, &'static Site)> {
    let denied = || {
        ag_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("You are not allowed to access the information of the pack {pack}"),
        )
    };
    let key = pack
        .parse::<u64>()
        .ok()
        .and_then(|id| world.conversation_key(id))
        .ok_or_else(denied)?;
    let conversation = world.conversations.get(&key).ok_or_else(denied)?;
    if conversation.seller != caller {
        return Err(denied());
    }
    let site = world
        .users
        .get(&caller)
        .map(|u| u.site)
        .ok_or_else(denied)?;
    Ok((key, site))
}

/// `GET /messages/action_guide/packs/{pack_id}?tag=post_sale`
pub async fn options(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(pack): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    require_post_sale(&params)?;
    let world = shared.world();
    let (key, site) = sale(&world, caller, &pack)?;
    let caps = world
        .conversations
        .get(&key)
        .map(|c| c.caps)
        .unwrap_or([0; 5]);
    let options: Vec<Value> = available(&world, key)
        .into_iter()
        .map(|i| {
            let option = OPTIONS[i];
            let cap = caps[i];
            let mut o = json!({
                "id": option,
                "internal_description": option.to_lowercase().replace('_', " "),
                "enabled": cap > 0,
                "type": if is_free_text(option) { "free_text" } else { "template" },
                "templates": null,
                "actionable": true,
                "child_options": null,
                "cap_available": cap,
            });
            if is_free_text(option) {
                o["char_limit"] = json!(FREE_TEXT_LIMIT);
            } else {
                let vars = (option == "DELIVERY_PROMISE").then(
                    || json!([{ "id": "INIT", "type": "date" }, { "id": "LIMIT", "type": "date" }]),
                );
                o["templates"] = json!([{
                    "id": template_id(option, site),
                    "vars": vars,
                    "texts": texts_json(option),
                }]);
            }
            o
        })
        .collect();
    Ok(Json(json!({ "options": options })))
}

/// `GET /messages/action_guide/packs/{pack_id}/caps_available?tag=post_sale`
pub async fn caps(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(pack): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    require_post_sale(&params)?;
    let world = shared.world();
    let (key, _) = sale(&world, caller, &pack)?;
    let caps = world
        .conversations
        .get(&key)
        .map(|c| c.caps)
        .unwrap_or([0; 5]);
    let list: Vec<Value> = available(&world, key)
        .into_iter()
        .map(|i| json!({ "option_id": OPTIONS[i], "cap_available": caps[i] }))
        .collect();
    Ok(Json(Value::Array(list)))
}

/// The text an option sends, after the checks of its type.
fn option_text(body: &Value, option: &str, site: &Site, today: NaiveDate) -> ApiResult<String> {
    if is_free_text(option) {
        let text = body.get("text").and_then(Value::as_str).unwrap_or("");
        let too_long = moderation::char_count(text) > FREE_TEXT_LIMIT;
        if text.trim().is_empty() || too_long || moderation::unsupported_char(text).is_some() {
            return Err(ag_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "The text is invalid",
            ));
        }
        return Ok(crate::messages::normalise_sent_text(text));
    }
    let template = body
        .get("template_id")
        .and_then(Value::as_str)
        .unwrap_or("");
    if template != template_id(option, site) {
        return Err(ag_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("The template {template} is invalid"),
        ));
    }
    let mut text = template_text(option, site).to_owned();
    if option == "DELIVERY_PROMISE" {
        for var in ["INIT", "LIMIT"] {
            let value = body
                .get("vars")
                .and_then(Value::as_array)
                .and_then(|vars| vars.iter().find(|v| v["id"] == var))
                .and_then(|v| v["value"].as_str())
                .ok_or_else(|| {
                    ag_error(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        format!("The var {var} is required"),
                    )
                })?;
            let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                ag_error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("The var {var} is invalid"),
                )
            })?;
            if date < today {
                return Err(ag_error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("The promise of delivery {value} is from a date before today"),
                ));
            }
            text = text.replace(&format!("{{{var}}}"), value);
        }
    }
    Ok(text)
}

/// `POST /messages/action_guide/packs/{pack_id}/option?tag=post_sale`
pub async fn send_option(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(pack): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    require_post_sale(&params)?;
    let now = shared.now();
    let (key, option_index, text) = {
        let mut world = shared.world();
        let (key, site) = sale(&world, caller, &pack)?;
        let conversation = world
            .conversations
            .get(&key)
            .ok_or_else(|| ApiError::not_found("pack not found"))?;
        if world
            .users
            .get(&conversation.buyer)
            .is_some_and(|u| u.deactivated)
        {
            return Err(ag_error(
                StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS,
                "unavailable_for_legal_reasons",
                "The buyer deactivated the account",
            ));
        }
        if conversation.excepted_case {
            return Err(ApiError::action_guide(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "This pack belongs to an excepted case, it is requested to use the messaging resource.",
                Some("blocked_by_excepted_case"),
            ));
        }
        if world.locks.contains(&key) {
            return Err(ag_error(
                StatusCode::CONFLICT,
                "conflict",
                "There is another request locking this operation",
            ));
        }
        if world
            .status(key, now)
            .is_some_and(|s| s.blocked && s.substatus.as_deref() != Some(SELLER_LIMITED))
        {
            return Err(ag_error(
                StatusCode::FORBIDDEN,
                "forbidden",
                "The conversation is blocked",
            ));
        }
        if world.buyer_has_written(conversation) {
            return Err(ag_error(
                StatusCode::FORBIDDEN,
                "forbidden",
                "This package has the conversation blocked, please check blocked messages",
            ));
        }
        let body: Value = serde_json::from_slice(&body)
            .ok()
            .filter(Value::is_object)
            .ok_or_else(|| {
                ag_error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "A JSON body is required",
                )
            })?;
        let option = body.get("option_id").and_then(Value::as_str).unwrap_or("");
        let invalid = || {
            ag_error(
                StatusCode::NOT_FOUND,
                "not_found",
                "The option selected is not valid",
            )
        };
        let index = OPTIONS
            .iter()
            .position(|o| *o == option)
            .ok_or_else(invalid)?;
        if !available(&world, key).contains(&index) {
            return Err(invalid());
        }
        if conversation.caps[index] == 0 {
            return Err(ag_error(
                StatusCode::FORBIDDEN,
                "limit_exceeded",
                format!("You are not allowed to execute the option {option} again"),
            ));
        }
        let text = option_text(&body, option, site, now.date_naive())?;
        world.locks.insert(key);
        (key, index, text)
    };
    // The lock is held while the option is processed, as Mercado Libre does to keep caps exact.
    tokio::time::sleep(shared.config.action_guide_processing).await;
    let mut world = shared.world();
    world.locks.remove(&key);
    let Some(conversation) = world.conversations.get_mut(&key) else {
        return Err(ApiError::internal());
    };
    conversation.caps[option_index] = conversation.caps[option_index].saturating_sub(1);
    let to = conversation.agent.unwrap_or(conversation.buyer);
    let moderation = if is_free_text(OPTIONS[option_index]) {
        moderation::moderate(&text)
    } else {
        Moderation::Clean
    };
    let message = Message {
        id: world.new_message_id(),
        from: caller,
        to,
        text,
        created: now,
        read: None,
        moderation,
        attachments: Vec::new(),
        client_id: world.app.client_id,
    };
    let response = sent_json(&world, &message);
    world.push_message(key, message);
    Ok((StatusCode::CREATED, Json(response)).into_response())
}
