//! One request, end to end: budget, bearer token, refresh once on 401, retries for what may be
//! retried, and errors by meaning.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::Client;
use crate::rate::RequestKind;
use crate::{MeliError, Secret};

/// A file to upload as multipart field `file`; rebuilt for every try because a multipart form
/// cannot be reused.
pub(crate) struct Upload {
    pub filename: String,
    pub mime: String,
    pub bytes: Bytes,
}

pub(crate) enum Body {
    Empty,
    Json(serde_json::Value),
    File(Upload),
}

/// How a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads and idempotent uploads: retry on 429, 5xx and network errors.
    Retry,
    /// Sending a message: a failure after the request left is ambiguous and never retried here.
    Never,
}

pub(crate) struct Call {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, &'static str)>,
    pub body: Body,
    pub replay: Replay,
    /// Files up to 25 MB travel here: allow more than the usual per-exchange timeout.
    pub transfer: bool,
}

/// The timeout for attachment uploads and downloads.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(300);

/// The largest JSON answer read: a conversation page of 50 messages or a page of 50 orders
/// is well under 1 MB.
pub(crate) const JSON_BODY_LIMIT: usize = 8 * 1024 * 1024;
/// The largest file answer read: attachments are at most 25 MB.
pub(crate) const TRANSFER_BODY_LIMIT: usize = 26 * 1024 * 1024;

/// Reads a body of at most `limit` bytes: a larger `Content-Length` is refused before
/// reading, and a body without one is cut off as soon as it passes the limit.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, MeliError> {
    if response
        .content_length()
        .is_some_and(|len| usize::try_from(len).map_or(true, |len| len > limit))
    {
        return Err(MeliError::BodyTooLarge { limit });
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(MeliError::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

impl Call {
    pub(crate) fn get(path: String) -> Self {
        Call {
            method: Method::GET,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            replay: Replay::Retry,
            transfer: false,
        }
    }

    pub(crate) fn post(path: String, body: Body, replay: Replay) -> Self {
        Call {
            method: Method::POST,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body,
            replay,
            transfer: false,
        }
    }

    /// Messaging endpoints require `tag=post_sale` (since May 2022).
    pub(crate) fn post_sale(self) -> Self {
        self.query("tag", "post_sale")
    }

    pub(crate) fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    pub(crate) fn transfer(mut self) -> Self {
        self.transfer = true;
        self
    }

    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    fn kind(&self) -> RequestKind {
        if self.method == Method::GET {
            RequestKind::Read
        } else {
            RequestKind::Write
        }
    }
}

/// The longest `Retry-After` believed: a proxy's `1e20` means "a long time", not 3 trillion
/// years (and must not overflow a `Duration`).
const RETRY_AFTER_CAP_SECS: f64 = 86_400.0;

/// `Retry-After` in seconds (the form Mercado Libre and proxies use); dates, text, negative and
/// non-finite values are ignored, huge ones capped at a day.
pub(crate) fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let secs = value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)?;
    Duration::try_from_secs_f64(secs.min(RETRY_AFTER_CAP_SECS)).ok()
}

enum Outcome {
    Done(Answer),
    Unauthorized,
    Failed(MeliError),
}

/// A successful answer: the body, and what a `206 Partial Content` said is missing from it.
pub(crate) struct Answer {
    pub body: Bytes,
    /// `X-Content-Missing`, split on commas (`buyer, shipping`); empty for a complete answer.
    pub missing: Vec<String>,
}

/// The fields `X-Content-Missing` names, trimmed and lower case.
fn content_missing(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("x-content-missing")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|f| f.trim().to_lowercase())
        .filter(|f| !f.is_empty())
        .collect()
}

impl Client {
    pub(crate) async fn call_json<T: DeserializeOwned>(&self, call: Call) -> Result<T, MeliError> {
        let body = self.call(call).await?;
        serde_json::from_slice(&body).map_err(|e| MeliError::decode(e, &body))
    }

    pub(crate) async fn call(&self, call: Call) -> Result<Bytes, MeliError> {
        Ok(self.call_answer(call).await?.body)
    }

    /// [`Client::call`], with what a partial answer lacks.
    pub(crate) async fn call_answer(&self, call: Call) -> Result<Answer, MeliError> {
        let inner = &self.inner;
        let mut token = inner.session.access_token().await?;
        let mut refreshed = false;
        let mut attempt = 1;
        loop {
            inner.budget.acquire(call.kind(), self.priority).await;
            let error = match self.send_once(&call, &token).await {
                Outcome::Done(answer) => return Ok(answer),
                Outcome::Unauthorized if !refreshed => {
                    // 401 means the request was not processed, so trying again is safe for sends too.
                    refreshed = true;
                    token = inner.session.refresh_after_unauthorized(&token).await?;
                    continue;
                }
                Outcome::Unauthorized => MeliError::Unauthorized {
                    message: "the token was refused again right after a refresh".into(),
                },
                Outcome::Failed(e) => e,
            };
            if call.replay == Replay::Never {
                return Err(error);
            }
            match inner.retry.delay_after(attempt, &error) {
                Some(wait) => {
                    tracing::debug!(path = %call.path, attempt, ?wait, code = error.code(), "retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => return Err(error),
            }
        }
    }

    async fn send_once(&self, call: &Call, token: &Secret) -> Outcome {
        let inner = &self.inner;
        let mut url = inner.api_base.clone();
        url.set_path(&format!(
            "{}{}",
            inner.api_base.path().trim_end_matches('/'),
            call.path
        ));
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &call.query {
                pairs.append_pair(k, v);
            }
        }
        let mut request = inner
            .http
            .request(call.method.clone(), url)
            .bearer_auth(token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in &call.headers {
            request = request.header(*name, *value);
        }
        if call.transfer {
            request = request.timeout(TRANSFER_TIMEOUT);
        }
        request = match &call.body {
            Body::Empty => request,
            Body::Json(v) => request.json(v),
            Body::File(upload) => match multipart(upload) {
                Ok(form) => request.multipart(form),
                Err(e) => return Outcome::Failed(e),
            },
        };
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(self.transport_error(call, e)),
        };
        let status = response.status().as_u16();
        inner.server_clock.observe(response.headers());
        let retry_after = retry_after_header(response.headers());
        let missing = content_missing(response.headers());
        let limit = if call.transfer {
            TRANSFER_BODY_LIMIT
        } else {
            JSON_BODY_LIMIT
        };
        let body = match read_limited(response, limit).await {
            Ok(b) => b,
            // The request went out and was answered: a send's outcome is unknown.
            Err(e) if call.replay == Replay::Never => {
                return Outcome::Failed(MeliError::SendOutcomeUnknown {
                    cause: e.to_string(),
                })
            }
            Err(e) => return Outcome::Failed(e),
        };
        if (200..300).contains(&status) {
            return Outcome::Done(Answer { body, missing });
        }
        if status == 401 {
            return Outcome::Unauthorized;
        }
        let error = MeliError::from_response(status, retry_after, &body);
        if call.replay == Replay::Never && matches!(error, MeliError::Server { .. }) {
            return Outcome::Failed(MeliError::SendOutcomeUnknown {
                cause: error.to_string(),
            });
        }
        Outcome::Failed(error)
    }

    /// A connection that never opened is a plain network error; any later failure of a send leaves
    /// its outcome unknown.
    fn transport_error(&self, call: &Call, e: reqwest::Error) -> MeliError {
        let connect_failed = e.is_connect();
        let error = MeliError::from(e);
        if call.replay == Replay::Never && !connect_failed {
            MeliError::SendOutcomeUnknown {
                cause: error.to_string(),
            }
        } else {
            error
        }
    }
}

fn multipart(upload: &Upload) -> Result<reqwest::multipart::Form, MeliError> {
    let part = reqwest::multipart::Part::stream(upload.bytes.clone())
        .file_name(upload.filename.clone())
        .mime_str(&upload.mime)
        .map_err(|e| MeliError::InvalidConfig(format!("content type {:?}: {e}", upload.mime)))?;
    Ok(reqwest::multipart::Form::new().part("file", part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_ignores_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "2".parse().expect("header"));
        assert_eq!(retry_after_header(&h), Some(Duration::from_secs(2)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("header"),
        );
        assert_eq!(retry_after_header(&h), None);
        assert_eq!(retry_after_header(&HeaderMap::new()), None);
    }

    #[test]
    fn extreme_retry_after_values_never_panic() {
        let read = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, value.parse().expect("header"));
            retry_after_header(&h)
        };
        assert_eq!(read("1e20"), Some(Duration::from_secs(86_400)));
        assert_eq!(
            read("18446744073709551616"),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(read("-1"), None);
        assert_eq!(read("NaN"), None);
        assert_eq!(read("inf"), None);
        assert_eq!(read("soon"), None);
        assert_eq!(read("0.5"), Some(Duration::from_millis(500)));
    }
}
