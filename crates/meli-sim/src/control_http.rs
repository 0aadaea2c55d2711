//! The control API over HTTP (`/_sim/…`), for end-to-end tests that drive the app's built-in
//! simulator from outside the process. Each route calls the same [`Control`] method.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::RateLimit;
use crate::control::{Control, SimSummary, Upload};
use crate::error::SimError;
use crate::faults::{FaultKind, FaultRule};
use crate::model::OrderStatus;
use crate::request_log::LoggedRequest;
use crate::scenario::{CreatedSale, NewSale};
use crate::state::Shared;
use crate::switches::{SwitchChange, SwitchState};
use crate::tokens::TokenPair;

type Ctl = State<Arc<Shared>>;
type Done = Result<Json<Value>, SimError>;

fn control(shared: Arc<Shared>) -> Control {
    Control::new(shared)
}

fn ok() -> Done {
    Ok(Json(json!({ "ok": true })))
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/summary", get(summary))
        .route("/_sim/token", post(token))
        .route("/_sim/sales", post(create_sale))
        .route("/_sim/orders/{id}/pay", post(pay))
        .route("/_sim/orders/{id}/cancel", post(cancel))
        .route("/_sim/orders/{id}/deliver", post(deliver))
        .route("/_sim/orders/{id}/status", post(set_status))
        .route("/_sim/packs/{id}/buyer_messages", post(buyer_writes))
        .route("/_sim/packs/{id}/buyer_read", post(buyer_reads))
        .route("/_sim/packs/{id}/seller_messages", post(seller_writes))
        .route("/_sim/packs/{id}/seller_read", post(seller_reads))
        .route("/_sim/packs/{id}/block", post(block).delete(unblock))
        .route("/_sim/packs/{id}/flags", post(flags))
        .route("/_sim/packs/{id}/caps", post(caps))
        .route("/_sim/packs/{id}/listing_lag", post(listing_lag))
        .route(
            "/_sim/packs/{id}/faults",
            post(pack_fault).delete(lift_pack_fault),
        )
        .route("/_sim/switches", get(switches).post(set_switches))
        .route("/_sim/revoke", post(revoke))
        .route("/_sim/login", post(login))
        .route("/_sim/pkce", post(pkce))
        .route("/_sim/rate_limit", post(rate_limit))
        .route("/_sim/clock", get(clock))
        .route("/_sim/clock/advance", post(advance))
        .route(
            "/_sim/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/_sim/requests", get(requests).delete(clear_requests))
        .route("/_sim/requests/counts", get(counts))
        .route(
            "/_sim/requests/reads_per_application",
            get(reads_per_application),
        )
        .route("/_sim/live", post(live))
        .merge(crate::questions::control::routes())
}

#[derive(Deserialize)]
struct UserBody {
    user_id: u64,
}

async fn summary(State(s): Ctl) -> Json<SimSummary> {
    Json(control(s).summary())
}

async fn token(State(s): Ctl, Json(body): Json<UserBody>) -> Result<Json<TokenPair>, SimError> {
    control(s).issue_token(body.user_id).map(Json)
}

async fn create_sale(
    State(s): Ctl,
    Json(body): Json<NewSale>,
) -> Result<Json<CreatedSale>, SimError> {
    control(s).create_sale(body).map(Json)
}

async fn pay(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).buyer_pays(id)?;
    ok()
}

async fn cancel(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).buyer_cancels(id)?;
    ok()
}

async fn deliver(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).deliver(id)?;
    ok()
}

#[derive(Deserialize)]
struct StatusBody {
    status: OrderStatus,
}

async fn set_status(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<StatusBody>) -> Done {
    control(s).set_order_status_to(id, body.status)?;
    ok()
}

#[derive(Deserialize)]
struct AttachmentBody {
    filename: String,
    content_base64: String,
}

#[derive(Deserialize)]
struct BuyerMessage {
    text: String,
    #[serde(default)]
    attachment: Option<AttachmentBody>,
}

async fn buyer_writes(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<BuyerMessage>) -> Done {
    let upload = match body.attachment {
        Some(a) => Some(Upload {
            filename: a.filename,
            data: base64::engine::general_purpose::STANDARD
                .decode(a.content_base64)
                .map_err(|e| SimError::InvalidControl(format!("content_base64: {e}")))?,
        }),
        None => None,
    };
    let message_id = control(s).buyer_writes(id, &body.text, upload)?;
    Ok(Json(json!({ "id": message_id })))
}

async fn buyer_reads(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).buyer_reads(id)?;
    ok()
}

async fn seller_reads(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).seller_reads_on_site(id)?;
    ok()
}

#[derive(Deserialize)]
struct TextBody {
    text: String,
}

async fn seller_writes(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<TextBody>) -> Done {
    let message_id = control(s).seller_writes_on_site(id, &body.text)?;
    Ok(Json(json!({ "id": message_id })))
}

#[derive(Deserialize)]
struct BlockBody {
    substatus: String,
}

async fn block(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<BlockBody>) -> Done {
    control(s).block_conversation(id, &body.substatus)?;
    ok()
}

async fn unblock(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).unblock_conversation(id)?;
    ok()
}

#[derive(Deserialize)]
struct FlagsBody {
    #[serde(default)]
    excepted_case: Option<bool>,
    #[serde(default)]
    buyer_deactivated: Option<bool>,
}

async fn flags(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<FlagsBody>) -> Done {
    control(s).set_flags(id, body.excepted_case, body.buyer_deactivated)?;
    ok()
}

#[derive(Deserialize)]
struct CapBody {
    option_id: String,
    cap_available: u8,
}

async fn caps(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<CapBody>) -> Done {
    control(s).set_cap(id, &body.option_id, body.cap_available)?;
    ok()
}

/// `{"reads": 2}`: new messages of the pack are listed only from the third listing on.
#[derive(Deserialize)]
struct ListingLagBody {
    reads: u32,
}

async fn listing_lag(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<ListingLagBody>) -> Done {
    control(s).list_late(id, body.reads)?;
    ok()
}

/// `{"status": 451}` or `{"malformed": true}`, with `times` (absent: for ever).
#[derive(Deserialize)]
struct PackFaultBody {
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    malformed: bool,
    #[serde(default)]
    times: Option<u32>,
}

async fn pack_fault(State(s): Ctl, Path(id): Path<u64>, Json(body): Json<PackFaultBody>) -> Done {
    let kind = match (body.status, body.malformed) {
        (Some(status), false) if (400..=599).contains(&status) => FaultKind::Status {
            status,
            message: body.message,
        },
        (None, true) => FaultKind::MalformedJson,
        _ => {
            return Err(SimError::InvalidControl(
                "give either a status between 400 and 599 or malformed: true".into(),
            ))
        }
    };
    control(s).fault_pack(id, kind, body.times)?;
    ok()
}

async fn lift_pack_fault(State(s): Ctl, Path(id): Path<u64>) -> Done {
    control(s).lift_pack_fault(id)?;
    ok()
}

async fn switches(State(s): Ctl) -> Json<SwitchState> {
    Json(control(s).switches())
}

async fn set_switches(State(s): Ctl, Json(change): Json<SwitchChange>) -> Json<SwitchState> {
    Json(control(s).set_switches(&change))
}

async fn revoke(State(s): Ctl, Json(body): Json<UserBody>) -> Done {
    control(s).revoke_app(body.user_id);
    ok()
}

async fn login(State(s): Ctl, Json(body): Json<UserBody>) -> Done {
    control(s).log_in_as(body.user_id)?;
    ok()
}

#[derive(Deserialize)]
struct PkceBody {
    required: bool,
}

async fn pkce(State(s): Ctl, Json(body): Json<PkceBody>) -> Done {
    control(s).set_pkce_required(body.required);
    ok()
}

#[derive(Deserialize)]
struct RateBody {
    reads_per_minute: u32,
    writes_per_minute: u32,
}

async fn rate_limit(State(s): Ctl, Json(body): Json<Option<RateBody>>) -> Done {
    control(s).set_rate_limit(body.map(|b| RateLimit {
        reads_per_minute: b.reads_per_minute,
        writes_per_minute: b.writes_per_minute,
    }));
    ok()
}

async fn clock(State(s): Ctl) -> Json<Value> {
    Json(json!({ "now": control(s).now() }))
}

#[derive(Deserialize)]
struct AdvanceBody {
    seconds: u64,
}

async fn advance(State(s): Ctl, Json(body): Json<AdvanceBody>) -> Json<Value> {
    let ctl = control(s);
    ctl.advance_clock(Duration::from_secs(body.seconds));
    Json(json!({ "now": ctl.now() }))
}

async fn add_fault(State(s): Ctl, Json(rule): Json<FaultRule>) -> Done {
    control(s).inject_fault(rule);
    ok()
}

async fn list_faults(State(s): Ctl) -> Json<Vec<FaultRule>> {
    Json(control(s).faults())
}

async fn clear_faults(State(s): Ctl) -> Done {
    control(s).clear_faults();
    ok()
}

async fn requests(State(s): Ctl) -> Json<Vec<LoggedRequest>> {
    Json(control(s).requests())
}

async fn counts(State(s): Ctl) -> Json<BTreeMap<String, u64>> {
    Json(control(s).request_counts())
}

async fn reads_per_application(State(s): Ctl) -> Json<BTreeMap<u64, u64>> {
    Json(control(s).reads_per_application())
}

async fn clear_requests(State(s): Ctl) -> Done {
    control(s).clear_requests();
    ok()
}

#[derive(Deserialize)]
struct LiveBody {
    interval_ms: Option<u64>,
}

async fn live(State(s): Ctl, Json(body): Json<LiveBody>) -> Done {
    control(s).set_live(body.interval_ms.map(Duration::from_millis));
    ok()
}
