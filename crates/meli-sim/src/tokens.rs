//! Authorization codes, access tokens and refresh tokens, with the lifetimes and single-use rules
//! Mercado Libre documents.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::model::App;
use crate::rng::Rng;

/// Seconds an access token lives, as every published example says.
pub const EXPIRES_IN: i64 = 10_800;
/// Codes are short-lived.
pub const CODE_LIFETIME_SECS: i64 = 600;
/// Six months.
pub const REFRESH_LIFETIME_DAYS: i64 = 182;

/// The token endpoint's answer, shaped like the published `token_response.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPair {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub scope: String,
    pub user_id: u64,
    pub refresh_token: String,
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub user: u64,
    pub redirect_uri: String,
    /// `(code_challenge, method)` when the request carried one.
    pub challenge: Option<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Access {
    user: u64,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Refresh {
    user: u64,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub struct Tokens {
    access: HashMap<String, Access>,
    /// Only the latest refresh token of a grant is here; a used one is removed at once.
    refresh: HashMap<String, Refresh>,
    codes: HashMap<String, AuthCode>,
}

impl Tokens {
    pub fn issue(&mut self, rng: &mut Rng, app: &App, user: u64, now: DateTime<Utc>) -> TokenPair {
        let access_token = format!(
            "APP_USR-{}-{}-{}-{}",
            app.client_id,
            now.format("%m%d%H"),
            rng.hex(25),
            user
        );
        let refresh_token = format!("TG-{}-{}", rng.hex(24), user);
        // Forget dead tokens so a long demo session does not accumulate them.
        self.access.retain(|_, a| a.expires_at > now);
        self.access.insert(
            access_token.clone(),
            Access {
                user,
                expires_at: now + TimeDelta::seconds(EXPIRES_IN),
            },
        );
        self.refresh.insert(
            refresh_token.clone(),
            Refresh {
                user,
                expires_at: now + TimeDelta::days(REFRESH_LIFETIME_DAYS),
            },
        );
        TokenPair {
            access_token,
            token_type: "bearer".into(),
            expires_in: EXPIRES_IN,
            scope: "offline_access read write".into(),
            user_id: user,
            refresh_token,
        }
    }

    /// The user an access token belongs to, if it is known, unexpired and not revoked.
    pub fn user_of(&self, access_token: &str, now: DateTime<Utc>) -> Option<u64> {
        self.access
            .get(access_token)
            .filter(|a| a.expires_at > now)
            .map(|a| a.user)
    }

    pub fn new_code(&mut self, rng: &mut Rng, code: AuthCode) -> String {
        let value = format!("TG-{}-{}", rng.hex(24), code.user);
        self.codes.insert(value.clone(), code);
        value
    }

    /// Takes a code out for good: whatever happens next, it cannot be used again.
    pub fn take_code(&mut self, code: &str, now: DateTime<Utc>) -> Option<AuthCode> {
        self.codes.remove(code).filter(|c| c.expires_at > now)
    }

    /// Takes a refresh token out for good and returns its user.
    pub fn take_refresh(&mut self, token: &str, now: DateTime<Utc>) -> Option<u64> {
        self.refresh
            .remove(token)
            .filter(|r| r.expires_at > now)
            .map(|r| r.user)
    }

    /// The user revoked the application: every token and code of theirs stops working.
    pub fn revoke_user(&mut self, user: u64) {
        self.access.retain(|_, a| a.user != user);
        self.refresh.retain(|_, r| r.user != user);
        self.codes.retain(|_, c| c.user != user);
    }
}
