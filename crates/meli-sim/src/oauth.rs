//! OAuth 2.0 as Mercado Libre runs it: the authorization page on the auth host, the token
//! endpoint on the API host, and the bearer-token check of every API resource.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::state::Shared;
use crate::tokens::{AuthCode, TokenPair, CODE_LIFETIME_SECS};

/// The user whose valid access token came with the request.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub u64);

impl FromRequestParts<Arc<Shared>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> ApiResult<Self> {
        let token = bearer(&parts.headers).ok_or_else(ApiError::invalid_token)?;
        let now = shared.now();
        shared
            .world()
            .tokens
            .user_of(token, now)
            .map(Caller)
            .ok_or_else(ApiError::invalid_token)
    }
}

/// A caller when a token came, `None` when none did; an invalid token is still a 401.
#[derive(Debug, Clone, Copy)]
pub struct MaybeCaller(pub Option<u64>);

impl FromRequestParts<Arc<Shared>> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> ApiResult<Self> {
        if bearer(&parts.headers).is_none() {
            return Ok(MaybeCaller(None));
        }
        let Caller(id) = Caller::from_request_parts(parts, shared).await?;
        Ok(MaybeCaller(Some(id)))
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

pub fn parse_pairs(raw: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect()
}

/// Why an authorization request cannot even be sent back to the application.
fn error_page(message: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\"><title>Mercado Libre</title></head>\
         <body><h1>Lo sentimos, la aplicación no puede conectarse a tu cuenta.</h1>\
         <p data-testid=\"auth-error\">{}</p></body></html>",
        escape(message)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `redirect_uri` with the given query parameters appended.
fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    match url::Url::parse(redirect_uri) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (k, v) in params {
                    query.append_pair(k, v);
                }
            }
            // 302, as Mercado Libre answers the consent.
            (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
        }
        Err(_) => error_page("invalid redirect_uri"),
    }
}

struct AuthRequest {
    redirect_uri: String,
    state: Option<String>,
    challenge: Option<(String, String)>,
}

/// Checks what Mercado Libre checks before showing consent. `Err` is the response to send.
fn validate(
    shared: &Shared,
    params: &HashMap<String, String>,
) -> Result<AuthRequest, Box<Response>> {
    let world = shared.world();
    let client_id = params.get("client_id").map(String::as_str).unwrap_or("");
    if client_id != world.app.client_id.to_string() {
        return Err(Box::new(error_page("invalid client_id")));
    }
    let redirect_uri = params.get("redirect_uri").cloned().unwrap_or_default();
    if redirect_uri != world.app.redirect_uri {
        return Err(Box::new(error_page(
            "your client callback has to match with the redirect_uri param",
        )));
    }
    let state = params.get("state").cloned();
    let with_state = |error: &str, description: &str| {
        let mut query = vec![("error", error), ("error_description", description)];
        if let Some(s) = state.as_deref() {
            query.push(("state", s));
        }
        redirect_with(&redirect_uri, &query)
    };
    if params.get("response_type").map(String::as_str) != Some("code") {
        return Err(Box::new(with_state(
            "unsupported_response_type",
            "response_type must be code",
        )));
    }
    let challenge = match params.get("code_challenge").filter(|c| !c.is_empty()) {
        Some(c) => {
            let method = params
                .get("code_challenge_method")
                .cloned()
                .unwrap_or_else(|| "plain".into());
            if method != "S256" && method != "plain" {
                return Err(Box::new(with_state(
                    "invalid_request",
                    "code_challenge_method must be S256 or plain",
                )));
            }
            Some((c.clone(), method))
        }
        None if world.pkce_required => {
            return Err(Box::new(with_state(
                "invalid_request",
                "code_challenge is a required parameter",
            )));
        }
        None => None,
    };
    Ok(AuthRequest {
        redirect_uri,
        state,
        challenge,
    })
}

/// `GET /authorization` on the auth host: the consent page, or an immediate approval.
pub async fn authorization_page(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = parse_pairs(query.as_deref().unwrap_or(""));
    let request = match validate(&shared, &params) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    let user = shared.world().logged_in;
    if shared.config.auto_approve {
        return approve(&shared, request, user);
    }
    let (nickname, app_id) = {
        let world = shared.world();
        let nickname = world
            .users
            .get(&user)
            .map(|u| u.nickname.clone())
            .unwrap_or_default();
        (nickname, world.app.client_id)
    };
    let mut hidden = String::new();
    for (k, v) in &params {
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(k),
            escape(v)
        ));
    }
    hidden.push_str(&format!(
        "<input type=\"hidden\" name=\"user_id\" value=\"{user}\">"
    ));
    let body = format!(
        "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\">\
         <title>Autorizar aplicación</title></head><body>\
         <h1>La aplicación {app_id} quiere acceder a tu cuenta</h1>\
         <p>Sesión iniciada como <strong data-testid=\"auth-user\">{nick}</strong></p>\
         <form method=\"post\" action=\"/authorization\">{hidden}\
         <button type=\"submit\" name=\"decision\" value=\"allow\" data-testid=\"auth-allow\">Autorizar</button>\
         </form>\
         <form method=\"post\" action=\"/authorization\">{hidden}\
         <button type=\"submit\" name=\"decision\" value=\"deny\" data-testid=\"auth-deny\">Cancelar</button>\
         </form></body></html>",
        nick = escape(&nickname),
    );
    Html(body).into_response()
}

/// `POST /authorization`: the seller clicked Authorize or Deny.
pub async fn authorization_decision(State(shared): State<Arc<Shared>>, body: String) -> Response {
    let params = parse_pairs(&body);
    let request = match validate(&shared, &params) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    let user = params
        .get("user_id")
        .and_then(|u| u.parse::<u64>().ok())
        .filter(|u| shared.world().is_seller(*u));
    let Some(user) = user else {
        return error_page("unknown user");
    };
    if params.get("decision").map(String::as_str) != Some("allow") {
        let mut query = vec![
            ("error", "access_denied"),
            ("error_description", "The user denied the authorization"),
        ];
        if let Some(s) = request.state.as_deref() {
            query.push(("state", s));
        }
        return redirect_with(&request.redirect_uri, &query);
    }
    approve(&shared, request, user)
}

fn approve(shared: &Shared, request: AuthRequest, user: u64) -> Response {
    let now = shared.now();
    let code = {
        let mut world = shared.world();
        let world = &mut *world;
        world.tokens.new_code(
            &mut world.rng,
            AuthCode {
                user,
                redirect_uri: request.redirect_uri.clone(),
                challenge: request.challenge,
                expires_at: now + chrono::TimeDelta::seconds(CODE_LIFETIME_SECS),
            },
        )
    };
    let mut query = vec![("code", code.as_str())];
    if let Some(s) = request.state.as_deref() {
        query.push(("state", s));
    }
    redirect_with(&request.redirect_uri, &query)
}

/// `POST /oauth/token`: both grants, parameters in a form body only.
pub async fn token(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: String,
) -> ApiResult<Json<TokenPair>> {
    if query.is_some_and(|q| !q.is_empty()) {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the parameters must be sent in the request body, not in the query string",
        ));
    }
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "content-type must be application/x-www-form-urlencoded",
        ));
    }
    let params = parse_pairs(&body);
    let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let required = |k: &str| {
        get(k).ok_or_else(|| {
            ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("{k} is a required parameter"),
            )
        })
    };
    let grant_type = required("grant_type")?;
    let client_id = required("client_id")?;
    let client_secret = required("client_secret")?;
    let now = shared.now();
    let mut world = shared.world();
    let world = &mut *world;
    if client_id != world.app.client_id.to_string() || client_secret != world.app.client_secret {
        return Err(ApiError::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "invalid client_id or client_secret",
        ));
    }
    let user = match grant_type {
        "authorization_code" => {
            let code = required("code")?;
            let redirect_uri = required("redirect_uri")?;
            let grant = world
                .tokens
                .take_code(code, now)
                .ok_or_else(ApiError::invalid_grant)?;
            if grant.redirect_uri != redirect_uri {
                return Err(ApiError::invalid_grant());
            }
            if let Some((challenge, method)) = &grant.challenge {
                let verifier = get("code_verifier").ok_or_else(|| {
                    ApiError::oauth(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "code_verifier is a required parameter",
                    )
                })?;
                if !pkce_matches(challenge, method, verifier) {
                    return Err(ApiError::invalid_grant());
                }
            }
            grant.user
        }
        "refresh_token" => {
            let refresh = required("refresh_token")?;
            world
                .tokens
                .take_refresh(refresh, now)
                .ok_or_else(ApiError::invalid_grant)?
        }
        _ => {
            return Err(ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "the grant_type is not supported",
            ))
        }
    };
    let app = world.app.clone();
    Ok(Json(world.tokens.issue(&mut world.rng, &app, user, now)))
}

fn pkce_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    if method == "plain" {
        return challenge == verifier;
    }
    let digest = Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
}
