//! Listings: the catalogue items each seller sells, with `GET /items/{id}` and the multiget
//! `GET /items?ids=…` (at most 20 ids, `attributes` narrows the fields).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::pictures::{picture_url, PictureKind};
use crate::catalog;
use crate::error::{ApiError, ApiResult};
use crate::oauth::Caller;
use crate::state::{Shared, World};

/// Ids per multiget call.
pub const MULTIGET_MAX: usize = 20;
/// Item ids are the site followed by this base plus the catalogue index, as in order items.
pub const ITEM_ID_BASE: u64 = 1_054_990_600;

/// A listing of the world: its seller and catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub id: String,
    pub seller: u64,
    pub index: usize,
    pub title: &'static str,
}

/// The id of a seller's listing `index` (`MLA1054990603`).
pub fn item_id(world: &World, seller: u64, index: usize) -> Option<String> {
    let site = world.users.get(&seller)?.site;
    Some(format!("{}{}", site.id, ITEM_ID_BASE + index as u64))
}

/// Every listing of a seller.
pub fn listings_of(world: &World, seller: u64) -> Vec<Listing> {
    let Some(user) = world.users.get(&seller) else {
        return Vec::new();
    };
    let items = if user.site.portuguese {
        catalog::ITEMS_PT
    } else {
        catalog::ITEMS_ES
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, (title, _))| {
            Some(Listing {
                id: item_id(world, seller, i)?,
                seller,
                index: i,
                title,
            })
        })
        .collect()
}

/// The listing an item id names: the seller of that site and the catalogue entry.
pub fn listing(world: &World, id: &str) -> Option<Listing> {
    let id = id.trim();
    let site = id.get(..3)?;
    let number: u64 = id.get(3..)?.parse().ok()?;
    let index = usize::try_from(number.checked_sub(ITEM_ID_BASE)?).ok()?;
    let seller = world
        .sellers
        .iter()
        .copied()
        .find(|s| world.users.get(s).is_some_and(|u| u.site.id == site))?;
    listings_of(world, seller).into_iter().nth(index)
}

fn item_json(world: &World, l: &Listing, headers: &HeaderMap) -> Value {
    let closed = world.questions.closed_items.contains(&l.id);
    let host = world
        .users
        .get(&l.seller)
        .map_or("articulo.mercadolibre.com.ar", |u| {
            if u.site.portuguese {
                "produto.mercadolivre.com.br"
            } else {
                "articulo.mercadolibre.com.ar"
            }
        });
    // Served by the simulator itself, over its own plain http: both fields carry the same URL
    // (Mercado Libre's `secure_thumbnail` is the https twin of `thumbnail`).
    let picture = match world.questions.pictures.get(&l.id) {
        Some(PictureKind::None) => None,
        _ => picture_url(headers, &l.id, l.index),
    }
    .unwrap_or_default();
    json!({
        "id": l.id,
        "title": l.title,
        "seller_id": l.seller,
        "status": if closed { "closed" } else { "active" },
        "thumbnail": picture,
        "secure_thumbnail": picture,
        "permalink": format!("https://{host}/{}-{}", &l.id[..3], &l.id[3..]),
    })
}

fn narrowed(mut v: Value, attributes: Option<&String>) -> Value {
    let Some(attributes) = attributes else {
        return v;
    };
    let keep: Vec<&str> = attributes.split(',').map(str::trim).collect();
    if let Some(map) = v.as_object_mut() {
        map.retain(|k, _| keep.contains(&k.as_str()));
    }
    v
}

/// `GET /items/{id}`.
pub async fn by_id(
    State(shared): State<Arc<Shared>>,
    Caller(_caller): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let world = shared.world();
    let l = listing(&world, &id)
        .ok_or_else(|| ApiError::not_found(format!("Item with id {id} not found")))?;
    if world.questions.hidden_items.contains(&l.id) {
        return Err(ApiError::forbidden(
            "access to the requested resource is forbidden",
        ));
    }
    Ok(Json(narrowed(
        item_json(&world, &l, &headers),
        params.get("attributes"),
    )))
}

/// `GET /items?ids=A,B,…`: `[{code, body}]` in the order asked.
pub async fn multiget(
    State(shared): State<Arc<Shared>>,
    Caller(_caller): Caller,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let ids: Vec<&str> = params
        .get("ids")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(ApiError::bad_request("The ids param is required"));
    }
    if ids.len() > MULTIGET_MAX {
        return Err(ApiError::bad_request(format!(
            "The maximum number of ids is {MULTIGET_MAX}"
        )));
    }
    let world = shared.world();
    let out: Vec<Value> = ids
        .iter()
        .map(|id| match listing(&world, id) {
            Some(l) if world.questions.hidden_items.contains(&l.id) => json!({
                "code": 403,
                "body": {"message": "access to the requested resource is forbidden", "error": "access_denied", "status": 403, "cause": []},
            }),
            Some(l) => json!({
                "code": 200,
                "body": narrowed(item_json(&world, &l, &headers), params.get("attributes")),
            }),
            None => json!({
                "code": 404,
                "body": {"message": format!("Item with id {id} not found"), "error": "not_found", "status": 404, "cause": []},
            }),
        })
        .collect();
    Ok(Json(Value::Array(out)))
}
