//! Connecting a Mercado Libre account, as the connect view sees it.

use meli::{Secret, Site};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A site the seller can pick: its API id and the ISO country code the UI names it by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "SiteOption.ts")]
pub struct SiteOption {
    pub id: String,
    /// `None` for Global Selling.
    pub country: Option<String>,
}

impl SiteOption {
    pub fn all() -> Vec<SiteOption> {
        meli::Site::ALL
            .into_iter()
            .map(|site| SiteOption {
                id: site.id().to_owned(),
                country: site.country_code().map(str::to_owned),
            })
            .collect()
    }
}

/// What the seller typed in the connect form. `Debug` never shows the client secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ConnectForm.ts")]
pub struct ConnectForm {
    pub site: String,
    pub client_id: String,
    #[ts(type = "string")]
    pub client_secret: Secret,
    /// The relay page's address, exactly as registered in Mercado Libre's developer center.
    pub redirect_uri: String,
}

/// The connect form once checked: what a connection attempt is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedForm {
    pub site: Site,
    pub client_id: String,
    pub client_secret: Secret,
    pub redirect_uri: String,
}

/// Why the connect form cannot be used; each has a stable code the UI words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormProblem {
    #[error("unknown Mercado Libre site")]
    Site,
    #[error("the client id is the application's number")]
    ClientId,
    #[error("the client secret is missing")]
    ClientSecret,
    #[error("the redirect URI is missing")]
    RedirectMissing,
    #[error("Mercado Libre only redirects to https addresses")]
    RedirectNotHttps,
    #[error("the redirect URI may not have a fragment (#…)")]
    RedirectFragment,
    #[error("the redirect URI may not contain spaces")]
    RedirectSpaces,
    #[error("the redirect URI is not a web address")]
    RedirectInvalid,
}

impl FormProblem {
    pub fn code(self) -> &'static str {
        match self {
            FormProblem::Site => "invalid_site",
            FormProblem::ClientId => "invalid_client_id",
            FormProblem::ClientSecret => "invalid_client_secret",
            FormProblem::RedirectMissing => "redirect_missing",
            FormProblem::RedirectNotHttps => "redirect_not_https",
            FormProblem::RedirectFragment => "redirect_fragment",
            FormProblem::RedirectSpaces => "redirect_spaces",
            FormProblem::RedirectInvalid => "redirect_invalid",
        }
    }
}

/// Which redirect URIs a form may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectRule {
    /// Mercado Libre's: `https://` only.
    Https,
    /// A Mercado Libre-compatible server chosen at launch (a simulator on this computer):
    /// `http://` is also accepted for a relay served on the loopback (127.0.0.1, localhost).
    HttpsOrLoopback,
}

impl ConnectForm {
    /// Trims what a copy adds around each value and checks the form before anything opens. The
    /// redirect URI must be what the developer center registered, character for character, so
    /// it is trimmed but otherwise never rewritten.
    pub fn check(&self, rule: RedirectRule) -> Result<CheckedForm, FormProblem> {
        let site = Site::from_id(self.site.trim()).ok_or(FormProblem::Site)?;
        let client_id = self.client_id.trim();
        if client_id.is_empty() || !client_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FormProblem::ClientId);
        }
        let secret = self.client_secret.expose().trim();
        if secret.is_empty() {
            return Err(FormProblem::ClientSecret);
        }
        let redirect_uri = check_redirect(self.redirect_uri.trim(), rule)?;
        Ok(CheckedForm {
            site,
            client_id: client_id.to_owned(),
            client_secret: Secret::new(secret),
            redirect_uri: redirect_uri.to_owned(),
        })
    }
}

fn check_redirect(uri: &str, rule: RedirectRule) -> Result<&str, FormProblem> {
    if uri.is_empty() {
        return Err(FormProblem::RedirectMissing);
    }
    if uri.chars().any(char::is_whitespace) {
        return Err(FormProblem::RedirectSpaces);
    }
    if uri.contains('#') {
        return Err(FormProblem::RedirectFragment);
    }
    let url = url::Url::parse(uri).map_err(|_| FormProblem::RedirectInvalid)?;
    if url.cannot_be_a_base() || url.host_str().is_none_or(str::is_empty) {
        return Err(FormProblem::RedirectInvalid);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FormProblem::RedirectInvalid);
    }
    let loopback = matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
        || url.host_str() == Some("localhost")
        || url.host_str().is_some_and(|h| h.ends_with(".localhost"));
    match (url.scheme(), rule) {
        ("https", _) => Ok(uri),
        ("http", RedirectRule::HttpsOrLoopback) if loopback => Ok(uri),
        ("http", _) => Err(FormProblem::RedirectNotHttps),
        _ => Err(FormProblem::RedirectInvalid),
    }
}

/// What the app keeps of the last application a seller connected with, to fill the form next
/// time. Not a secret: the client secret stays in the keychain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "KnownApplication.ts")]
pub struct KnownApplication {
    pub site: String,
    pub client_id: String,
    pub redirect_uri: String,
}

impl From<&CheckedForm> for KnownApplication {
    fn from(form: &CheckedForm) -> Self {
        KnownApplication {
            site: form.site.id().to_owned(),
            client_id: form.client_id.clone(),
            redirect_uri: form.redirect_uri.clone(),
        }
    }
}

/// Progress of a connection, as events while the seller approves in the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, export_to = "ConnectProgress.ts")]
pub enum ConnectProgress {
    /// The browser was sent to this page; the app waits for the relay to bring the code back.
    Waiting {
        #[serde(rename = "authorizationUrl")]
        #[ts(rename = "authorizationUrl")]
        authorization_url: String,
    },
    /// The code arrived; tokens are being fetched and the account recorded.
    Exchanging,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_is_offered_with_its_country() {
        let sites = SiteOption::all();
        assert_eq!(sites.len(), meli::Site::ALL.len());
        let brasil = sites.iter().find(|s| s.id == "MLB").expect("MLB");
        assert_eq!(brasil.country.as_deref(), Some("BR"));
        let global = sites.iter().find(|s| s.id == "CBT").expect("CBT");
        assert_eq!(global.country, None);
    }

    #[test]
    fn progress_is_tagged_for_the_ui() {
        let json = serde_json::to_value(ConnectProgress::Waiting {
            authorization_url: "https://auth.example/authorization".into(),
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"kind": "waiting", "authorizationUrl": "https://auth.example/authorization"})
        );
    }

    fn form(redirect_uri: &str) -> ConnectForm {
        ConnectForm {
            site: "MLB".into(),
            client_id: " 5503910054141466\n".into(),
            client_secret: Secret::new("  s3cr3t-value "),
            redirect_uri: redirect_uri.into(),
        }
    }

    #[test]
    fn a_good_form_is_trimmed_and_kept_as_typed() {
        let checked = form(" https://seller.github.io/mostrador/ ")
            .check(RedirectRule::Https)
            .expect("valid");
        assert_eq!(checked.site, Site::Brasil);
        assert_eq!(checked.client_id, "5503910054141466");
        assert_eq!(checked.client_secret.expose(), "s3cr3t-value");
        // Character for character, trailing slash included.
        assert_eq!(checked.redirect_uri, "https://seller.github.io/mostrador/");
    }

    #[test]
    fn redirect_uris_must_be_https_without_fragment_or_spaces() {
        let problem = |uri: &str, rule| form(uri).check(rule).expect_err(uri);
        use RedirectRule::{Https, HttpsOrLoopback};
        assert_eq!(problem("", Https), FormProblem::RedirectMissing);
        assert_eq!(
            problem("http://seller.github.io/relay/", Https),
            FormProblem::RedirectNotHttps
        );
        assert_eq!(
            problem("https://seller.github.io/relay/#x", Https),
            FormProblem::RedirectFragment
        );
        assert_eq!(
            problem("https://seller.github.io/my relay/", Https),
            FormProblem::RedirectSpaces
        );
        assert_eq!(
            problem("seller.github.io/relay", Https),
            FormProblem::RedirectInvalid
        );
        assert_eq!(
            problem("javascript:alert(1)", Https),
            FormProblem::RedirectInvalid
        );
        assert_eq!(
            problem("https://user:pw@seller.github.io/", Https),
            FormProblem::RedirectInvalid
        );
        // Plain http only for a relay on this computer, and only against a local server.
        assert_eq!(
            problem("http://127.0.0.1:8080/", Https),
            FormProblem::RedirectNotHttps
        );
        assert!(form("http://127.0.0.1:8080/")
            .check(HttpsOrLoopback)
            .is_ok());
        assert!(form("http://relay.localhost:8080/")
            .check(HttpsOrLoopback)
            .is_ok());
        assert_eq!(
            problem("http://seller.github.io/", HttpsOrLoopback),
            FormProblem::RedirectNotHttps
        );
    }

    #[test]
    fn site_client_id_and_secret_are_checked() {
        let mut bad = form("https://r.example.test/");
        bad.site = "XYZ".into();
        assert_eq!(bad.check(RedirectRule::Https), Err(FormProblem::Site));
        let mut bad = form("https://r.example.test/");
        bad.client_id = "12ab".into();
        assert_eq!(bad.check(RedirectRule::Https), Err(FormProblem::ClientId));
        let mut bad = form("https://r.example.test/");
        bad.client_secret = Secret::new("   ");
        assert_eq!(
            bad.check(RedirectRule::Https),
            Err(FormProblem::ClientSecret)
        );
    }

    #[test]
    fn the_secret_never_shows_in_debug_but_crosses_as_a_string() {
        let f = form("https://r.example.test/");
        assert!(!format!("{f:?}").contains("s3cr3t"));
        let json = serde_json::to_value(&f).expect("json");
        assert_eq!(json["clientSecret"], "  s3cr3t-value ");
        let back: ConnectForm = serde_json::from_value(json).expect("back");
        assert_eq!(back, f);
        let checked = f.check(RedirectRule::Https).expect("valid");
        assert!(!format!("{checked:?}").contains("s3cr3t"));
    }
}
