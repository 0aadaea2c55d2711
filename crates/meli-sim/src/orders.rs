//! Orders, packs and shipments: `GET /orders/search`, `GET /orders/{id}`, `GET /packs/{id}`,
//! `GET /shipments/{id}`, and the site list.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde_json::{json, Value};

use crate::catalog;
use crate::error::{ApiError, ApiResult};
use crate::model::{Order, OrderStatus, Shipment, ShipmentStatus, SITES};
use crate::oauth::Caller;
use crate::state::{Shared, World};
use crate::time_fmt::{local, utc};

/// The most results one search page returns (the stricter of the published numbers).
pub const MAX_LIMIT: usize = 50;

/// How deep a search may page: third-party code assumes an offset cap of 1,000 or 10,000.
/// The stricter reading: no page may reach past the 1,000th result (`offset + limit`).
pub const MAX_RESULTS: usize = 1_000;

/// With the `moving_shipments` switch, a shipment ready to ship is shipped this long after
/// it became ready…
pub fn ships_after() -> TimeDelta {
    TimeDelta::hours(24)
}

/// …and delivered this long after it shipped.
pub fn delivered_after() -> TimeDelta {
    TimeDelta::hours(48)
}

/// A shipment as of `now`: status, substatus and since when. Without `moving`, as stored.
pub fn shipment_now(
    s: &Shipment,
    moving: bool,
    now: DateTime<Utc>,
) -> (ShipmentStatus, Option<&'static str>, DateTime<Utc>) {
    let shipped_at = match s.status {
        ShipmentStatus::ReadyToShip if moving => s.last_updated + ships_after(),
        ShipmentStatus::Shipped if moving => s.last_updated,
        status => return (status, None, s.last_updated),
    };
    let delivered_at = shipped_at + delivered_after();
    if now >= delivered_at {
        (ShipmentStatus::Delivered, None, delivered_at)
    } else if now >= shipped_at {
        let substatus = (now >= delivered_at - TimeDelta::hours(12)).then_some("out_for_delivery");
        (ShipmentStatus::Shipped, substatus, shipped_at)
    } else {
        (
            ShipmentStatus::ReadyToShip,
            Some("ready_to_print"),
            s.last_updated,
        )
    }
}

/// Drops the fields a partial answer lacks; `true` when it dropped any.
fn make_partial(order: &mut Value, fields: &[String]) -> bool {
    let Some(map) = order.as_object_mut() else {
        return false;
    };
    let before = map.len();
    for field in fields {
        map.remove(field.as_str());
    }
    map.len() != before
}

/// `206 Partial Content` with `X-Content-Missing` naming what is missing, or a plain 200.
fn answer(body: Value, missing: &[String], partial: bool) -> Response {
    if !partial {
        return Json(body).into_response();
    }
    let mut response = (StatusCode::PARTIAL_CONTENT, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&missing.join(", ")) {
        response.headers_mut().insert("x-content-missing", value);
    }
    response
}

fn money(cents: u64) -> f64 {
    cents as f64 / 100.0
}

fn parse_order_id(raw: &str) -> ApiResult<u64> {
    if raw.trim().is_empty() {
        return Err(ApiError::standard(
            StatusCode::BAD_REQUEST,
            "empty_order_id",
            "Order id is empty",
        ));
    }
    raw.parse().map_err(|_| {
        ApiError::standard(
            StatusCode::BAD_REQUEST,
            "invalid_order_id",
            format!("Invalid order id {raw}"),
        )
    })
}

fn tags(world: &World, order: &Order) -> Vec<&'static str> {
    let mut tags = Vec::new();
    if order.status.was_paid() {
        tags.push("paid");
    }
    match order.shipment.and_then(|id| world.shipments.get(&id)) {
        Some(s) if s.status == ShipmentStatus::Delivered => tags.push("delivered"),
        Some(_) => tags.push("not_delivered"),
        None => tags.push("no_shipping"),
    }
    if order.pack.is_some() {
        tags.push("pack_order");
    }
    tags
}

pub fn item_title(world: &World, order: &Order) -> &'static str {
    let portuguese = world
        .users
        .get(&order.seller)
        .is_some_and(|s| s.site.portuguese);
    let items = if portuguese {
        catalog::ITEMS_PT
    } else {
        catalog::ITEMS_ES
    };
    items
        .get(usize::from(order.item))
        .map_or("Producto", |i| i.0)
}

pub fn order_json(world: &World, order: &Order) -> Value {
    let seller = world.users.get(&order.seller);
    let Some(site) = seller.map(|s| s.site) else {
        return Value::Null;
    };
    let title = item_title(world, order);
    let total = money(order.total_cents());
    let paid = order.status.was_paid();
    let paid_amount = match order.status {
        s if s.was_paid() => total,
        OrderStatus::PartiallyPaid => (total / 2.0 * 100.0).round() / 100.0,
        _ => 0.0,
    };
    let payments = if paid || order.status == OrderStatus::PartiallyPaid {
        let approved = order.date_closed.unwrap_or(order.date_created);
        vec![json!({
            "id": order.id / 10 + 4_000_000_000,
            "order_id": order.id,
            "payer_id": order.buyer,
            "collector": { "id": order.seller },
            "status": "approved",
            "status_detail": "accredited",
            "operation_type": "regular_payment",
            "reason": title,
            "transaction_amount": paid_amount,
            "total_paid_amount": paid_amount,
            "shipping_cost": 0,
            "installments": 1,
            "installment_amount": paid_amount,
            "currency_id": site.currency_id,
            "payment_method_id": "master",
            "payment_type": "credit_card",
            "site_id": site.id,
            "date_approved": local(approved, site),
            "date_created": local(order.date_created, site),
            "date_last_modified": local(approved, site),
            "marketplace_fee": (paid_amount * 11.0).round() / 100.0,
            "available_actions": ["refund"],
            "coupon_amount": 0,
            "taxes_amount": 0,
            "overpaid_amount": 0,
        })]
    } else {
        Vec::new()
    };
    json!({
        "seller": { "nickname": seller.map(|s| s.nickname.clone()), "id": order.seller },
        "payments": payments,
        "fulfilled": world.shipments.get(&order.shipment.unwrap_or_default()).map(|s| s.status == ShipmentStatus::Delivered),
        "buying_mode": "buy_equals_pay",
        "taxes": { "amount": null, "currency_id": null },
        "order_request": { "change": null, "return": null },
        "feedback": { "sale": null, "purchase": null },
        "shipping": { "id": order.shipment },
        "date_closed": order.date_closed.map(|d| local(d, site)),
        "id": order.id,
        "manufacturing_ending_date": null,
        "order_items": [{
            "item": {
                "seller_custom_field": null,
                "condition": "new",
                "category_id": format!("{}1055", site.id),
                "variation_id": null,
                "variation_attributes": [],
                "seller_sku": null,
                "warranty": if site.portuguese { "Garantia do vendedor: 90 dias" } else { "Garantía del vendedor: 90 días" },
                "id": format!("{}{}", site.id, 1_054_990_600 + u64::from(order.item)),
                "title": title,
            },
            "quantity": order.quantity,
            "differential_pricing_id": null,
            "sale_fee": (money(order.unit_price_cents) * 11.0).round() / 100.0,
            "listing_type_id": "gold_special",
            "base_currency_id": null,
            "unit_price": money(order.unit_price_cents),
            "full_unit_price": money(order.unit_price_cents),
            "base_exchange_rate": null,
            "currency_id": site.currency_id,
            "manufacturing_days": null,
        }],
        "date_last_updated": utc(order.last_updated),
        "last_updated": local(order.last_updated, site),
        "comments": null,
        "pack_id": order.pack,
        "coupon": { "amount": 0, "id": null },
        "shipping_cost": 0,
        "date_created": local(order.date_created, site),
        "status_detail": null,
        "tags": tags(world, order),
        "buyer": { "id": order.buyer },
        "total_amount": total,
        "paid_amount": paid_amount,
        "mediations": world.conversations.get(&order.pack.unwrap_or(order.id))
            .and_then(|c| c.claim_id)
            .map(|id| vec![json!({ "id": id })])
            .unwrap_or_default(),
        "currency_id": site.currency_id,
        "status": order.status.as_str(),
        "context": { "channel": "marketplace", "site": site.id, "flows": [] },
    })
}

/// Date filters keep only the hour: minutes, seconds and milliseconds are discarded.
fn hour_param(params: &HashMap<String, String>, name: &str) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(raw) = params.get(name) else {
        return Ok(None);
    };
    let parsed = DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map_err(|_| ApiError::bad_request(format!("Invalid date format for {name}: {raw}")))?;
    let hour = parsed
        .with_timezone(&Utc)
        .duration_trunc(TimeDelta::hours(1))
        .map_err(|_| ApiError::bad_request(format!("Invalid date for {name}")))?;
    Ok(Some(hour))
}

fn number_param(params: &HashMap<String, String>, name: &str, default: usize) -> ApiResult<usize> {
    match params.get(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request(format!("Invalid {name} param: {raw}"))),
    }
}

/// `GET /orders/search?seller=…`
pub async fn search(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let Some(seller) = params.get("seller") else {
        return Err(ApiError::bad_request(
            "A filter is required: seller or buyer",
        ));
    };
    let seller: u64 = seller.parse().map_err(|_| {
        ApiError::standard(
            StatusCode::BAD_REQUEST,
            "caller.id.invalid",
            "Invalid seller id",
        )
    })?;
    if seller != caller {
        return Err(ApiError::standard(
            StatusCode::FORBIDDEN,
            "caller.id.invalid",
            "The caller is not authorized to access the orders of this seller",
        ));
    }
    let offset = number_param(&params, "offset", 0)?;
    let limit = number_param(&params, "limit", MAX_LIMIT)?;
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "Invalid limit param: the limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    if offset.saturating_add(limit) > MAX_RESULTS {
        return Err(ApiError::bad_request(format!(
            "Invalid offset param: offset plus limit must not exceed {MAX_RESULTS}"
        )));
    }
    let switches = shared.switches.get();
    let statuses: Option<Vec<OrderStatus>> = match params.get("order.status") {
        None => None,
        Some(list) => Some(
            list.split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    OrderStatus::parse(s).ok_or_else(|| {
                        ApiError::bad_request(format!("Invalid order.status value: {s}"))
                    })
                })
                .collect::<ApiResult<_>>()?,
        ),
    };
    if switches.refuse_invalid_status
        && statuses
            .as_ref()
            .is_some_and(|s| s.contains(&OrderStatus::Invalid))
    {
        return Err(ApiError::bad_request("Invalid order.status value: invalid"));
    }
    let updated_from = hour_param(&params, "order.date_last_updated.from")?;
    let updated_to = hour_param(&params, "order.date_last_updated.to")?;
    let created_from = hour_param(&params, "order.date_created.from")?;
    let created_to = hour_param(&params, "order.date_created.to")?;
    let closed_from = hour_param(&params, "order.date_closed.from")?;
    let closed_to = hour_param(&params, "order.date_closed.to")?;
    let q = params.get("q").map(|q| q.to_lowercase());
    let tag_list = |name: &str| -> Vec<String> {
        params
            .get(name)
            .map(|v| {
                v.split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let tags_in = tag_list("tags");
    let tags_out = tag_list("tags.not");
    let sort = params.get("sort").map_or("date_asc", String::as_str);
    if !matches!(sort, "date_asc" | "date_desc") {
        return Err(ApiError::bad_request(format!("Invalid sort value: {sort}")));
    }
    let drop_cancelled = shared.config.strict_cancelled_filter && statuses.is_none();
    // Searches keep orders created in the last 12 months.
    let oldest = shared.now() - TimeDelta::days(365);
    let within = |t: DateTime<Utc>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
        from.is_none_or(|f| t >= f) && to.is_none_or(|to| t <= to)
    };

    let mut world = shared.world();
    let mut sorted = world.sorted_orders(seller).to_vec();
    if sort == "date_desc" {
        sorted.reverse();
    }
    let world = &*world;
    let filter_tags = !tags_in.is_empty() || !tags_out.is_empty();
    let found: Vec<&Order> = sorted
        .iter()
        .filter_map(|&i| world.orders.get(i))
        .filter(|o| match &statuses {
            Some(list) => list.contains(&o.status),
            None => !(drop_cancelled && o.status == OrderStatus::Cancelled),
        })
        .filter(|o| o.date_created >= oldest)
        .filter(|o| within(o.last_updated, updated_from, updated_to))
        .filter(|o| within(o.date_created, created_from, created_to))
        .filter(|o| {
            (closed_from.is_none() && closed_to.is_none())
                || o.date_closed
                    .is_some_and(|c| within(c, closed_from, closed_to))
        })
        .filter(|o| match &q {
            None => true,
            Some(q) => {
                o.id.to_string() == *q
                    || item_title(world, o).to_lowercase().contains(q.as_str())
                    || world
                        .users
                        .get(&o.buyer)
                        .is_some_and(|b| b.nickname.to_lowercase() == *q)
            }
        })
        .filter(|o| {
            if !filter_tags {
                return true;
            }
            let tags = tags(world, o);
            tags_in.iter().all(|t| tags.contains(&t.as_str()))
                && !tags_out.iter().any(|t| tags.contains(&t.as_str()))
        })
        .collect();
    let total = found.len();
    let missing = &switches.partial_fields;
    let mut partial = false;
    let results: Vec<Value> = found
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|o| {
            let mut json = order_json(world, o);
            partial |= make_partial(&mut json, missing);
            json
        })
        .collect();
    let (sort_name, other_id, other_name) = if sort == "date_desc" {
        ("Date descending", "date_asc", "Date ascending")
    } else {
        ("Date ascending", "date_desc", "Date descending")
    };
    let body = json!({
        "query": params.get("q"),
        "results": results,
        "sort": { "id": sort, "name": sort_name },
        "available_sorts": [{ "id": other_id, "name": other_name }],
        "filters": [],
        "paging": { "total": total, "offset": offset, "limit": limit },
        "display": if partial { "partial" } else { "complete" },
    });
    Ok(answer(body, missing, partial))
}

/// `GET /orders/{id}`
pub async fn by_id(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = parse_order_id(&id)?;
    let world = shared.world();
    let order = world.order(id).ok_or_else(|| {
        ApiError::standard(
            StatusCode::NOT_FOUND,
            "order_not_found",
            format!("Order {id} not found"),
        )
    })?;
    if order.seller != caller && order.buyer != caller {
        return Err(ApiError::standard(
            StatusCode::FORBIDDEN,
            "not_owned_order",
            format!("The caller {caller} is not the owner of the order {id}"),
        ));
    }
    let missing = shared.switches.get().partial_fields;
    let mut json = order_json(&world, order);
    let partial = make_partial(&mut json, &missing);
    Ok(answer(json, &missing, partial))
}

/// `GET /packs/{id}`
pub async fn pack(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let not_found = || ApiError::not_found("Order do not exists");
    let id: u64 = id.parse().map_err(|_| not_found())?;
    let world = shared.world();
    let pack = world.packs.get(&id).ok_or_else(not_found)?;
    if pack.seller != caller && pack.buyer != caller {
        return Err(ApiError::forbidden("The user has not access to the order"));
    }
    let site = world
        .users
        .get(&pack.seller)
        .map(|u| u.site)
        .unwrap_or(&SITES[0]);
    let orders = world.sale_orders(id);
    let status = if orders
        .iter()
        .all(|o| matches!(o.status, OrderStatus::Cancelled | OrderStatus::Invalid))
    {
        "cancelled"
    } else {
        "released"
    };
    let last_updated = orders
        .iter()
        .map(|o| o.last_updated)
        .max()
        .unwrap_or(pack.last_updated);
    Ok(Json(json!({
        "shipment": pack.shipment.map(|id| json!({ "id": id })),
        "orders": pack.orders.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>(),
        "id": pack.id,
        "status": status,
        "status_detail": null,
        "buyer": { "id": pack.buyer },
        "date_created": local(pack.date_created, site),
        "last_updated": local(last_updated, site),
    })))
}

/// `GET /shipments/{id}`
pub async fn shipment(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let not_found = || ApiError::not_found(format!("Shipment {id} not found"));
    let parsed: u64 = id.parse().map_err(|_| not_found())?;
    let world = shared.world();
    let shipment = world.shipments.get(&parsed).ok_or_else(not_found)?;
    let buyer = world.order(shipment.order).map(|o| o.buyer);
    if shipment.seller != caller && buyer != Some(caller) {
        return Err(ApiError::forbidden(format!(
            "The caller is not authorized to access the shipment {parsed}"
        )));
    }
    let site = world
        .users
        .get(&shipment.seller)
        .map(|u| u.site)
        .unwrap_or(&SITES[0]);
    let (status, substatus, since) = shipment_now(
        shipment,
        shared.switches.get().moving_shipments,
        shared.now(),
    );
    let delivered = status == ShipmentStatus::Delivered;
    let last_updated = since.max(shipment.last_updated);
    Ok(Json(json!({
        "id": shipment.id,
        "order_id": shipment.order,
        "status": status.as_str(),
        "substatus": substatus,
        "mode": shipment.logistic_type.mode(),
        "logistic_type": shipment.logistic_type.as_str(),
        "site_id": site.id,
        "date_created": local(shipment.date_created, site),
        "last_updated": local(last_updated, site),
        "status_history": {
            "date_shipped": if delivered { Some(local(last_updated - TimeDelta::days(1), site)) } else { None },
            "date_delivered": if delivered { Some(local(last_updated, site)) } else { None },
            "date_cancelled": if status == ShipmentStatus::Cancelled { Some(local(last_updated, site)) } else { None },
        },
    })))
}
