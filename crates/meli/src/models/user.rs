//! `GET /users/me` and `GET /users/{id}`.

use serde::{Deserialize, Serialize};

use super::de;
use super::macros::raw_record;
use super::UserId;

raw_record! {
    /// A Mercado Libre account. Public lookups return only a few of these fields; the rest stay `None`.
    pub struct User {
        #[serde(deserialize_with = "de::id")]
        pub id: UserId,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub nickname: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub first_name: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub last_name: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub email: Option<String>,
        /// ISO-2 country (`AR`), unlike `site_id` (`MLA`).
        #[serde(default, deserialize_with = "de::opt_string")]
        pub country_id: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub site_id: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub user_type: Option<String>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub permalink: Option<String>,
        #[serde(default, deserialize_with = "de::opt_datetime")]
        pub registration_date: Option<chrono::DateTime<chrono::Utc>>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub tags: Vec<String>,
        #[serde(default)]
        pub address: Option<UserAddress>,
        #[serde(default)]
        pub seller_reputation: Option<SellerReputation>,
        #[serde(default)]
        pub status: Option<UserStatus>,
    }
}

impl User {
    /// The best name to show: first and last name, else the nickname.
    pub fn display_name(&self) -> Option<String> {
        let full = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if full.is_empty() {
            self.nickname.clone()
        } else {
            Some(full)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserAddress {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub city: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SellerReputation {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub level_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub power_seller_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserStatus {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub site_status: Option<String>,
}
