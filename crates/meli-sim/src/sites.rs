//! Reference data: `GET /sites`, `GET /sites/{id}`, `GET /currencies/{id}`, and the grant
//! revocation an application does for itself, `DELETE /users/{user_id}/applications/{app_id}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::model::{site, Site, SITES};
use crate::oauth::Caller;
use crate::state::Shared;

fn name(site: &Site) -> &'static str {
    match site.id {
        "MLA" => "Argentina",
        "MLB" => "Brasil",
        "MLM" => "Mexico",
        _ => "",
    }
}

fn site_json(site: &Site) -> Value {
    json!({
        "default_currency_id": site.currency_id,
        "id": site.id,
        "name": name(site),
        "country_id": site.country_id,
    })
}

/// `GET /sites`
pub async fn list() -> Json<Value> {
    Json(Value::Array(SITES.iter().map(site_json).collect()))
}

/// `GET /sites/{id}`
pub async fn by_id(Path(id): Path<String>) -> ApiResult<Json<Value>> {
    site(&id)
        .map(|s| Json(site_json(s)))
        .ok_or_else(|| ApiError::not_found(format!("Site {id} not found")))
}

/// `GET /currencies/{id}`
pub async fn currency(Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let (description, symbol) = match id.as_str() {
        "ARS" => ("Peso argentino", "$"),
        "BRL" => ("Real", "R$"),
        "MXN" => ("Peso Mexicano", "$"),
        "USD" => ("Dólar", "U$S"),
        _ => return Err(ApiError::not_found(format!("Currency {id} not found"))),
    };
    Ok(Json(json!({
        "id": id,
        "description": description,
        "symbol": symbol,
        "decimal_places": 2,
    })))
}

/// `DELETE /users/{user_id}/applications/{app_id}`: the seller (through the app) revokes the
/// grant, which ends every token of theirs.
pub async fn revoke_grant(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path((user, app)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let mut world = shared.world();
    if user != caller.to_string() {
        return Err(ApiError::forbidden(
            "The caller cannot revoke another user's grants",
        ));
    }
    if app != world.app.client_id.to_string() {
        return Err(ApiError::not_found(format!("Application {app} not found")));
    }
    world.tokens.revoke_user(caller);
    Ok(Json(
        json!({ "user_id": caller, "app_id": world.app.client_id, "status": "revoked" }),
    ))
}
