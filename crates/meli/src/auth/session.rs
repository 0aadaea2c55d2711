//! The seller's tokens: where they are kept, when they are refreshed, and the rule that a new pair
//! is stored before it is used (a refresh token works once; losing the new one logs the seller
//! out).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use super::token_endpoint::TokenEndpoint;
use crate::models::{Token, UserId};
use crate::{MeliError, Secret};

/// A token an access is about to expire within this margin counts as expired, so it does not die
/// in flight.
const EXPIRY_MARGIN_SECS: i64 = 30;
/// Used when the token endpoint omits `expires_in`: the shortest lifetime ever published.
const FALLBACK_LIFETIME_SECS: u64 = 10_800;
/// The longest lifetime believed.
const MAX_LIFETIME_SECS: u64 = 365 * 24 * 3600;

/// What the app keeps of a connection (in the OS keychain). `Debug` redacts both tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredTokens {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_at: DateTime<Utc>,
    pub user_id: Option<UserId>,
    pub scope: Option<String>,
}

impl StoredTokens {
    pub fn from_token(token: Token, issued_at: DateTime<Utc>) -> Self {
        // An absurd lifetime (10^15 s) is believed for a year at most: the date must not
        // overflow, and a refresh a year on costs nothing.
        let lifetime = token
            .expires_in
            .unwrap_or(FALLBACK_LIFETIME_SECS)
            .min(MAX_LIFETIME_SECS);
        let lifetime =
            Duration::try_seconds(i64::try_from(lifetime).unwrap_or(0)).unwrap_or(Duration::zero());
        StoredTokens {
            access_token: token.access_token,
            refresh_token: token.refresh_token,
            expires_at: issued_at.checked_add_signed(lifetime).unwrap_or(issued_at),
            user_id: token.user_id,
            scope: token.scope,
        }
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now.checked_add_signed(Duration::seconds(EXPIRY_MARGIN_SECS))
            .is_none_or(|soon| soon >= self.expires_at)
    }
}

/// Where tokens live between runs. Implementations are quick and synchronous (a keychain call);
/// `save` must have made the pair durable when it returns `Ok`.
pub trait TokenStore: Send + Sync {
    fn load(&self) -> Result<Option<StoredTokens>, MeliError>;
    fn save(&self, tokens: &StoredTokens) -> Result<(), MeliError>;
    fn clear(&self) -> Result<(), MeliError>;
}

/// Keeps tokens for this run only: tests, the demo, and machines without a keychain.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: std::sync::Mutex<Option<StoredTokens>>,
}

impl MemoryTokenStore {
    pub fn new(tokens: Option<StoredTokens>) -> Self {
        MemoryTokenStore {
            tokens: std::sync::Mutex::new(tokens),
        }
    }

    fn slot(&self) -> Result<std::sync::MutexGuard<'_, Option<StoredTokens>>, MeliError> {
        self.tokens
            .lock()
            .map_err(|_| MeliError::TokenStore("token store lock poisoned".into()))
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<Option<StoredTokens>, MeliError> {
        Ok(self.slot()?.clone())
    }

    fn save(&self, tokens: &StoredTokens) -> Result<(), MeliError> {
        *self.slot()? = Some(tokens.clone());
        Ok(())
    }

    fn clear(&self) -> Result<(), MeliError> {
        *self.slot()? = None;
        Ok(())
    }
}

pub(crate) struct Session {
    store: Arc<dyn TokenStore>,
    endpoint: TokenEndpoint,
    // Held across a refresh: callers that find the token expired queue here and then see the
    // new pair, so one expiry costs exactly one refresh.
    current: Mutex<Option<Current>>,
    refreshes: AtomicU64,
    // When this run last refreshed the pair (the sync health view shows it).
    last_refresh: std::sync::Mutex<Option<DateTime<Utc>>>,
}

/// When the access token in use expires and when this run last refreshed it: what a health
/// view may show. Never the token itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTimes {
    pub expires_at: DateTime<Utc>,
    pub last_refresh: Option<DateTime<Utc>>,
}

/// The pair in use. A refreshed pair the store refused stays here unused (its refresh token is
/// the only live one) and is saved again before the next request may use it.
struct Current {
    tokens: StoredTokens,
    persisted: bool,
}

impl Session {
    pub(crate) fn new(store: Arc<dyn TokenStore>, endpoint: TokenEndpoint) -> Self {
        Session {
            store,
            endpoint,
            current: Mutex::new(None),
            refreshes: AtomicU64::new(0),
            last_refresh: std::sync::Mutex::new(None),
        }
    }

    pub(crate) fn endpoint(&self) -> &TokenEndpoint {
        &self.endpoint
    }

    pub(crate) fn refresh_count(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// The expiry of the pair in use and the time of this run's last refresh; `None` when
    /// no account is connected.
    pub(crate) async fn token_times(&self) -> Result<Option<TokenTimes>, MeliError> {
        let mut current = self.current.lock().await;
        let tokens = match self.loaded(&mut current) {
            Ok(tokens) => tokens,
            Err(MeliError::NotConnected) => return Ok(None),
            Err(err) => return Err(err),
        };
        let last_refresh = *self.last_refresh.lock().unwrap_or_else(|e| e.into_inner());
        Ok(Some(TokenTimes {
            expires_at: tokens.expires_at,
            last_refresh,
        }))
    }

    /// A usable access token, refreshing first if it has expired.
    pub(crate) async fn access_token(&self) -> Result<Secret, MeliError> {
        let mut current = self.current.lock().await;
        let tokens = self.loaded(&mut current)?;
        if tokens.is_expired(Utc::now()) {
            self.refresh(&mut current).await?;
        }
        self.usable(&mut current)
    }

    /// After a 401 with `rejected`: refresh, unless another request already did.
    pub(crate) async fn refresh_after_unauthorized(
        &self,
        rejected: &Secret,
    ) -> Result<Secret, MeliError> {
        let mut current = self.current.lock().await;
        let tokens = self.loaded(&mut current)?;
        if &tokens.access_token == rejected {
            self.refresh(&mut current).await?;
        }
        self.usable(&mut current)
    }

    /// Stores a freshly connected account's tokens, replacing any others.
    pub(crate) async fn install(&self, token: Token) -> Result<StoredTokens, MeliError> {
        let tokens = StoredTokens::from_token(token, Utc::now());
        let mut current = self.current.lock().await;
        *current = Some(Current {
            tokens: tokens.clone(),
            persisted: false,
        });
        self.usable(&mut current)?;
        Ok(tokens)
    }

    pub(crate) async fn forget(&self) -> Result<(), MeliError> {
        let mut current = self.current.lock().await;
        *current = None;
        self.store.clear()
    }

    pub(crate) async fn user_id(&self) -> Result<Option<UserId>, MeliError> {
        let mut current = self.current.lock().await;
        Ok(self.loaded(&mut current)?.user_id)
    }

    /// The pair in memory, loading it from the store the first time.
    fn loaded(&self, current: &mut Option<Current>) -> Result<StoredTokens, MeliError> {
        if current.is_none() {
            let tokens = self.store.load()?.ok_or(MeliError::NotConnected)?;
            *current = Some(Current {
                tokens,
                persisted: true,
            });
        }
        current
            .as_ref()
            .map(|c| c.tokens.clone())
            .ok_or(MeliError::NotConnected)
    }

    /// The access token, once its pair is durable.
    fn usable(&self, current: &mut Option<Current>) -> Result<Secret, MeliError> {
        let c = current.as_mut().ok_or(MeliError::NotConnected)?;
        if !c.persisted {
            self.store.save(&c.tokens)?;
            c.persisted = true;
        }
        Ok(c.tokens.access_token.clone())
    }

    async fn refresh(&self, current: &mut Option<Current>) -> Result<(), MeliError> {
        let old = self.loaded(current)?;
        let Some(refresh_token) = old.refresh_token.as_ref() else {
            return Err(MeliError::Unauthorized {
                message: "the access token expired and there is no refresh token (offline_access)"
                    .into(),
            });
        };
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        tracing::info!("refreshing the Mercado Libre access token");
        let token = self.endpoint.refresh(refresh_token).await?;
        let refreshed_at = Utc::now();
        *self.last_refresh.lock().unwrap_or_else(|e| e.into_inner()) = Some(refreshed_at);
        let mut fresh = StoredTokens::from_token(token, refreshed_at);
        if fresh.user_id.is_none() {
            fresh.user_id = old.user_id;
        }
        // The old refresh token is dead now: keep the new pair even if the store fails, but let
        // nothing use it until it is durable (`usable`).
        *current = Some(Current {
            tokens: fresh,
            persisted: false,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absurd_or_negative_lifetimes_never_panic() {
        let issued = Utc::now();
        for expires_in in [
            json!(1_000_000_000_000_000u64),
            json!(u64::MAX),
            json!(-5),
            json!("x"),
        ] {
            let token: Token = serde_json::from_value(json!({
                "access_token": "APP_USR-1", "expires_in": expires_in, "refresh_token": "TG-1"
            }))
            .expect("token parses");
            let stored = StoredTokens::from_token(token, issued);
            assert!(stored.expires_at >= issued, "{expires_in}");
            assert!(
                stored.expires_at <= issued + Duration::days(366),
                "{expires_in}"
            );
        }
    }

    #[test]
    fn expiry_uses_expires_in_with_a_margin() {
        let token: Token = serde_json::from_value(serde_json::json!({
            "access_token": "APP_USR-1", "expires_in": 10800, "refresh_token": "TG-1", "user_id": "7"
        }))
        .expect("token");
        let t0 = Utc::now();
        let stored = StoredTokens::from_token(token, t0);
        assert_eq!(stored.user_id, Some(7));
        assert!(!stored.is_expired(t0 + Duration::seconds(10_000)));
        assert!(stored.is_expired(t0 + Duration::seconds(10_790)));
        assert!(!format!("{stored:?}").contains("APP_USR-1"));
    }

    #[test]
    fn memory_store_round_trips() {
        let store = MemoryTokenStore::default();
        assert_eq!(store.load().expect("load"), None);
        let t = StoredTokens {
            access_token: Secret::new("a"),
            refresh_token: None,
            expires_at: Utc::now(),
            user_id: None,
            scope: None,
        };
        store.save(&t).expect("save");
        assert_eq!(store.load().expect("load"), Some(t));
        store.clear().expect("clear");
        assert_eq!(store.load().expect("load"), None);
    }
}
