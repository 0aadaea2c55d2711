//! The token endpoint's answer.

use serde::{Deserialize, Serialize};

use super::de;
use super::UserId;
use crate::secret::Secret;

/// `POST /oauth/token` for both grants. Tokens are [`Secret`]s so no `Debug` or log shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    pub access_token: Secret,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub token_type: Option<String>,
    /// Seconds; the examples say 10800 while the text says 6 h, so only this value is trusted.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub expires_in: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<UserId>,
    /// Absent when the application lacks `offline_access`.
    #[serde(default)]
    pub refresh_token: Option<Secret>,
}
