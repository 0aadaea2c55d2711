//! The one error type of the client.

/// What went wrong talking to Mercado Libre, by meaning rather than by HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum MeliError {
    #[error("the access token expired or was revoked")]
    Unauthorized,
    #[error("Mercado Libre refused the request: {reason}")]
    Forbidden { reason: String },
    #[error("not found")]
    NotFound,
    #[error("rate limited by Mercado Libre")]
    RateLimited { retry_after_secs: Option<u64> },
    #[error("Mercado Libre answered with a server error ({status})")]
    Server { status: u16 },
    #[error("could not reach Mercado Libre: {0}")]
    Network(String),
    #[error("unexpected response from Mercado Libre: {excerpt}")]
    Decode { excerpt: String },
}
