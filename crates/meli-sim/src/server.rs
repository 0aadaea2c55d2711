//! Serving: the connection loop (ours, so that a fault can drop a connection before any byte of
//! response) and the middleware every API request passes through — request log, injected faults
//! and the rate limit, in that order.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::Utc;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::error::ApiError;
use crate::faults::FaultKind;
use crate::request_log::LoggedRequest;
use crate::state::Shared;

/// Marks a response whose connection must be closed instead of answered.
#[derive(Debug, Clone, Copy)]
struct DropConnection;

/// Names the fault that shaped a response, for the request log.
#[derive(Debug, Clone, Copy)]
struct FaultApplied(&'static str);

#[derive(Debug)]
struct DroppedByFault;

impl std::fmt::Display for DroppedByFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedByFault {}

/// Accepts connections until `shutdown` changes or its sender is dropped.
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                match accepted {
                    Ok((stream, _)) => spawn_connection(stream, router.clone(), shutdown.clone()),
                    // Out of file descriptors or similar: wait a little rather than spin.
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
            _ = shutdown.changed() => break,
        }
    }
}

fn spawn_connection(
    stream: tokio::net::TcpStream,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    tokio::spawn(async move {
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let router = router.clone();
            async move {
                let response = match router.oneshot(req.map(Body::new)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                // Returning an error makes hyper close the connection without a response.
                if response.extensions().get::<DropConnection>().is_some() {
                    return Err(DroppedByFault);
                }
                Ok(response)
            }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service);
        tokio::select! {
            _ = connection => {}
            _ = shutdown.changed() => {}
        }
    });
}

/// Outermost: records every API request with its endpoint pattern and final status. A request
/// whose client went away before the answer (it timed out during a `LateAnswer`) is recorded
/// too, with status 499: what it did was done, and a test counting posts must see it.
pub async fn log_requests(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let endpoint = match req.extensions().get::<MatchedPath>() {
        Some(pattern) => format!("{method} {}", pattern.as_str()),
        None => format!("{method} {path}"),
    };
    let (application, user) = token_owner(&req);
    let mut pending = PendingEntry {
        shared: shared.clone(),
        entry: Some(LoggedRequest {
            elapsed_ms: shared.log.elapsed_ms(),
            at: Utc::now(),
            method,
            path,
            query,
            endpoint,
            status: CLIENT_GONE,
            fault: None,
            application,
            user,
        }),
    };
    let mut response = next.run(req).await;
    // The server's own clock, as real servers send it: clients measure their skew with it.
    if let Ok(date) = HeaderValue::from_str(&http_date(shared.now())) {
        response.headers_mut().insert(header::DATE, date);
    }
    if let Some(entry) = pending.entry.as_mut() {
        entry.status = response.status().as_u16();
        entry.fault = response
            .extensions()
            .get::<FaultApplied>()
            .map(|f| f.0.to_owned());
    }
    drop(pending);
    response
}

/// The application and user a bearer token names: the simulator's access tokens read
/// `APP_USR-{client_id}-{date}-{random}-{user}`, as Mercado Libre's do.
fn token_owner(req: &Request) -> (Option<u64>, Option<u64>) {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(token) = token else {
        return (None, None);
    };
    let parts: Vec<&str> = token.split('-').collect();
    let application = parts.get(1).and_then(|p| p.parse().ok());
    let user = parts.last().and_then(|p| p.parse().ok());
    (application, user)
}

/// The status logged for a request whose client closed the connection before the answer.
const CLIENT_GONE: u16 = 499;

/// A request's log entry, pushed when the request is answered or abandoned.
struct PendingEntry {
    shared: Arc<Shared>,
    entry: Option<LoggedRequest>,
}

impl Drop for PendingEntry {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.shared.log.push(entry);
        }
    }
}

/// An HTTP date (RFC 9110 IMF-fixdate).
fn http_date(at: chrono::DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Applies the fault a rule picks for this request, if any.
pub async fn inject_faults(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let fault = shared.faults.pick(req.method().as_str(), req.uri().path());
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    match fault {
        FaultKind::TooManyRequests { retry_after_secs } => {
            let mut response = too_many_requests(Duration::from_secs(retry_after_secs));
            response
                .extensions_mut()
                .insert(FaultApplied("too_many_requests"));
            response
        }
        FaultKind::ServerError => {
            let mut response = ApiError::internal().into_response();
            response
                .extensions_mut()
                .insert(FaultApplied("server_error"));
            response
        }
        FaultKind::Status { status, message } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let error = code
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase()
                .replace(' ', "_");
            let message = message.unwrap_or_else(|| format!("{error} (simulated)"));
            let mut response = ApiError::standard(code, &error, message).into_response();
            response.extensions_mut().insert(FaultApplied("status"));
            response
        }
        FaultKind::Slow { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            let mut response = next.run(req).await;
            response.extensions_mut().insert(FaultApplied("slow"));
            response
        }
        FaultKind::LateAnswer { delay_ms } => {
            let mut response = next.run(req).await;
            response
                .extensions_mut()
                .insert(FaultApplied("late_answer"));
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            response
        }
        FaultKind::DropConnection => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(DropConnection);
            response
                .extensions_mut()
                .insert(FaultApplied("drop_connection"));
            response
        }
        FaultKind::MalformedJson => {
            let response = next.run(req).await;
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            );
            parts.extensions.insert(FaultApplied("malformed_json"));
            let body = Body::from("<html><body><h1>502 Bad Gateway</h1></body></html>{\"id\":");
            Response::from_parts(parts, body)
        }
        FaultKind::Quirks => {
            let response = next.run(req).await;
            let (mut parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(mut json) => {
                    crate::quirks::apply(&mut json);
                    Body::from(json.to_string())
                }
                // Not JSON (a file download): nothing to vary.
                Err(_) => Body::from(bytes),
            };
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.extensions.insert(FaultApplied("quirks"));
            Response::from_parts(parts, body)
        }
        FaultKind::TruncatedBody => {
            let response = next.run(req).await;
            let (mut parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.extensions.insert(FaultApplied("truncated_body"));
            Response::from_parts(parts, Body::from(cut))
        }
    }
}

/// Without the Messages permission every messaging call is refused for the whole
/// application, with the application-level body (not the per-resource one that says a pack
/// is not the seller's).
pub async fn messages_permission(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path().starts_with("/messages") && !shared.switches.get().messages_scope {
        let body = serde_json::json!({
            "status": 403,
            "error": "access_denied",
            "message": "access to the requested resource is forbidden",
            "code": "FORBIDDEN",
        });
        return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
    }
    next.run(req).await
}

/// The endless-paging quirk: the first page for any offset, and a `total` of 10^9.
pub async fn endless_paging(
    State(shared): State<Arc<Shared>>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let paged = path == "/orders/search"
        || (path.starts_with("/messages/packs/") && req.method() == axum::http::Method::GET);
    if !paged || !shared.switches.get().endless_paging {
        return next.run(req).await;
    }
    let query: String = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.starts_with("offset="))
        .collect::<Vec<_>>()
        .join("&");
    if let Ok(uri) = format!("{path}?{query}").parse() {
        *req.uri_mut() = uri;
    }
    let response = next.run(req).await;
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut json) => {
            if let Some(paging) = json.get_mut("paging").and_then(|p| p.as_object_mut()) {
                paging.insert("total".into(), serde_json::json!(1_000_000_000u64));
            }
            Body::from(json.to_string())
        }
        Err(_) => Body::from(bytes),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

/// 500/min reads and 500/min writes per application (configurable).
pub async fn limit_rate(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let write = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
    match shared.rate.admit(write) {
        Ok(()) => next.run(req).await,
        Err(wait) => too_many_requests(wait),
    }
}

/// The documented 429 body with a `Retry-After` in whole seconds (at least one).
fn too_many_requests(wait: Duration) -> Response {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = ApiError::too_many_requests().into_response();
    if let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Unknown paths answer like Mercado Libre does.
pub async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!("resource {} not found", req.uri().path()))
}
