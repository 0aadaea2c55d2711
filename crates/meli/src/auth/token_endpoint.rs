//! `POST /oauth/token` for both grants, parameters in a form body (never the query, where proxies
//! and logs would keep them).
//!
//! Plain reqwest rather than the `oauth2` crate: the exchange is two small form posts, and doing
//! it here keeps one error mapping (`MeliError` from status and body, including the 429
//! `local_rate_limited` and Mercado Libre's `user_id` in the answer), one HTTP client and its
//! timeouts, and our `Secret` type end to end. PKCE, the only other thing `oauth2` would give, is
//! a dozen lines in `pkce.rs`.

use url::Url;

use super::AppCredentials;
use crate::models::Token;
use crate::{MeliError, Secret};

pub(crate) struct TokenEndpoint {
    http: reqwest::Client,
    url: Url,
    app: AppCredentials,
}

impl TokenEndpoint {
    pub(crate) fn new(http: reqwest::Client, api_base: &Url, app: AppCredentials) -> Self {
        let mut url = api_base.clone();
        url.set_path(&format!(
            "{}/oauth/token",
            api_base.path().trim_end_matches('/')
        ));
        TokenEndpoint { http, url, app }
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
        self.post(&[
            ("grant_type", "authorization_code"),
            ("client_id", &self.app.client_id),
            ("client_secret", self.app.client_secret.expose()),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("code_verifier", code_verifier.expose()),
        ])
        .await
    }

    /// Uses a refresh token, which dies with this call whatever its outcome.
    pub(crate) async fn refresh(&self, refresh_token: &Secret) -> Result<Token, MeliError> {
        self.post(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.app.client_id),
            ("client_secret", self.app.client_secret.expose()),
            ("refresh_token", refresh_token.expose()),
        ])
        .await
    }

    async fn post(&self, form: &[(&str, &str)]) -> Result<Token, MeliError> {
        let response = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await?;
        let status = response.status().as_u16();
        let retry_after = crate::client::retry_after_header(response.headers());
        // A token answer is a few hundred bytes.
        let body = crate::client::read_limited(response, 64 * 1024).await?;
        if !(200..300).contains(&status) {
            return Err(MeliError::from_response(status, retry_after, &body));
        }
        // The body holds tokens: the error names only where parsing failed, never the content.
        serde_json::from_slice(&body).map_err(|e| MeliError::Decode {
            reason: format!(
                "token response: {:?} error at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ),
            excerpt: "(withheld: token response)".to_owned(),
        })
    }
}
