//! A webhook notification (or one row of `/missed_feeds`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::de;
use super::UserId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    #[serde(default, alias = "_id", deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    /// `/orders/2195160686`, or a bare message id for the `messages` topic.
    #[serde(deserialize_with = "de::string")]
    pub resource: String,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<UserId>,
    #[serde(deserialize_with = "de::string")]
    pub topic: String,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub application_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub attempts: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub sent: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub received: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::nullable")]
    pub actions: Vec<String>,
}

impl Notification {
    /// The numeric id at the end of `resource` (`/orders/2195160686` → 2195160686).
    pub fn resource_id(&self) -> Option<i64> {
        self.resource
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
    }
}
