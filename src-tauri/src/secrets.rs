//! Secrets (a seller's tokens and their application's client secret) in the OS keychain.
//!
//! Where no keychain answers (a headless Linux without a Secret Service, for one) the app says so
//! and keeps secrets in memory for that run only: never in plain text on disk.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use meli::auth::{StoredTokens, TokenStore};
use meli::MeliError;

/// The keychain's service name: one per app, so entries are easy to find and remove.
const SERVICE: &str = "com.mostrador.desktop";

/// Where secrets go this run.
#[derive(Clone)]
pub struct Secrets {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Keychain,
    /// No keychain answered at start: secrets live in this map until the app quits.
    Memory(Arc<Mutex<HashMap<String, String>>>),
}

impl Secrets {
    /// Probes the keychain once; falls back to memory when it cannot be used.
    pub fn open() -> Secrets {
        let probe =
            keyring::Entry::new(SERVICE, "probe").and_then(|entry| match entry.get_password() {
                Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(err) => Err(err),
            });
        match probe {
            Ok(()) => Secrets {
                backend: Backend::Keychain,
            },
            Err(err) => {
                tracing::warn!(%err, "no usable keychain: secrets are kept in memory for this run");
                Secrets::in_memory()
            }
        }
    }

    pub fn in_memory() -> Secrets {
        Secrets {
            backend: Backend::Memory(Arc::default()),
        }
    }

    /// Whether secrets survive a restart (the UI warns when they don't).
    pub fn persistent(&self) -> bool {
        matches!(self.backend, Backend::Keychain)
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, String> {
        match &self.backend {
            Backend::Keychain => match entry(key)?.get_password() {
                Ok(value) => Ok(Some(value)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(err) => Err(err.to_string()),
            },
            Backend::Memory(map) => Ok(lock(map)?.get(key).cloned()),
        }
    }

    pub fn set(&self, key: &str, value: &str) -> Result<(), String> {
        match &self.backend {
            Backend::Keychain => entry(key)?.set_password(value).map_err(|e| e.to_string()),
            Backend::Memory(map) => {
                lock(map)?.insert(key.to_owned(), value.to_owned());
                Ok(())
            }
        }
    }

    pub fn delete(&self, key: &str) -> Result<(), String> {
        match &self.backend {
            Backend::Keychain => match entry(key)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(err) => Err(err.to_string()),
            },
            Backend::Memory(map) => {
                lock(map)?.remove(key);
                Ok(())
            }
        }
    }

    /// The token store of one connected account (`key` names the account, e.g. `MLA:123`).
    pub fn token_store(&self, key: &str) -> Arc<dyn TokenStore> {
        Arc::new(KeychainTokenStore {
            secrets: self.clone(),
            key: format!("tokens:{key}"),
        })
    }
}

fn entry(key: &str) -> Result<keyring::Entry, String> {
    keyring::Entry::new(SERVICE, key).map_err(|e| e.to_string())
}

fn lock(
    map: &Mutex<HashMap<String, String>>,
) -> Result<std::sync::MutexGuard<'_, HashMap<String, String>>, String> {
    map.lock()
        .map_err(|_| "secret store lock poisoned".to_owned())
}

/// One account's tokens, as JSON in one keychain entry (so the pair is replaced atomically).
struct KeychainTokenStore {
    secrets: Secrets,
    key: String,
}

impl TokenStore for KeychainTokenStore {
    fn load(&self) -> Result<Option<StoredTokens>, MeliError> {
        let Some(json) = self.secrets.get(&self.key).map_err(MeliError::TokenStore)? else {
            return Ok(None);
        };
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| MeliError::TokenStore(format!("stored tokens are unreadable: {e}")))
    }

    fn save(&self, tokens: &StoredTokens) -> Result<(), MeliError> {
        let json = serde_json::to_string(tokens)
            .map_err(|e| MeliError::TokenStore(format!("tokens cannot be encoded: {e}")))?;
        self.secrets
            .set(&self.key, &json)
            .map_err(MeliError::TokenStore)
    }

    fn clear(&self) -> Result<(), MeliError> {
        self.secrets
            .delete(&self.key)
            .map_err(MeliError::TokenStore)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(access: &str) -> StoredTokens {
        serde_json::from_value(serde_json::json!({
            "access_token": access,
            "refresh_token": "TG-refresh-1",
            "expires_at": "2026-11-23T13:00:00Z",
            "user_id": 1234567,
            "scope": "offline_access read write"
        }))
        .expect("tokens")
    }

    #[test]
    fn memory_backend_keeps_secrets_for_the_run_only() {
        let secrets = Secrets::in_memory();
        assert!(!secrets.persistent());
        assert_eq!(secrets.get("client_secret:app").expect("get"), None);
        secrets.set("client_secret:app", "s3cr3t").expect("set");
        assert_eq!(
            secrets.get("client_secret:app").expect("get").as_deref(),
            Some("s3cr3t")
        );
        secrets.delete("client_secret:app").expect("delete");
        assert_eq!(secrets.get("client_secret:app").expect("get"), None);
    }

    #[test]
    fn token_store_round_trips_one_account_without_touching_another() {
        let secrets = Secrets::in_memory();
        let a = secrets.token_store("MLA:1");
        let b = secrets.token_store("MLB:2");
        a.save(&tokens("APP_USR-a")).expect("save");
        assert_eq!(a.load().expect("load"), Some(tokens("APP_USR-a")));
        assert_eq!(b.load().expect("load"), None);
        a.clear().expect("clear");
        assert_eq!(a.load().expect("load"), None);
    }

    #[test]
    fn unreadable_stored_tokens_are_an_error_not_a_silent_logout() {
        let secrets = Secrets::in_memory();
        secrets.set("tokens:MLA:1", "not json").expect("set");
        let err = secrets.token_store("MLA:1").load().expect_err("must fail");
        assert!(matches!(err, MeliError::TokenStore(_)), "{err:?}");
    }

    #[test]
    fn debug_output_of_tokens_never_shows_them() {
        let shown = format!("{:?}", tokens("APP_USR-very-secret"));
        assert!(!shown.contains("APP_USR-very-secret"), "{shown}");
        assert!(!shown.contains("TG-refresh-1"), "{shown}");
    }
}
