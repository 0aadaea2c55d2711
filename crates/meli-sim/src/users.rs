//! `GET /users/me` and `GET /users/{id}`: private fields for the owner of the token, public ones
//! for everybody else.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::model::User;
use crate::oauth::{Caller, MaybeCaller};
use crate::state::Shared;
use crate::time_fmt::local;

pub async fn me(State(shared): State<Arc<Shared>>, Caller(me): Caller) -> ApiResult<Json<Value>> {
    let world = shared.world();
    let user = world
        .users
        .get(&me)
        .ok_or_else(|| ApiError::not_found("user not found"))?;
    Ok(Json(private_json(user)))
}

pub async fn by_id(
    State(shared): State<Arc<Shared>>,
    MaybeCaller(caller): MaybeCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id: u64 = id
        .parse()
        .map_err(|_| ApiError::not_found(format!("User not found: {id}")))?;
    let world = shared.world();
    let user = world
        .users
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("User not found: {id}")))?;
    if caller == Some(id) {
        Ok(Json(private_json(user)))
    } else {
        Ok(Json(public_json(user)))
    }
}

fn permalink(user: &User) -> String {
    format!("http://{}/{}", user.site.permalink_host, user.nickname)
}

fn user_type(_user: &User) -> &'static str {
    "normal"
}

pub fn public_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "nickname": user.nickname,
        "country_id": user.site.country_id,
        "address": { "city": user.city, "state": user.state },
        "user_type": user_type(user),
        "site_id": user.site.id,
        "permalink": permalink(user),
        "seller_reputation": {
            "level_id": if user.seller { Some("5_green") } else { None },
            "power_seller_status": if user.seller { Some("gold") } else { None },
            "transactions": { "period": "historic", "total": if user.seller { 1250 } else { 0 } }
        },
        "status": { "site_status": if user.deactivated { "deactive" } else { "active" } }
    })
}

fn allow() -> Value {
    json!({ "allow": true, "codes": [], "immediate_payment": { "required": false, "reasons": [] } })
}

pub fn private_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "nickname": user.nickname,
        "registration_date": local(user.registration_date, user.site),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "country_id": user.site.country_id,
        "email": user.email,
        "identification": { "type": if user.site.portuguese { "CPF" } else { "DNI" }, "number": format!("{}", 20_000_000 + user.id % 9_000_000) },
        "address": { "state": user.state, "city": user.city, "address": "Calle Falsa 123", "zip_code": "1414" },
        "phone": { "area_code": "11", "number": "4444-5555", "extension": "", "verified": false },
        "alternative_phone": { "area_code": "", "number": "", "extension": "" },
        "user_type": user_type(user),
        "tags": ["normal", "test_user", "user_info_verified"],
        "logo": null,
        "points": 100,
        "site_id": user.site.id,
        "permalink": permalink(user),
        "seller_experience": if user.seller { "ADVANCED" } else { "NEWBIE" },
        "seller_reputation": {
            "level_id": if user.seller { Some("5_green") } else { None },
            "power_seller_status": if user.seller { Some("gold") } else { None },
            "transactions": {
                "period": "historic", "total": 1250, "completed": 1200, "canceled": 50,
                "ratings": { "positive": 0.97, "negative": 0.01, "neutral": 0.02 }
            }
        },
        "buyer_reputation": {
            "canceled_transactions": 0,
            "transactions": {
                "period": "historic", "total": null, "completed": null,
                "canceled": { "total": null, "paid": null },
                "unrated": { "total": null, "paid": null },
                "not_yet_rated": { "total": null, "paid": null, "units": null }
            },
            "tags": []
        },
        "status": {
            "site_status": if user.deactivated { "deactive" } else { "active" },
            "list": allow(), "buy": allow(), "sell": allow(),
            "billing": { "allow": true, "codes": [] },
            "mercadopago_tc_accepted": true,
            "mercadopago_account_type": "personal",
            "mercadoenvios": "accepted",
            "immediate_payment": false,
            "confirmed_email": true,
            "user_type": "normal",
            "required_action": ""
        },
        "credit": { "consumed": 100, "credit_level_id": format!("{}1", user.site.id) }
    })
}
