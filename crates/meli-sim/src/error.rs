//! Errors of the simulator itself ([`SimError`]) and the error bodies it answers with, in each of
//! the shapes Mercado Libre uses ([`ApiError`]).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// What can go wrong when starting or steering a simulator.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("no user {0} in the simulator")]
    UnknownUser(u64),
    #[error("no order {0} in the simulator")]
    UnknownOrder(u64),
    #[error("no pack or lone order {0} in the simulator")]
    UnknownPack(u64),
    #[error("no question {0} in the simulator")]
    UnknownQuestion(u64),
    #[error("{0} is not a seller of the simulator")]
    NotASeller(u64),
    #[error("not allowed: {0}")]
    NotAllowed(String),
    #[error("invalid request to the control API: {0}")]
    InvalidControl(String),
}

impl SimError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            SimError::Bind { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            SimError::UnknownUser(_)
            | SimError::UnknownOrder(_)
            | SimError::UnknownPack(_)
            | SimError::UnknownQuestion(_) => StatusCode::NOT_FOUND,
            SimError::NotASeller(_) | SimError::NotAllowed(_) => StatusCode::CONFLICT,
            SimError::InvalidControl(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        let status = self.status();
        (status, Json(json!({ "error": self.to_string() }))).into_response()
    }
}

/// An error response of the simulated API: a status and a body in one of the published shapes.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

impl ApiError {
    /// The standard shape: `{"message","error","status","cause":[]}`.
    pub fn standard(status: StatusCode, error: &str, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self {
            status,
            body: json!({
                "message": message,
                "error": error,
                "status": status.as_u16(),
                "cause": [],
            }),
        }
    }

    /// The messaging shape: `{"status_code","code","message"}`.
    pub fn messaging(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self {
            status,
            body: json!({ "status_code": status.as_u16(), "code": code, "message": message }),
        }
    }

    /// The action-guide shape: `{"cause","error","message","status_code"}`.
    pub fn action_guide(
        status: StatusCode,
        error: &str,
        message: impl Into<String>,
        cause: Option<&str>,
    ) -> Self {
        let message: String = message.into();
        Self {
            status,
            body: json!({
                "cause": cause,
                "error": error,
                "message": message,
                "status_code": status.as_u16(),
            }),
        }
    }

    /// The OAuth shape: `{"error_description","error","status","cause":[]}`.
    pub fn oauth(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        let description: String = description.into();
        Self {
            status,
            body: json!({
                "error_description": description,
                "error": error,
                "status": status.as_u16(),
                "cause": [],
            }),
        }
    }

    /// The published `invalid_grant` body, word for word.
    pub fn invalid_grant() -> Self {
        Self::oauth(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Error validating grant. Your authorization code or refresh token may be expired or it was already used",
        )
    }

    /// 401 for a missing, unknown, expired or revoked access token.
    pub fn invalid_token() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            body: json!({"message": "invalid_token", "cause": [], "error": "not_found", "status": 401}),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::standard(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::standard(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::standard(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// Every messaging resource requires `tag=post_sale`.
    pub fn tag_required() -> Self {
        Self::bad_request("The tag param is required and its value must be post_sale")
    }

    /// The published 429 body.
    pub fn too_many_requests() -> Self {
        Self::standard(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Too Many Requests",
        )
    }

    pub fn internal() -> Self {
        Self::standard(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "Internal server error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
