//! The life cycle of an account's credentials in the keychain, apart from Tauri so it is tested
//! on its own: each connection attempt saves its application under a fresh key before the
//! browser opens; a failed or cancelled attempt forgets it; a successful one becomes the
//! account's, replacing (and forgetting) whatever the account had before; disconnecting
//! forgets the account's.

use std::sync::Arc;

use meli::auth::{AppCredentials, TokenStore};
use meli::{ClientConfig, Secret, Site};
use serde::{Deserialize, Serialize};

use crate::secrets::Secrets;

/// The application an account was connected with, kept in the keychain (it holds the secret).
/// `Debug` never shows the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredApp {
    pub site: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub redirect_uri: String,
    /// Set for a Mercado Libre-compatible server (the built-in simulator, or one chosen at
    /// launch); `None` for Mercado Libre itself.
    #[serde(default)]
    pub api_base: Option<String>,
    #[serde(default)]
    pub auth_base: Option<String>,
}

impl StoredApp {
    pub fn site(&self) -> Result<Site, String> {
        Site::from_id(&self.site).ok_or_else(|| format!("unknown site {}", self.site))
    }

    pub fn client_config(&self) -> Result<ClientConfig, String> {
        let mut config = ClientConfig::new(
            self.site()?,
            AppCredentials {
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
                redirect_uri: self.redirect_uri.clone(),
            },
        );
        if let Some(api) = &self.api_base {
            config.api_base = api.clone();
            // A Mercado Libre-compatible server (the simulator) serves its listings'
            // pictures itself.
            config = config.with_picture_origin(api);
        }
        if let Some(auth) = &self.auth_base {
            config.auth_base = auth.clone();
        }
        Ok(config)
    }
}

/// An account's application and where its tokens are kept.
pub type AccountCredentials = (StoredApp, Arc<dyn TokenStore>);

/// One attempt's credentials, saved under their own key until the attempt ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptKey(String);

impl AttemptKey {
    fn fresh() -> Self {
        use rand::Rng;
        let bytes: [u8; 12] = rand::rng().random();
        AttemptKey(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

#[derive(Clone)]
pub struct Credentials {
    secrets: Secrets,
}

impl Credentials {
    pub fn new(secrets: Secrets) -> Self {
        Credentials { secrets }
    }

    pub fn persistent(&self) -> bool {
        self.secrets.persistent()
    }

    /// Saves an attempt's application before anything opens; its tokens go to `tokens(key)`.
    pub fn begin(&self, app: &StoredApp) -> Result<AttemptKey, String> {
        let key = AttemptKey::fresh();
        let json = serde_json::to_string(app).map_err(|e| e.to_string())?;
        self.secrets.set(&app_key(&key.0), &json)?;
        Ok(key)
    }

    pub fn tokens(&self, key: &AttemptKey) -> Arc<dyn TokenStore> {
        self.secrets.token_store(&key.0)
    }

    /// The attempt connected `account_id`: its credentials become the account's, and the
    /// account's earlier ones (a reconnect) are forgotten.
    pub fn connected(&self, key: &AttemptKey, account_id: i64) -> Result<(), String> {
        let account = account_key(account_id);
        if let Ok(Some(previous)) = self.secrets.get(&account) {
            if previous != key.0 {
                self.forget_key(&previous);
            }
        }
        self.secrets.set(&account, &key.0)
    }

    /// The attempt failed or was cancelled: nothing of it stays.
    pub fn failed(&self, key: &AttemptKey) {
        self.forget_key(&key.0);
    }

    /// The application and token store of an account connected earlier.
    pub fn of_account(&self, account_id: i64) -> Result<Option<AccountCredentials>, String> {
        let Some(key) = self.secrets.get(&account_key(account_id))? else {
            return Ok(None);
        };
        let Some(json) = self.secrets.get(&app_key(&key))? else {
            return Ok(None);
        };
        let app: StoredApp = serde_json::from_str(&json)
            .map_err(|e| format!("the stored application is unreadable: {e}"))?;
        Ok(Some((app, self.secrets.token_store(&key))))
    }

    /// Disconnecting: the account's application and tokens leave the keychain.
    pub fn forget_account(&self, account_id: i64) {
        let account = account_key(account_id);
        if let Ok(Some(key)) = self.secrets.get(&account) {
            self.forget_key(&key);
        }
        let _ = self.secrets.delete(&account);
    }

    fn forget_key(&self, key: &str) {
        let _ = self.secrets.delete(&app_key(key));
        let _ = self.secrets.token_store(key).clear();
    }
}

fn app_key(key: &str) -> String {
    format!("app:{key}")
}

fn account_key(account_id: i64) -> String {
    format!("account:{account_id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use meli::auth::StoredTokens;

    fn app(secret: &str) -> StoredApp {
        StoredApp {
            site: "MLA".into(),
            client_id: "123456".into(),
            client_secret: Secret::new(secret),
            redirect_uri: "https://seller.github.io/mostrador/".into(),
            api_base: None,
            auth_base: None,
        }
    }

    fn tokens(access: &str) -> StoredTokens {
        serde_json::from_value(serde_json::json!({
            "access_token": access,
            "refresh_token": "TG-1",
            "expires_at": "2026-11-23T13:00:00Z",
            "user_id": 1,
            "scope": null
        }))
        .expect("tokens")
    }

    #[test]
    fn a_failed_attempt_leaves_nothing_behind() {
        let credentials = Credentials::new(Secrets::in_memory());
        let key = credentials.begin(&app("first")).expect("begin");
        credentials.tokens(&key).save(&tokens("a")).expect("save");
        credentials.failed(&key);
        assert_eq!(credentials.tokens(&key).load().expect("load"), None);
        assert_eq!(
            credentials.secrets.get(&app_key(&key.0)).expect("get"),
            None
        );
    }

    #[test]
    fn a_reconnect_replaces_the_accounts_application_and_tokens() {
        let credentials = Credentials::new(Secrets::in_memory());
        let first = credentials.begin(&app("first")).expect("begin");
        credentials.tokens(&first).save(&tokens("a")).expect("save");
        credentials.connected(&first, 7).expect("connected");
        let (stored, store) = credentials.of_account(7).expect("read").expect("some");
        assert_eq!(stored, app("first"));
        assert_eq!(store.load().expect("load"), Some(tokens("a")));

        let second = credentials.begin(&app("second")).expect("begin");
        credentials
            .tokens(&second)
            .save(&tokens("b"))
            .expect("save");
        credentials.connected(&second, 7).expect("connected");
        let (stored, store) = credentials.of_account(7).expect("read").expect("some");
        assert_eq!(stored, app("second"));
        assert_eq!(store.load().expect("load"), Some(tokens("b")));
        // The first attempt's application and tokens are gone, not orphaned.
        assert_eq!(credentials.tokens(&first).load().expect("load"), None);
        assert_eq!(
            credentials.secrets.get(&app_key(&first.0)).expect("get"),
            None
        );
    }

    #[test]
    fn connecting_again_with_the_same_attempt_keeps_it() {
        let credentials = Credentials::new(Secrets::in_memory());
        let key = credentials.begin(&app("s")).expect("begin");
        credentials.connected(&key, 3).expect("connected");
        credentials.connected(&key, 3).expect("again");
        assert!(credentials.of_account(3).expect("read").is_some());
    }

    #[test]
    fn disconnecting_forgets_the_account_only() {
        let credentials = Credentials::new(Secrets::in_memory());
        let a = credentials.begin(&app("a")).expect("begin");
        credentials.connected(&a, 1).expect("connected");
        let b = credentials.begin(&app("b")).expect("begin");
        credentials.connected(&b, 2).expect("connected");
        credentials.forget_account(1);
        assert!(credentials.of_account(1).expect("read").is_none());
        assert!(credentials.of_account(2).expect("read").is_some());
    }

    #[test]
    fn the_stored_application_never_shows_its_secret() {
        let shown = format!("{:?}", app("very-secret-value"));
        assert!(!shown.contains("very-secret-value"), "{shown}");
        // Kept as before in the keychain: the secret is a plain string in the JSON.
        let json = serde_json::to_value(app("s3")).expect("json");
        assert_eq!(json["clientSecret"], "s3");
    }

    #[test]
    fn a_simulator_application_points_the_client_at_it() {
        let mut sim = app("s");
        sim.api_base = Some("http://127.0.0.1:9000".into());
        sim.auth_base = Some("http://127.0.0.1:9001".into());
        let config = sim.client_config().expect("config");
        assert_eq!(config.api_base, "http://127.0.0.1:9000");
        assert_eq!(config.auth_base, "http://127.0.0.1:9001");
        let mut bad = app("s");
        bad.site = "XX".into();
        assert!(bad.client_config().is_err());
    }
}
