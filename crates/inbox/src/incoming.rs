//! What a sync hands the store for a conversation, read tolerantly from the API's JSON
//! (`GET /messages/packs/{id}/sellers/{seller}`), like [`crate::pipeline::Order::from_api`].

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::pipeline::order::{id_of, parse_api_date};

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingAttachment {
    /// Mercado Libre's id for downloading it; never used as a local file name.
    pub filename: String,
    pub original_filename: Option<String>,
    pub mime: Option<String>,
    pub size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingMessage {
    pub meli_id: String,
    /// Anyone but the seller: the buyer, or a country's messaging agent.
    pub from_buyer: bool,
    pub from_name: Option<String>,
    pub text: String,
    /// Lower case: the API has sent both `available` and `IN_MODERATION`.
    pub status: String,
    pub moderation_status: Option<String>,
    pub moderation_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub attachments: Vec<IncomingAttachment>,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingConversation {
    /// `active` or `blocked`.
    pub status: Option<String>,
    pub substatus: Option<String>,
    /// Claims the status names (`claim_id`, or `claim_ids` in other examples), sorted;
    /// `None` when the page had no status at all.
    pub claims: Option<Vec<i64>>,
    pub messages: Vec<IncomingMessage>,
}

fn claims_of(status: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = std::iter::once(status.get("claim_id"))
        .chain(
            status
                .get("claim_ids")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(Some),
        )
        .filter_map(|v| crate::pipeline::order::id_of(v))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn text_at(value: &Value, path: &[&str]) -> Option<String> {
    let mut v = value;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn date_at(value: &Value, path: &[&str]) -> Option<DateTime<Utc>> {
    text_at(value, path).and_then(|t| parse_api_date(&t))
}

/// `none` and `null` mean the same to us.
fn meaningful(value: Option<String>) -> Option<String> {
    value.map(|v| v.to_lowercase()).filter(|v| v != "none")
}

impl IncomingMessage {
    /// `None` for a message without id or date: it cannot be placed in the conversation.
    pub fn from_api(json: &Value, seller_user_id: i64) -> Option<IncomingMessage> {
        let mut message = Self::read(json, seller_user_id)?;
        message.raw = json.clone();
        Some(message)
    }

    /// The same, keeping `json` itself as the raw JSON (no copy of it).
    pub fn from_api_owned(json: Value, seller_user_id: i64) -> Option<IncomingMessage> {
        let mut message = Self::read(&json, seller_user_id)?;
        message.raw = json;
        Some(message)
    }

    /// Every field but `raw` (left null).
    fn read(json: &Value, seller_user_id: i64) -> Option<IncomingMessage> {
        let meli_id = text_at(json, &["id"])?;
        let created_at = date_at(json, &["message_date", "created"])
            .or_else(|| date_at(json, &["message_date", "received"]))
            .or_else(|| date_at(json, &["date_created"]))?;
        let from_id = id_of(json.get("from").and_then(|f| f.get("user_id")));
        let attachments = json
            .get("message_attachments")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|a| {
                        Some(IncomingAttachment {
                            filename: text_at(a, &["filename"])?,
                            original_filename: text_at(a, &["original_filename"]),
                            mime: text_at(a, &["type"]),
                            size: id_of(a.get("size")),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(IncomingMessage {
            meli_id,
            from_buyer: from_id != Some(seller_user_id),
            from_name: text_at(json, &["from", "name"])
                .map(|name| crate::untrusted::clean_name(&name))
                .filter(|name| !name.is_empty()),
            text: json
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            status: text_at(json, &["status"])
                .unwrap_or_else(|| "available".into())
                .to_lowercase(),
            moderation_status: meaningful(text_at(json, &["message_moderation", "status"])),
            moderation_reason: meaningful(text_at(json, &["message_moderation", "reason"])),
            created_at,
            read_at: date_at(json, &["message_date", "read"]),
            attachments,
            raw: Value::Null,
        })
    }

    /// Moderated or rejected: the other side never saw it.
    pub fn reached_recipient(&self) -> bool {
        !matches!(self.status.as_str(), "moderated" | "rejected")
            && !matches!(self.moderation_status.as_deref(), Some("rejected"))
    }
}

impl IncomingConversation {
    /// Mercado Libre reports a Mercado Envíos 2 sale nobody wrote in as "blocked, initiated by
    /// seller limited": it is not blocked for us, it must start through the action guide. The
    /// rules see it as active with the guide required.
    pub fn treat_seller_limited_as_guide(&mut self) {
        self.status = Some("active".to_owned());
        self.substatus = None;
    }

    /// A conversation from its status and its messages' JSON, each kept as its raw JSON
    /// without a copy (what [`Self::from_api`] reads out of a whole page).
    pub fn from_parts(
        status: Option<&Value>,
        messages: Vec<Value>,
        seller_user_id: i64,
    ) -> IncomingConversation {
        let status = status.unwrap_or(&Value::Null);
        IncomingConversation {
            status: text_at(status, &["status"]).map(|s| s.to_lowercase()),
            substatus: text_at(status, &["substatus"]),
            claims: status.is_object().then(|| claims_of(status)),
            messages: messages
                .into_iter()
                .filter_map(|m| IncomingMessage::from_api_owned(m, seller_user_id))
                .collect(),
        }
    }

    pub fn from_api(json: &Value, seller_user_id: i64) -> IncomingConversation {
        let messages = json
            .get("messages")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|m| IncomingMessage::from_api(m, seller_user_id))
                    .collect()
            })
            .unwrap_or_default();
        IncomingConversation {
            status: text_at(json, &["conversation_status", "status"]).map(|s| s.to_lowercase()),
            substatus: text_at(json, &["conversation_status", "substatus"]),
            claims: json
                .get("conversation_status")
                .filter(|s| s.is_object())
                .map(claims_of),
            messages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_parts_reads_what_from_api_reads() {
        let json: Value = serde_json::from_str(include_str!(
            "../fixtures/messages_by_pack_with_attachment.json"
        ))
        .expect("fixture parses");
        let messages = json["messages"].as_array().expect("messages").clone();
        assert_eq!(
            IncomingConversation::from_parts(json.get("conversation_status"), messages, 415458330),
            IncomingConversation::from_api(&json, 415458330)
        );
        assert_eq!(
            IncomingConversation::from_parts(None, Vec::new(), 415458330),
            IncomingConversation::from_api(&serde_json::json!({}), 415458330)
        );
    }

    #[test]
    fn parses_the_published_conversation_with_attachment() {
        let json: Value = serde_json::from_str(include_str!(
            "../fixtures/messages_by_pack_with_attachment.json"
        ))
        .expect("fixture parses");
        let page = IncomingConversation::from_api(&json, 415458330);
        assert_eq!(page.status.as_deref(), Some("active"));
        assert_eq!(page.substatus, None);
        assert_eq!(page.messages.len(), 1);
        let m = &page.messages[0];
        assert_eq!(m.meli_id, "2c92808469fea23a0169febf14580001");
        assert!(!m.from_buyer, "the seller wrote it");
        assert_eq!(m.status, "in_moderation");
        assert_eq!(m.moderation_status.as_deref(), Some("non_moderated"));
        assert_eq!(m.moderation_reason, None, "\"none\" means none");
        assert!(m.read_at.is_some());
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(
            m.attachments[0].original_filename.as_deref(),
            Some("Ayuda-Memoria-Arduino-ELINSI.pdf")
        );
        assert_eq!(m.attachments[0].size, Some(225677));
    }

    #[test]
    fn messages_without_id_or_date_are_skipped() {
        let json = serde_json::json!({"messages": [{"text": "x"}, {"id": "a", "text": "y"}]});
        assert!(IncomingConversation::from_api(&json, 1).messages.is_empty());
    }

    #[test]
    fn rejected_messages_did_not_reach_the_recipient() {
        let mut json = serde_json::json!({"id": "a", "message_date": {"created": "2026-05-01T10:00:00Z"}, "status": "MODERATED"});
        let m = IncomingMessage::from_api(&json, 1).expect("parses");
        assert!(!m.reached_recipient());
        json["status"] = "available".into();
        assert!(IncomingMessage::from_api(&json, 1)
            .expect("parses")
            .reached_recipient());
    }
}

/// A template's published `html` as the plain text the buyer reads: line breaks kept, tags
/// dropped, the few entities Mercado Libre's texts use decoded. The UI shows it as text only.
pub fn template_plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&rest[..start]);
        let tag = rest[start + 1..start + len].trim().to_ascii_lowercase();
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        out.push_str(match (name, closing) {
            ("br", _) | ("p" | "div", true) => "\n",
            ("li", false) => "\n- ",
            _ => "",
        });
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

/// The action guide for a pack (`GET /messages/action_guide/packs/{id}`), with the caps of
/// `…/caps_available` when the sync read them (they are fresher than the options' own).
pub fn action_guide_from_api(options: &Value, caps: Option<&Value>) -> crate::rules::ActionGuide {
    use crate::rules::{ActionGuide, GuideOption, OptionKind};
    let cap_of = |id: &str| {
        caps.and_then(Value::as_array)?
            .iter()
            .find(|c| c.get("option_id").and_then(Value::as_str) == Some(id))
            .and_then(|c| id_of(c.get("cap_available")))
    };
    let parsed = options
        .get("options")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|o| {
                    let id = text_at(o, &["id"])?;
                    let kind = if text_at(o, &["type"]).as_deref() == Some("template") {
                        let template_ids = o
                            .get("templates")
                            .and_then(Value::as_array)
                            .map(|t| t.iter().filter_map(|t| text_at(t, &["id"])).collect())
                            .unwrap_or_default();
                        OptionKind::Template {
                            template_ids,
                            texts: Default::default(),
                            needs_values: Vec::new(),
                        }
                    } else {
                        let limit = id_of(o.get("char_limit")).unwrap_or(350);
                        OptionKind::FreeText {
                            char_limit: u32::try_from(limit).unwrap_or(350),
                        }
                    };
                    let cap = cap_of(&id)
                        .or_else(|| id_of(o.get("cap_available")))
                        .unwrap_or(0);
                    Some(GuideOption {
                        enabled: o.get("enabled").and_then(Value::as_bool).unwrap_or(false),
                        cap_available: u32::try_from(cap.max(0)).unwrap_or(0),
                        kind,
                        id,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ActionGuide::Required { options: parsed }
}

#[cfg(test)]
mod guide_tests {
    use super::*;
    use crate::rules::{ActionGuide, OptionKind};

    #[test]
    fn template_html_reads_as_plain_text() {
        assert_eq!(
            template_plain_text("Hola,Entregaremos tu compra %s entre las %d y las %d hs."),
            "Hola,Entregaremos tu compra %s entre las %d y las %d hs."
        );
        assert_eq!(
            template_plain_text(
                "<p>Necesito:</p><ul><li>Nombre</li><li>DNI &amp; domicilio</li></ul>"
            ),
            "Necesito:\n\n- Nombre\n- DNI & domicilio"
        );
        assert_eq!(
            template_plain_text("Hola<br/>chau <b>x</b>"),
            "Hola\nchau x"
        );
        assert_eq!(template_plain_text("a < b"), "a < b", "a lone < is text");
    }

    #[test]
    fn parses_the_published_options_with_fresher_caps() {
        let options: Value =
            serde_json::from_str(include_str!("../fixtures/action_guide_options.json"))
                .expect("fixture");
        let mut caps: Value =
            serde_json::from_str(include_str!("../fixtures/action_guide_caps_available.json"))
                .expect("fixture");
        caps[3]["cap_available"] = 0.into();
        let ActionGuide::Required { options } = action_guide_from_api(&options, Some(&caps)) else {
            panic!("required");
        };
        assert_eq!(options.len(), 4);
        assert_eq!(
            options[1].kind,
            OptionKind::Template {
                template_ids: vec!["TEMPLATE___REQUEST_BILLING_INFO___1".into()],
                texts: Default::default(),
                needs_values: Vec::new(),
            }
        );
        assert_eq!(options[3].id, "OTHER");
        assert_eq!(options[3].kind, OptionKind::FreeText { char_limit: 350 });
        assert_eq!(
            options[3].cap_available, 1,
            "caps list index 3 is DELIVERY_PROMISE, not OTHER"
        );
        let other_caps = serde_json::json!([{"option_id": "OTHER", "cap_available": 0}]);
        let ActionGuide::Required { options: updated } = action_guide_from_api(
            &serde_json::from_str(include_str!("../fixtures/action_guide_options.json"))
                .expect("fixture"),
            Some(&other_caps),
        ) else {
            panic!("required");
        };
        assert_eq!(updated[3].cap_available, 0);
        assert!(updated.iter().all(|o| o.enabled));
    }
}
