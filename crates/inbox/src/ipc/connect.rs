//! Connecting a Mercado Libre account, as the connect view sees it.

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

/// What the seller typed in the connect form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ConnectForm.ts")]
pub struct ConnectForm {
    pub site: String,
    pub client_id: String,
    pub client_secret: String,
    /// The relay page's address, exactly as registered in Mercado Libre's developer center.
    pub redirect_uri: String,
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
}
