//! Post-sale messaging: conversations, sending, unread, attachments.

use bytes::Bytes;
use serde_json::json;

use super::transport::{Body, Call, Replay, Upload};
use super::Client;
use crate::models::{Message, PackId, PackMessages, Unread, UploadedAttachment, UserId};
use crate::MeliError;

/// Which page of a conversation to read, and whether reading marks it read on Mercado Libre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessagesPage {
    pub offset: u32,
    pub limit: u32,
    /// Sync must leave this `false`: reading for the cache must never mark a conversation read.
    /// Only opening the chat marks it.
    pub mark_as_read: bool,
}

impl Default for MessagesPage {
    fn default() -> Self {
        MessagesPage {
            offset: 0,
            limit: 50,
            mark_as_read: false,
        }
    }
}

/// A seller's message. `to` is the other party as Mercado Libre reports it (the buyer, or the
/// country's messaging agent).
#[derive(Debug, Clone, PartialEq)]
pub struct SendMessage {
    pub from: UserId,
    pub to: UserId,
    pub text: String,
    /// Ids returned by [`Client::upload_attachment`].
    pub attachments: Vec<String>,
}

impl SendMessage {
    /// The published request body: user ids as strings, `attachments` only when there are some.
    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({
            "from": {"user_id": self.from.to_string()},
            "to": {"user_id": self.to.to_string()},
            "text": self.text,
        });
        if !self.attachments.is_empty() {
            body["attachments"] = json!(self.attachments);
        }
        body
    }
}

/// A conversation page as Mercado Libre sent it (see [`Client::messages_raw`]).
#[derive(Debug, Clone)]
pub struct RawPage {
    body: Bytes,
}

impl RawPage {
    /// A digest of the page's bytes, the same for the same bytes within one build of the app
    /// (for comparisons kept in memory; std's hasher may change between Rust releases).
    pub fn digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        self.body.hash(&mut hasher);
        hasher.finish()
    }

    pub fn decode(&self) -> Result<PackMessages, MeliError> {
        serde_json::from_slice(&self.body).map_err(|e| MeliError::decode(e, &self.body))
    }
}

fn conversation_path(pack_id: PackId, seller_id: UserId) -> String {
    format!("/messages/packs/{pack_id}/sellers/{seller_id}")
}

impl Client {
    /// `GET /messages/packs/{pack}/sellers/{seller}`. `pack_id` is the order id for an order
    /// without a pack ([`crate::models::Order::conversation_id`]).
    pub async fn messages(
        &self,
        pack_id: PackId,
        seller_id: UserId,
        page: MessagesPage,
    ) -> Result<PackMessages, MeliError> {
        self.messages_raw(pack_id, seller_id, page).await?.decode()
    }

    /// [`Client::messages`], not decoded yet: a caller that has seen the same bytes for the
    /// same page before can tell nothing changed without decoding them.
    pub async fn messages_raw(
        &self,
        pack_id: PackId,
        seller_id: UserId,
        page: MessagesPage,
    ) -> Result<RawPage, MeliError> {
        let mut call = Call::get(conversation_path(pack_id, seller_id))
            .post_sale()
            .query("offset", page.offset)
            .query("limit", page.limit);
        if !page.mark_as_read {
            call = call.query("mark_as_read", "false");
        }
        Ok(RawPage {
            body: self.call(call).await?,
        })
    }

    /// Marks a conversation read on Mercado Libre (reading it without `mark_as_read=false` is how
    /// the API does it): call when the seller opens the chat.
    pub async fn mark_read(
        &self,
        pack_id: PackId,
        seller_id: UserId,
    ) -> Result<PackMessages, MeliError> {
        let page = MessagesPage {
            mark_as_read: true,
            ..MessagesPage::default()
        };
        self.messages(pack_id, seller_id, page).await
    }

    /// `POST /messages/packs/{pack}/sellers/{seller}`. Never retried: a lost answer gives
    /// [`MeliError::SendOutcomeUnknown`], and the caller re-reads the conversation before trying
    /// again. The answer's body is undocumented; the message is returned when it has one.
    pub async fn send_message(
        &self,
        pack_id: PackId,
        seller_id: UserId,
        message: &SendMessage,
    ) -> Result<Option<Message>, MeliError> {
        let call = Call::post(
            conversation_path(pack_id, seller_id),
            Body::Json(message.body()),
            Replay::Never,
        )
        .post_sale();
        let body = self.call(call).await?;
        Ok(first_message(&body))
    }

    /// `GET /messages/unread?role=seller`: conversations with unread messages (at most 500).
    pub async fn unread(&self) -> Result<Unread, MeliError> {
        let call = Call::get("/messages/unread".into())
            .query("role", "seller")
            .post_sale();
        self.call_json(call).await
    }

    /// `GET /messages/unread/packs/{pack}/sellers/{seller}`: the unread count of one conversation.
    pub async fn unread_in(&self, pack_id: PackId, seller_id: UserId) -> Result<Unread, MeliError> {
        let call = Call::get(format!(
            "/messages/unread/packs/{pack_id}/sellers/{seller_id}"
        ))
        .post_sale();
        self.call_json(call).await
    }

    /// `GET /messages/{id}`, where a `messages` notification points. Both documented shapes (a
    /// bare message, or `{messages: [...]}`) are accepted.
    pub async fn message(&self, message_id: &str) -> Result<Message, MeliError> {
        if !is_safe_id(message_id) {
            return Err(MeliError::NotFound {
                message: format!("not a message id: {message_id:?}"),
            });
        }
        let body = self
            .call(Call::get(format!("/messages/{message_id}")).post_sale())
            .await?;
        first_message(&body).ok_or_else(|| MeliError::decode("no message in the answer", &body))
    }

    /// `POST /messages/attachments` (multipart field `file`). JPG, PNG, PDF or TXT up to 25 MB;
    /// an attachment not used in a message within 48 h is deleted. Retried like a read: an
    /// orphan upload costs nothing.
    pub async fn upload_attachment(
        &self,
        filename: &str,
        mime: &str,
        bytes: Bytes,
    ) -> Result<UploadedAttachment, MeliError> {
        let upload = Upload {
            filename: filename.to_owned(),
            mime: mime.to_owned(),
            bytes,
        };
        let call = Call::post(
            "/messages/attachments".into(),
            Body::File(upload),
            Replay::Retry,
        )
        .post_sale()
        .query("site_id", self.site().id());
        self.call_json(call).await
    }

    /// `GET /messages/attachments/{id}`: the raw file.
    pub async fn download_attachment(&self, attachment_id: &str) -> Result<Bytes, MeliError> {
        if !is_safe_id(attachment_id) {
            return Err(MeliError::AttachmentInvalid {
                message: format!("not an attachment id: {attachment_id:?}"),
            });
        }
        let call = Call::get(format!("/messages/attachments/{attachment_id}"))
            .post_sale()
            .query("site_id", self.site().id())
            .transfer();
        self.call(call).await
    }
}

/// Attachment and message ids look like `210438685_59f0f034-….jpg` or a hex string. They come
/// from other people's messages, so anything that could change the request path (`/`, `..`,
/// `?`) is refused before it reaches a URL.
fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 256
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A message from an answer that is a message, `{messages: [...]}`, or nothing at all (the send
/// answer is undocumented; `GET /messages/{id}` has two shapes).
pub(crate) fn first_message(body: &[u8]) -> Option<Message> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let candidate = match value.get("messages").and_then(|m| m.get(0)) {
        Some(first) => first.clone(),
        None => value,
    };
    Message::from_any(candidate).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../../shared/meli-fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn message_by_id_reads_the_shape_with_header() {
        let body = fixture("messages/message_by_id_with_header.json");
        let m = first_message(&body).expect("the published answer parses");
        assert_eq!(m.id, "fd1d2e37ad004ede9e0bf25d1215002d");
        assert_eq!(m.from_user_id(), Some(123456789000));
        assert_eq!(m.to_user_id(), Some(2332423234));
        assert_eq!(m.text.as_deref(), Some("Mensaje de prueba"));
        assert_eq!(
            m.created_at().map(|d| d.to_rfc3339()),
            Some("2020-12-05T20:01:46+00:00".to_owned())
        );
        assert_eq!(m.message_resources.len(), 2);
    }

    #[test]
    fn message_by_id_reads_the_legacy_shape() {
        // The legacy answer: the bare message, its id as `message_id`, the dates at the top,
        // `to` as a list, `text` as `{plain}` and `moderation` with `date_moderated`.
        let body = json!({
            "message_id": "0b1f6a7c5e2d4f3a9c8b7a6d5e4f3a2b",
            "date_received": "2019-03-11T14:02:05.000-04:00",
            "date": "2019-03-11T14:02:05.000-04:00",
            "date_available": "2019-03-11T14:02:06.000-04:00",
            "date_notified": "2019-03-11T14:02:07.000-04:00",
            "date_read": null,
            "from": { "user_id": "415458330", "email": "vendedor@mail.mercadolibre.com", "name": "Vendedor" },
            "to": [{ "user_id": "89660613", "email": "comprador@mail.mercadolibre.com" }],
            "subject": null,
            "text": { "plain": "Tu pedido ya fue despachado" },
            "attachments": [],
            "site_id": "MLA",
            "resource": "orders",
            "resource_id": "2032217210",
            "status": "available",
            "moderation": { "status": "clean", "date_moderated": "2019-03-11T14:02:05.000-04:00", "source": "online" },
            "client_id": 1234
        })
        .to_string();
        let m = first_message(body.as_bytes()).expect("the legacy answer parses");
        assert_eq!(m.id, "0b1f6a7c5e2d4f3a9c8b7a6d5e4f3a2b");
        assert_eq!(m.from_user_id(), Some(415458330));
        assert_eq!(m.to_user_id(), Some(89660613));
        assert_eq!(m.text.as_deref(), Some("Tu pedido ya fue despachado"));
        assert_eq!(
            m.created_at().map(|d| d.to_rfc3339()),
            Some("2019-03-11T18:02:05+00:00".to_owned())
        );
        assert_eq!(
            m.message_date.available.map(|d| d.to_rfc3339()),
            Some("2019-03-11T18:02:06+00:00".to_owned())
        );
        assert_eq!(m.message_date.read, None);
        let moderation = m.message_moderation.expect("moderation");
        assert_eq!(
            moderation.status,
            Some(crate::models::ModerationStatus::Clean)
        );
        assert!(moderation.moderation_date.is_some());
    }

    #[test]
    fn send_body_omits_empty_attachments() {
        let m = SendMessage {
            from: 1,
            to: 2,
            text: "hola".into(),
            attachments: vec![],
        };
        assert_eq!(
            m.body(),
            json!({"from": {"user_id": "1"}, "to": {"user_id": "2"}, "text": "hola"})
        );
    }

    #[test]
    fn ids_cannot_change_the_path() {
        assert!(is_safe_id(
            "210438685_59f0f034-db1b-4ea6-8c5e-1d34e2092482.jpg"
        ));
        for bad in ["", "../users/me", "a/b", "x?y=1", ".hidden", "a%2Fb", "a b"] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }

    #[test]
    fn sent_answer_may_be_a_message_a_list_or_nothing() {
        assert_eq!(
            first_message(br#"{"id":"abc","text":"hola"}"#).map(|m| m.id),
            Some("abc".into())
        );
        assert_eq!(
            first_message(br#"{"messages":[{"id":"x"}]}"#).map(|m| m.id),
            Some("x".into())
        );
        assert_eq!(first_message(b""), None);
        assert_eq!(first_message(br#"{"ok":true}"#), None);
    }
}
