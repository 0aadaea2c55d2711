//! `POST /oauth/token` for both grants, built on the `oauth2` crate: it writes the form (grant,
//! client id and secret in the body as Mercado Libre asks, the code with the PKCE verifier and
//! redirect URI, or the refresh token) and parses the standard answer plus Mercado Libre's extra
//! field `user_id` ([`MeliTokenFields`]; `scope` is a standard field there).
//!
//! The HTTP itself goes through [`TokenHttp`], our reqwest client: no redirects (the body carries
//! the client secret), our timeouts, a 64 KiB body limit, one TLS stack. It answers every non-2xx
//! itself with [`MeliError::from_response`], before `oauth2` sees it: `oauth2`'s error path keeps
//! only the parsed body, while the variant also depends on the status (429 → `RateLimited` with
//! its `Retry-After`, 5xx → server error) and on bodies that are not RFC 6749 errors
//! (`{"message":…,"error":"invalid_grant","status":400,"cause":[]}`, `local_rate_limited`). So a
//! revoked refresh token still becomes `MeliError::InvalidGrant`, the inbox's "authorization
//! revoked".

use std::future::Future;
use std::pin::Pin;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AsyncHttpClient, AuthType, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet,
    EndpointSet, ExtraTokenFields, HttpRequest, HttpResponse, PkceCodeVerifier, RefreshToken,
    RequestTokenError, StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::AppCredentials;
use crate::models::{Token, UserId};
use crate::{MeliError, Secret};

/// A token answer is a few hundred bytes.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// What Mercado Libre's token answer carries beyond RFC 6749's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MeliTokenFields {
    /// The seller the token acts for (a number in the docs, a string in some answers).
    #[serde(
        default,
        deserialize_with = "crate::models::de::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) user_id: Option<UserId>,
}

impl ExtraTokenFields for MeliTokenFields {}

pub(crate) type MeliTokenResponse = StandardTokenResponse<MeliTokenFields, BasicTokenType>;

/// An `oauth2` client with only the token endpoint set (the authorization URL is built per
/// attempt in `authorize.rs`).
type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    MeliTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

pub(crate) struct TokenEndpoint {
    http: TokenHttp,
    oauth: OAuthClient,
    app: AppCredentials,
}

impl TokenEndpoint {
    pub(crate) fn new(http: reqwest::Client, api_base: &Url, app: AppCredentials) -> Self {
        let mut url = api_base.clone();
        url.set_path(&format!(
            "{}/oauth/token",
            api_base.path().trim_end_matches('/')
        ));
        // Mercado Libre reads `client_id` and `client_secret` from the form body, not from
        // HTTP Basic (oauth2's default).
        let oauth = oauth2::Client::new(ClientId::new(app.client_id.clone()))
            .set_client_secret(ClientSecret::new(app.client_secret.expose().to_owned()))
            .set_token_uri(TokenUrl::from_url(url))
            .set_auth_type(AuthType::RequestBody);
        TokenEndpoint {
            http: TokenHttp(http),
            oauth,
            app,
        }
    }

    pub(crate) fn app(&self) -> &AppCredentials {
        &self.app
    }

    /// Exchanges an authorization code; `code_verifier` is always sent because PKCE is.
    pub(crate) async fn exchange_code(
        &self,
        code: &Secret,
        redirect_uri: &str,
        code_verifier: &Secret,
    ) -> Result<Token, MeliError> {
        // The redirect URI goes verbatim (see `authorize.rs`): it must equal, character for
        // character, the one in the authorization URL.
        let answer = self
            .oauth
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(code_verifier.expose().to_owned()))
            .add_extra_param("redirect_uri", redirect_uri.to_owned())
            .request_async(&self.http)
            .await;
        answer.map(into_token).map_err(from_oauth2)
    }

    /// Uses a refresh token, which dies with this call whatever its outcome.
    pub(crate) async fn refresh(&self, refresh_token: &Secret) -> Result<Token, MeliError> {
        let refresh_token = RefreshToken::new(refresh_token.expose().to_owned());
        let answer = self
            .oauth
            .exchange_refresh_token(&refresh_token)
            .request_async(&self.http)
            .await;
        answer.map(into_token).map_err(from_oauth2)
    }
}

/// `oauth2`'s answer in our model, the tokens straight into [`Secret`]s.
fn into_token(answer: MeliTokenResponse) -> Token {
    Token {
        access_token: Secret::new(answer.access_token().secret().clone()),
        token_type: Some(answer.token_type().as_ref().to_owned()),
        expires_in: answer.expires_in().map(|d| d.as_secs()),
        scope: answer.scopes().map(|scopes| {
            scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        }),
        user_id: answer.extra_fields().user_id,
        refresh_token: answer
            .refresh_token()
            .map(|t| Secret::new(t.secret().clone())),
    }
}

fn from_oauth2(e: RequestTokenError<MeliError, BasicErrorResponse>) -> MeliError {
    match e {
        // Every non-2xx, already classified by `TokenHttp`.
        RequestTokenError::Request(e) => e,
        // Only for a 2xx other than 200 that holds an RFC 6749 error: classify it like any
        // other error body.
        RequestTokenError::ServerResponse(body) => {
            let body = serde_json::to_vec(&body).unwrap_or_default();
            MeliError::from_response(400, None, &body)
        }
        // The body holds tokens: the error names only where parsing failed, never the content
        // (serde's message can quote the value).
        RequestTokenError::Parse(e, _) => MeliError::Decode {
            reason: format!(
                "token response: {:?} error at `{}`, line {} column {}",
                e.inner().classify(),
                e.path(),
                e.inner().line(),
                e.inner().column()
            ),
            excerpt: "(withheld: token response)".to_owned(),
        },
        RequestTokenError::Other(reason) => MeliError::Decode {
            reason: format!("token response: {reason}"),
            excerpt: "(withheld: token response)".to_owned(),
        },
    }
}

/// Our reqwest client as `oauth2`'s HTTP client; see the module comment for why it classifies
/// error answers itself.
struct TokenHttp(reqwest::Client);

impl<'c> AsyncHttpClient<'c> for TokenHttp {
    type Error = MeliError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, MeliError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = self
                .0
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let status = response.status();
            let headers = response.headers().clone();
            let retry_after = crate::client::retry_after_header(&headers);
            let body = crate::client::read_limited(response, TOKEN_BODY_LIMIT).await?;
            if !status.is_success() {
                return Err(MeliError::from_response(
                    status.as_u16(),
                    retry_after,
                    &body,
                ));
            }
            let mut answer = HttpResponse::new(body.to_vec());
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Ok(answer)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercado_libre_answer_keeps_user_id_scope_and_secrets() {
        for user_id in [serde_json::json!(7), serde_json::json!("7")] {
            let answer: MeliTokenResponse = serde_json::from_value(serde_json::json!({
                "access_token": "APP_USR-1", "token_type": "Bearer", "expires_in": 21600,
                "scope": "offline_access read write", "user_id": user_id,
                "refresh_token": "TG-1"
            }))
            .expect("token answer");
            let token = into_token(answer);
            assert_eq!(token.access_token.expose(), "APP_USR-1");
            assert_eq!(token.token_type.as_deref(), Some("bearer"));
            assert_eq!(token.expires_in, Some(21600));
            assert_eq!(token.scope.as_deref(), Some("offline_access read write"));
            assert_eq!(token.user_id, Some(7));
            assert_eq!(
                token.refresh_token.as_ref().map(Secret::expose),
                Some("TG-1")
            );
            let debug = format!("{token:?}");
            assert!(
                !debug.contains("APP_USR-1") && !debug.contains("TG-1"),
                "{debug}"
            );
        }
    }
}
