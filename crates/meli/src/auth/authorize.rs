//! The authorization URL the seller opens, and what the app must remember of that attempt.

use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken};
use url::Url;

use super::pkce::{random_token, Pkce};
use crate::Secret;

/// The application registered in Mercado Libre's developer center by the seller.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: Secret,
    /// Exactly as registered: the HTTPS relay page (`relay/index.html` hosted somewhere).
    pub redirect_uri: String,
}

/// One attempt to connect an account: open `url` in the browser, keep the rest until the code
/// comes back.
#[derive(Debug, Clone)]
pub struct AuthorizationAttempt {
    pub url: Url,
    /// `<random>.<port>`: Mercado Libre echoes it untouched, and the relay reads the port from it.
    pub state: String,
    pub pkce: Pkce,
    pub redirect_uri: String,
}

impl AuthorizationAttempt {
    /// `auth_base` is the site's auth host (or a simulator's); `port` is the loopback listener's.
    pub fn new(auth_base: &Url, app: &AppCredentials, port: u16) -> Self {
        let state = format!("{}.{port}", random_token());
        let pkce = Pkce::generate();
        let mut endpoint = auth_base.clone();
        endpoint.set_path(&format!(
            "{}/authorization",
            auth_base.path().trim_end_matches('/')
        ));
        endpoint.set_query(None);
        // `oauth2` writes `response_type=code`, `client_id`, `state` and the S256 challenge. The
        // redirect URI goes in as an extra parameter, verbatim: `oauth2`'s `RedirectUrl` would
        // re-parse it, and Mercado Libre compares it character for character with the one
        // registered (and again at the code exchange).
        let (url, _) = BasicClient::new(ClientId::new(app.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(endpoint))
            .authorize_url(|| CsrfToken::new(state.clone()))
            .set_pkce_challenge(pkce.oauth2_challenge())
            .add_extra_param("redirect_uri", app.redirect_uri.clone())
            .url();
        AuthorizationAttempt {
            url,
            state,
            pkce,
            redirect_uri: app.redirect_uri.clone(),
        }
    }

    /// The loopback port carried in `state`.
    pub fn port(&self) -> Option<u16> {
        port_from_state(&self.state)
    }
}

/// `<random>.<port>` → port, with the relay's rules: digits only, 1..=65535.
pub fn port_from_state(state: &str) -> Option<u16> {
    let (_, port) = state.rsplit_once('.')?;
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port.parse::<u16>().ok().filter(|p| *p != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> AppCredentials {
        AppCredentials {
            client_id: "5503910054141466".into(),
            client_secret: Secret::new("s3cr3t"),
            redirect_uri: "https://relay.example.test/mostrador/".into(),
        }
    }

    #[test]
    fn url_has_every_parameter_and_pkce_s256() {
        let base = Url::parse("https://auth.mercadolivre.com.br").expect("url");
        let a = AuthorizationAttempt::new(&base, &app(), 49152);
        assert_eq!(a.url.host_str(), Some("auth.mercadolivre.com.br"));
        assert_eq!(a.url.path(), "/authorization");
        let q: std::collections::HashMap<_, _> = a.url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "5503910054141466");
        assert_eq!(q["redirect_uri"], "https://relay.example.test/mostrador/");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"], a.pkce.challenge);
        assert_eq!(q["state"], a.state);
        assert!(a.state.ends_with(".49152"));
        assert_eq!(a.port(), Some(49152));
        assert!(
            !a.url.as_str().contains("s3cr3t"),
            "the secret never goes in the URL"
        );
        assert!(!a.url.as_str().contains(a.pkce.verifier.expose()));
    }

    #[test]
    fn a_base_with_a_path_keeps_it() {
        let base = Url::parse("http://127.0.0.1:9/sim/").expect("url");
        let a = AuthorizationAttempt::new(&base, &app(), 1);
        assert_eq!(a.url.path(), "/sim/authorization");
    }

    #[test]
    fn port_rules_match_the_relay() {
        assert_eq!(port_from_state("abc.8080"), Some(8080));
        assert_eq!(port_from_state("a.b.65535"), Some(65535));
        for bad in [
            "evil.com",
            "1.2.3.4:80",
            "javascript:alert(1)",
            "x.99999",
            "x.0",
            "x.",
            "8080",
            "x.+80",
            "x.0x50",
        ] {
            assert_eq!(port_from_state(bad), None, "{bad}");
        }
    }
}
