//! Post-sale messages: `GET /messages/packs/{pack}/sellers/{seller}` and the message an action-guide
//! option returns.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::de;
use super::macros::{raw_record, tolerant_enum};
use super::{Paging, UserId};

tolerant_enum! {
    /// A message's status. Older payloads send upper case (`IN_MODERATION`).
    pub enum MessageStatus {
        Available = "available",
        Moderated = "moderated",
        Rejected = "rejected",
        PendingTranslation = "pending_translation",
        InModeration = "in_moderation",
    }
}

tolerant_enum! {
    /// The moderation verdict on a message.
    pub enum ModerationStatus {
        Clean = "clean",
        Rejected = "rejected",
        Pending = "pending",
        NonModerated = "non_moderated",
    }
}

raw_record! {
    /// One message, as listed in a conversation or as returned by sending an action-guide option.
    pub struct Message {
        #[serde(deserialize_with = "de::string")]
        pub id: String,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub site_id: Option<String>,
        #[serde(default, deserialize_with = "de::opt_id")]
        pub client_id: Option<i64>,
        #[serde(default)]
        pub from: Option<Participant>,
        #[serde(default)]
        pub to: Option<Participant>,
        #[serde(default)]
        pub status: Option<MessageStatus>,
        #[serde(default, deserialize_with = "de::opt_string")]
        pub subject: Option<String>,
        #[serde(default, deserialize_with = "text")]
        pub text: Option<String>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub message_date: MessageDates,
        #[serde(default)]
        pub message_moderation: Option<Moderation>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub message_attachments: Vec<MessageAttachment>,
        #[serde(default, deserialize_with = "de::nullable")]
        pub message_resources: Vec<MessageResource>,
        #[serde(default, deserialize_with = "de::opt_bool")]
        pub conversation_first_message: Option<bool>,
    }
}

impl Message {
    /// One message in either published shape of `GET /messages/{id}`: the current one (as
    /// listed in a conversation) or the legacy one, which names the id `message_id`, keeps
    /// the dates at the top level (`date_received`, `date_available`, `date_notified`,
    /// `date_read`, `date`), sends `to` as a list, `text` as `{plain}` and `moderation`
    /// instead of `message_moderation`.
    pub fn from_any(mut value: serde_json::Value) -> Result<Message, serde_json::Error> {
        if let Some(map) = value.as_object_mut() {
            if !map.contains_key("id") {
                if let Some(id) = map.get("message_id").cloned() {
                    map.insert("id".into(), id);
                }
            }
            let has_dates = map.get("message_date").is_some_and(|d| d.is_object());
            if !has_dates {
                let date = |names: &[&str]| {
                    names
                        .iter()
                        .find_map(|n| map.get(*n).filter(|v| !v.is_null()).cloned())
                        .unwrap_or(serde_json::Value::Null)
                };
                let dates = serde_json::json!({
                    "received": date(&["date_received", "date"]),
                    "available": date(&["date_available"]),
                    "notified": date(&["date_notified"]),
                    "created": date(&["date_created", "date", "date_received"]),
                    "read": date(&["date_read"]),
                });
                map.insert("message_date".into(), dates);
            }
            if let Some(first) = map
                .get("to")
                .and_then(|t| t.as_array())
                .map(|list| list.first().cloned().unwrap_or(serde_json::Value::Null))
            {
                map.insert("to".into(), first);
            }
            if !map.contains_key("message_moderation") {
                if let Some(mut moderation) = map.get("moderation").cloned() {
                    if let Some(m) = moderation.as_object_mut() {
                        if let Some(date) = m.remove("date_moderated") {
                            m.entry("moderation_date").or_insert(date);
                        }
                    }
                    map.insert("message_moderation".into(), moderation);
                }
            }
            let no_attachments = map
                .get("message_attachments")
                .is_none_or(serde_json::Value::is_null);
            if no_attachments {
                if let Some(list) = map.get("attachments").filter(|a| a.is_array()).cloned() {
                    map.insert("message_attachments".into(), list);
                }
            }
        }
        serde_json::from_value(value)
    }

    pub fn from_user_id(&self) -> Option<UserId> {
        self.from.as_ref().and_then(|p| p.user_id)
    }

    pub fn to_user_id(&self) -> Option<UserId> {
        self.to.as_ref().and_then(|p| p.user_id)
    }

    /// When the message was written: `created`, else `received`.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.message_date.created.or(self.message_date.received)
    }
}

/// Older payloads sent `text` as `{"plain": "…"}`; accept both.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Object(map) => {
            map.get("plain").and_then(|p| p.as_str()).map(str::to_owned)
        }
        _ => None,
    })
}

/// The sender or recipient: the buyer, the seller, or a country's messaging agent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Participant {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<UserId>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MessageDates {
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub received: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub available: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub notified: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub read: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Moderation {
    #[serde(default)]
    pub status: Option<ModerationStatus>,
    /// `out_of_place_language`, `PERSONAL_DATA`, … (case varies; `none` when not moderated).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub reason: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub moderation_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageAttachment {
    /// The attachment id used to download it.
    #[serde(deserialize_with = "de::string")]
    pub filename: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_filename: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    pub content_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub size: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub potential_security_threat: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub creation_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageResource {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

tolerant_enum! {
    /// Whether the seller may write in a conversation.
    pub enum ConversationState {
        Active = "active",
        Blocked = "blocked",
    }
}

/// `conversation_status` of a conversation. `substatus` says why it is blocked
/// (`blocked_by_payment`, `blocked_by_time`, …; meli-api.md §4.5), kept as a string because the
/// list keeps growing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConversationStatus {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub path: Option<String>,
    #[serde(default)]
    pub status: Option<ConversationState>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub substatus: Option<String>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub status_date: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub status_update_allowed: Option<bool>,
    /// The claim open on the sale; other examples name a list, [`Self::claim_ids`].
    #[serde(default, deserialize_with = "de::opt_id")]
    pub claim_id: Option<i64>,
    #[serde(default, deserialize_with = "de::nullable_ids")]
    pub claim_ids: Vec<i64>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub shipping_id: Option<i64>,
}

impl ConversationStatus {
    pub fn is_blocked(&self) -> bool {
        self.status == Some(ConversationState::Blocked)
    }

    /// Every claim the status names, whichever of the two published forms it used.
    pub fn claims(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .claim_id
            .into_iter()
            .chain(self.claim_ids.iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// One page of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackMessages {
    #[serde(default, deserialize_with = "de::nullable")]
    pub paging: Paging,
    #[serde(default)]
    pub conversation_status: Option<ConversationStatus>,
    #[serde(default, deserialize_with = "de::nullable")]
    pub messages: Vec<Message>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub seller_max_message_length: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub buyer_max_message_length: Option<u64>,
}

/// `GET /messages/unread?role=seller`: conversations with unread messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unread {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub user_id: Option<UserId>,
    #[serde(default, deserialize_with = "de::nullable")]
    pub results: Vec<UnreadConversation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnreadConversation {
    /// `/packs/{pack}/sellers/{seller}`.
    #[serde(deserialize_with = "de::string")]
    pub resource: String,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub count: Option<u64>,
}

impl UnreadConversation {
    /// The pack (or order) id in `resource`.
    pub fn pack_id(&self) -> Option<i64> {
        let mut parts = self.resource.trim_matches('/').split('/');
        match (parts.next(), parts.next()) {
            (Some("packs"), Some(id)) => id.parse().ok(),
            _ => None,
        }
    }
}

/// `POST /messages/attachments` answers the id to put in a message's `attachments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedAttachment {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conversation_status_keeps_claims_in_either_form() {
        let one: ConversationStatus = serde_json::from_value(json!({
            "status": "active", "claim_id": "5208123456", "shipping_id": 43700000001u64
        }))
        .expect("claim_id form");
        assert_eq!(one.claims(), [5208123456]);
        assert_eq!(one.shipping_id, Some(43700000001));
        let many: ConversationStatus = serde_json::from_value(json!({
            "status": "blocked", "claim_ids": [5208000002u64, "5208000001"], "claim_id": null
        }))
        .expect("claim_ids form");
        assert_eq!(many.claims(), [5208000001, 5208000002]);
        let none: ConversationStatus =
            serde_json::from_value(json!({ "status": "active", "claim_ids": null }))
                .expect("no claim");
        assert!(none.claims().is_empty());
    }
}
