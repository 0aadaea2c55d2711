//! A message's raw JSON as the cache keeps it: without `id` and `text` (kept once, in their
//! columns; the FTS index reads the text there), compressed with zstd against a dictionary of
//! the message's shape.
//!
//! The raw JSON is kept so a later version can re-derive columns without re-downloading; it is
//! read rarely (who a reply goes to, a re-derivation), so it is stored small rather than fast.
//! A message is ~750 bytes of JSON whose keys and layout repeat in every row; zstd alone
//! cannot learn them from one row, but with the shape as a raw-content dictionary a row packs
//! to a fraction of that. Every reader goes through [`unpack_message`].
//!
//! An order's raw JSON (~1.8 KB: items, payments, shipping) is packed the same way against a
//! dictionary of the order's shape ([`pack_order`], [`unpack_order`]), and a pre-sale
//! question's (~400 bytes) against one of the question's ([`pack_question`],
//! [`unpack_question`]).
//!
//! Layout: one format byte, then a zstd frame. Format 1 = the message dictionary, 2 = the
//! order dictionary, 3 = the question dictionary. Changing a dictionary means a new format
//! byte (older rows keep theirs, and decode as before).

use std::cell::RefCell;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::error::{InboxError, Result};

const FORMAT_V1: u8 = 1;
const FORMAT_ORDER_V1: u8 = 2;
const FORMAT_QUESTION_V1: u8 = 3;
/// zstd's level for messages. Measured on 20,000 messages of the bench's cache as V18 packs
/// them (708 bytes of JSON each): level 3 packs one to 188 bytes in 7.7 µs, level 4 to 173
/// bytes in 8.6 µs, level 9 to 172 bytes in 11.5 µs; level 4's 8% is about 17 MB at a million
/// messages. Rows packed at another level still unpack, and compare equal (the sync compares a
/// message's unpacked JSON, see [`holds`]), so changing it rewrites nothing.
const MESSAGE_LEVEL: i32 = 4;
/// zstd's level for orders and questions. Their upserts compare the packed bytes, so a row
/// packed at another level would be written again the next time it is read: it stays at 3
/// (level 4 would save 1.2 MB on the bench's 20,000 orders and 100,000 questions).
const LEVEL: i32 = 3;
/// A message bigger than this once unpacked is not a message (the API caps text at 3,500
/// characters and 25 attachments): refused rather than allocated.
const MAX_UNPACKED: usize = 4 << 20;

/// Mercado Libre's post-sale message, as `GET /messages/packs/…` lists it (keys sorted, as
/// serde_json writes them, without `text`), with the values that recur from row to row. The
/// common parts sit at the end, nearest the data (zstd's cheapest offsets).
const DICTIONARY_V1: &[u8] = br#"{"client_id":,"conversation_first_message":false,"from":{"email":"@","name":"","user_id":""},"id":"","message_attachments":[{"creation_date":"","filename":"","original_filename":".jpg","potential_security_threat":false,"size":,"type":"image/jpeg"},{"filename":"","original_filename":".pdf","type":"application/pdf"}],"message_date":{"available":"","created":"","notified":"","read":null,"received":""},"message_moderation":{"moderation_date":"","reason":null,"source":"online","status":"clean"},"message_resources":[{"id":"","name":"packs"},{"id":"","name":"sellers"}],"site_id":"MLB","status":"available","subject":null,"to":{"name":"","user_id":""}}{"status":"moderated","source":"automatic","status":"rejected","reason":"out_of_platform","message_attachments":null,"site_id":"MLM","site_id":"MLC","site_id":"MCO","site_id":"MLU","site_id":"MPE"}{"client_id":,"conversation_first_message":true,"from":{"email":"@buyer","name":"","user_id":""},"id":"","message_attachments":null,"message_date":{"available":"2026-01-01T00:00:00.000Z","created":"2026-01-01T00:00:00.000Z","notified":"2026-01-01T00:00:00.000Z","read":"2026-01-01T00:00:00.000Z","received":"2026-01-01T00:00:00.000Z"},"message_moderation":{"moderation_date":"2026-01-01T00:00:00.000Z","reason":null,"source":"online","status":"clean"},"message_resources":[{"id":"2000000000000000","name":"packs"},{"id":"","name":"sellers"}],"site_id":"MLA","status":"available","subject":null,"to":{"email":"@","name":"","user_id":""}}"#;

/// Mercado Libre's order as `/orders/search` lists it (keys sorted, as serde_json writes them),
/// with the values that recur (statuses, sites, currencies, payment kinds) and the others
/// left empty. Built from the documented order (`shared/meli-api.md` §3.1); the common parts
/// at the end.
const DICTIONARY_ORDER_V1: &[u8] = br#"{"status":"cancelled","status_detail":"","tags":["not_paid","not_delivered","pack_order","no_shipping"],"status":"payment_required","status":"rejected","status":"refunded","pack_id":2000000000000000,"currency_id":"BRL","site":"MLB","currency_id":"MXN","site":"MLM","payment_type":"account_money","payment_method_id":"account_money","payment_method_id":"visa","payment_type":"debit_card","cancel_detail":{"code":"","date":"","description":"","group":"","requested_by":"buyer"}}{"buyer":{"id":},"buying_mode":"buy_equals_pay","comments":null,"context":{"channel":"marketplace","flows":[],"site":"MLA"},"coupon":{"amount":,"id":null},"currency_id":"ARS","date_closed":"2026-01-01T00:00:00.000-03:00","date_created":"2026-01-01T00:00:00.000-03:00","date_last_updated":"2026-01-01T00:00:00.000Z","feedback":{"purchase":null,"sale":null},"fulfilled":true,"id":,"last_updated":"2026-01-01T00:00:00.000-03:00","manufacturing_ending_date":null,"mediations":[],"order_items":[{"base_currency_id":null,"base_exchange_rate":null,"currency_id":"ARS","differential_pricing_id":null,"full_unit_price":,"item":{"category_id":"","condition":"new","id":"","seller_custom_field":null,"seller_sku":null,"title":"","variation_attributes":[],"variation_id":null,"warranty":""},"listing_type_id":"gold_special","manufacturing_days":null,"quantity":,"sale_fee":,"unit_price":}],"order_request":{"change":null,"return":null},"pack_id":null,"paid_amount":,"payments":[{"available_actions":["refund"],"collector":{"id":},"coupon_amount":,"currency_id":"ARS","date_approved":"2026-01-01T00:00:00.000-03:00","date_created":"2026-01-01T00:00:00.000-03:00","date_last_modified":"2026-01-01T00:00:00.000-03:00","id":,"installment_amount":,"installments":,"marketplace_fee":,"operation_type":"regular_payment","order_id":,"overpaid_amount":,"payer_id":,"payment_method_id":"master","payment_type":"credit_card","reason":"","shipping_cost":,"site_id":"MLA","status":"approved","status_detail":"accredited","taxes_amount":,"total_paid_amount":,"transaction_amount":}],"seller":{"id":,"nickname":""},"shipping":{"id":},"shipping_cost":,"status":"paid","status_detail":null,"tags":["paid","delivered"],"taxes":{"amount":null,"currency_id":null},"total_amount":}"#;

/// Mercado Libre's pre-sale question as `/questions/search` lists it with `api_version=4` (keys
/// sorted, as serde_json writes them), answered and not, with the statuses and sites that
/// recur. Built from the documented question (`shared/meli-api-questions-claims.md` §1.3 and
/// its fixtures); the common parts at the end.
const DICTIONARY_QUESTION_V1: &[u8] = br#"{"status":"BANNED","status":"CLOSED_UNANSWERED","status":"DELETED","status":"DISABLED","status":"UNDER_REVIEW","app_id":,"buyer_id":,"last_updated":"2026-01-01T00:00:00.000-03:00","item_id":"MLB","item_id":"MLM","item_id":"MLC","item_id":"MCO","item_id":"MLU","status":"BANNED"}{"answer":{"date_created":"2026-01-01T00:00:00.000-04:00","status":"ACTIVE","text":""},"date_created":"2026-01-01T00:00:00.000-04:00","deleted_from_listing":false,"from":{"answered_questions":0,"id":},"hold":false,"id":,"item_id":"MLA","seller_id":,"status":"ANSWERED","text":""}{"answer":null,"date_created":"2026-01-01T00:00:00.000Z","deleted_from_listing":false,"from":{"id":},"hold":false,"id":,"item_id":"MLA","seller_id":,"status":"UNANSWERED","text":""}"#;

thread_local! {
    /// One codec per format: [0] messages, [1] orders, [2] questions.
    static CODEC: RefCell<[Option<Codec>; 3]> = const { RefCell::new([None, None, None]) };
}

/// A compressor and a decompressor primed with the dictionary, one per thread (priming costs
/// more than packing a row).
struct Codec {
    pack: zstd::bulk::Compressor<'static>,
    unpack: zstd::bulk::Decompressor<'static>,
}

fn codec_error(err: std::io::Error) -> InboxError {
    InboxError::storage(
        crate::error::StorageKind::Other,
        format!("a stored raw JSON: {err}"),
    )
}

fn with_codec<T>(format: u8, f: impl FnOnce(&mut Codec) -> std::io::Result<T>) -> Result<T> {
    let (index, dictionary, level) = match format {
        FORMAT_V1 => (0, DICTIONARY_V1, MESSAGE_LEVEL),
        FORMAT_ORDER_V1 => (1, DICTIONARY_ORDER_V1, LEVEL),
        FORMAT_QUESTION_V1 => (2, DICTIONARY_QUESTION_V1, LEVEL),
        _ => return Err(unknown_format()),
    };
    CODEC.with(|cell| {
        let mut slots = cell.borrow_mut();
        let slot = &mut slots[index];
        if slot.is_none() {
            *slot = Some(Codec {
                pack: zstd::bulk::Compressor::with_dictionary(level, dictionary)
                    .map_err(codec_error)?,
                unpack: zstd::bulk::Decompressor::with_dictionary(dictionary)
                    .map_err(codec_error)?,
            });
        }
        let codec = slot.as_mut().expect("set above");
        f(codec).map_err(codec_error)
    })
}

fn unknown_format() -> InboxError {
    InboxError::storage(
        crate::error::StorageKind::Other,
        "a stored raw JSON is in an unknown format",
    )
}

/// What a message's row keeps in columns of its own. Its packed JSON leaves out the entries
/// that say the same (`id`, and `text` unless the cleaned text differs from the API's), and
/// [`unpack_message`] puts them back: a 32-character id packs to ~20 bytes a row, as much as
/// the rest of a typical message's JSON once packed.
#[derive(Debug, Clone, Copy)]
pub struct MessageColumns<'a> {
    pub id: &'a str,
    pub text: &'a str,
}

impl MessageColumns<'_> {
    /// Whether the JSON's `key` entry is one a column already holds.
    fn holds(&self, key: &str, value: &Value) -> bool {
        match key {
            "id" => value.as_str() == Some(self.id),
            "text" => value.as_str() == Some(self.text),
            _ => false,
        }
    }
}

/// The object's entries but those its row's columns hold, serialised without copying it.
struct WithoutColumns<'a> {
    map: &'a Map<String, Value>,
    columns: MessageColumns<'a>,
}

impl Serialize for WithoutColumns<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.map.iter() {
            if !self.columns.holds(key, value) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// Packs a message's raw JSON without the entries its row's `columns` hold (the sync packs the
/// [`message_json`] it compared; tests pack in one step).
#[cfg(test)]
pub(crate) fn pack_message(raw: &Value, columns: MessageColumns) -> Result<Vec<u8>> {
    pack_bytes(&message_json(raw, columns)?)
}

/// The JSON text [`pack_message`] packs: what a stored row holds once unpacked, so a sync can
/// compare a message with its row without packing it (see [`holds`]).
pub(crate) fn message_json(raw: &Value, columns: MessageColumns) -> Result<Vec<u8>> {
    Ok(match raw.as_object() {
        Some(map) => serde_json::to_vec(&WithoutColumns { map, columns })?,
        None => serde_json::to_vec(raw)?,
    })
}

/// Whether a packed row holds exactly `json` (the same bytes once unpacked, whatever level or
/// format packed it). Unpacking a row costs a fraction of packing one.
pub(crate) fn holds(packed: &[u8], json: &[u8]) -> Result<bool> {
    Ok(unpack_bytes(packed)? == json)
}

pub(crate) fn pack_bytes(json: &[u8]) -> Result<Vec<u8>> {
    pack_as(FORMAT_V1, json)
}

fn pack_as(format: u8, json: &[u8]) -> Result<Vec<u8>> {
    let frame = with_codec(format, |c| c.pack.compress(json))?;
    let mut packed = Vec::with_capacity(frame.len() + 1);
    packed.push(format);
    packed.extend_from_slice(&frame);
    Ok(packed)
}

/// Packs an order's raw JSON as the orders table keeps it (serde_json's maps are sorted, so
/// the same order always packs the same way).
pub(crate) fn pack_order(raw: &Value) -> Result<Vec<u8>> {
    pack_as(FORMAT_ORDER_V1, &serde_json::to_vec(raw)?)
}

/// An order's raw JSON as it came from the API.
pub fn unpack_order(packed: &[u8]) -> Result<Value> {
    unpack_value(packed)
}

/// Packs a question's raw JSON as the questions table keeps it (sorted keys, as for orders: the
/// same question always packs the same way, so an unchanged one is not written again).
pub(crate) fn pack_question(raw: &Value) -> Result<Vec<u8>> {
    pack_as(FORMAT_QUESTION_V1, &serde_json::to_vec(raw)?)
}

/// A question's raw JSON as it came from the API.
pub fn unpack_question(packed: &[u8]) -> Result<Value> {
    unpack_value(packed)
}

/// A packed row's JSON, whole as it was packed.
fn unpack_value(packed: &[u8]) -> Result<Value> {
    Ok(serde_json::from_slice(&unpack_bytes(packed)?)?)
}

/// Packs a question's JSON text stored before the cache compressed it (V17's step).
pub(crate) fn pack_stored_question(json: &str) -> Result<Vec<u8>> {
    let value: Value = serde_json::from_str(json)?;
    pack_question(&value)
}

/// Packs an order's JSON text stored before the cache compressed it (V13's step).
pub(crate) fn pack_stored_order(json: &str) -> Result<Vec<u8>> {
    let value: Value = serde_json::from_str(json)?;
    pack_order(&value)
}

/// The JSON text a packed row holds (without `text` if it was left out).
fn unpack_bytes(packed: &[u8]) -> Result<Vec<u8>> {
    match packed.split_first() {
        Some((&format @ (FORMAT_V1 | FORMAT_ORDER_V1 | FORMAT_QUESTION_V1), frame)) => {
            let size = zstd::zstd_safe::get_frame_content_size(frame)
                .ok()
                .flatten()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n <= MAX_UNPACKED)
                .unwrap_or(MAX_UNPACKED);
            with_codec(format, |c| c.unpack.decompress(frame, size))
        }
        _ => Err(unknown_format()),
    }
}

/// The message's raw JSON whole again: the stored object, with the entries its row's
/// `columns` hold put back where they were left out (an entry kept inside wins: rows packed
/// before V18 kept their id, and some kept their text).
pub fn unpack_message(packed: &[u8], columns: MessageColumns) -> Result<Value> {
    restored(&unpack_bytes(packed)?, columns)
}

/// The stored JSON `json` with what its row's `columns` hold put back (see [`unpack_message`]).
fn restored(json: &[u8], columns: MessageColumns) -> Result<Value> {
    let mut value: Value = serde_json::from_slice(json)?;
    if let Some(map) = value.as_object_mut() {
        map.entry("id")
            .or_insert_with(|| Value::String(columns.id.to_owned()));
        map.entry("text")
            .or_insert_with(|| Value::String(columns.text.to_owned()));
    }
    Ok(value)
}

/// Packs a raw JSON text stored before the cache compressed it (V8's step), whole: V8 kept
/// every entry, V18 then leaves out what the columns hold.
pub(crate) fn pack_stored_text(json: &str) -> Result<Vec<u8>> {
    let value: Value = serde_json::from_str(json)?;
    pack_bytes(&serde_json::to_vec(&value)?)
}

/// A row packed before V18 packed again without the entries its `columns` hold (V18's step);
/// `None` when it already is.
pub(crate) fn repack_message(packed: &[u8], columns: MessageColumns) -> Result<Option<Vec<u8>>> {
    let stored = unpack_bytes(packed)?;
    let json = message_json(&restored(&stored, columns)?, columns)?;
    if stored == json {
        return Ok(None);
    }
    pack_bytes(&json).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message() -> Value {
        json!({
            "id": "0f2b0c8e5b6a4c1d9e7f000000000001",
            "site_id": "MLA",
            "client_id": 123456,
            "from": {"user_id": "1944000001", "name": "Martín", "email": "m@buyer.test"},
            "to": {"user_id": "241359821", "name": "Lucía"},
            "status": "available",
            "subject": null,
            "text": "Hola, ¿cuándo despachan?",
            "message_date": {
                "received": "2026-02-06T02:57:52.109Z",
                "available": "2026-02-06T02:57:52.109Z",
                "notified": "2026-02-06T02:57:52.109Z",
                "created": "2026-02-06T02:57:52.109Z",
                "read": null
            },
            "message_moderation": {"status": "clean", "reason": null, "source": "online",
                                   "moderation_date": "2026-02-06T02:57:52.109Z"},
            "message_attachments": null,
            "message_resources": [{"id": "2000009000000001", "name": "packs"},
                                  {"id": "241359821", "name": "sellers"}],
            "conversation_first_message": true
        })
    }

    const ID: &str = "0f2b0c8e5b6a4c1d9e7f000000000001";

    fn columns(text: &str) -> MessageColumns<'_> {
        MessageColumns { id: ID, text }
    }

    #[test]
    fn a_message_comes_back_whole_and_smaller() {
        let raw = message();
        let text = raw["text"].as_str().expect("text");
        let packed = pack_message(&raw, columns(text)).expect("packs");
        let json_len = raw.to_string().len();
        assert!(
            packed.len() * 3 < json_len,
            "{} bytes packed for {json_len} of JSON",
            packed.len()
        );
        assert_eq!(
            unpack_message(&packed, columns(text)).expect("unpacks"),
            raw
        );
    }

    #[test]
    fn what_the_columns_hold_is_left_out_and_what_differs_kept() {
        let raw = message();
        let text = raw["text"].as_str().expect("text");
        let json = message_json(&raw, columns(text)).expect("serialises");
        let kept: Value = serde_json::from_slice(&json).expect("json");
        assert!(
            kept.get("id").is_none() && kept.get("text").is_none(),
            "{kept}"
        );
        // A cleaned text (markers taken out) and an id the column spells otherwise stay inside,
        // and win over the columns when unpacked.
        let other = MessageColumns {
            id: "another",
            text: "cleaned",
        };
        let packed = pack_message(&raw, other).expect("packs");
        assert_eq!(unpack_message(&packed, other).expect("unpacks"), raw);
        assert_eq!(unpack_message(&packed, columns("x")).expect("unpacks"), raw);
    }

    #[test]
    fn a_row_packed_whole_is_repacked_smaller_once() {
        let raw = message();
        let text = raw["text"].as_str().expect("text");
        let whole = pack_bytes(&serde_json::to_vec(&raw).expect("json")).expect("packs");
        let repacked = repack_message(&whole, columns(text))
            .expect("repacks")
            .expect("smaller");
        assert!(
            repacked.len() + 15 < whole.len(),
            "{} vs {}",
            repacked.len(),
            whole.len()
        );
        assert_eq!(
            unpack_message(&repacked, columns(text)).expect("unpacks"),
            raw
        );
        assert_eq!(
            repack_message(&repacked, columns(text)).expect("repacks"),
            None
        );
    }

    #[test]
    fn packing_is_deterministic() {
        // The sync compares the packed bytes before writing: a replayed page writes nothing.
        let raw = message();
        let text = raw["text"].as_str().expect("text");
        assert_eq!(
            pack_message(&raw, columns(text)).expect("packs"),
            pack_message(&raw.clone(), columns(text)).expect("packs")
        );
    }

    #[test]
    fn orders_and_questions_pack_to_the_bytes_stored_before() {
        // Their upserts compare packed bytes: a new level would rewrite every stored row once.
        let order = json!({"id": 2000000001_i64, "status": "paid", "tags": ["paid"]});
        let question = json!({"id": 11436370259_i64, "status": "UNANSWERED", "text": "¿Hay?"});
        for (packed, format, dictionary, value) in [
            (
                pack_order(&order),
                FORMAT_ORDER_V1,
                DICTIONARY_ORDER_V1,
                &order,
            ),
            (
                pack_question(&question),
                FORMAT_QUESTION_V1,
                DICTIONARY_QUESTION_V1,
                &question,
            ),
        ] {
            let json = serde_json::to_vec(value).expect("json");
            let mut at_three = vec![format];
            at_three.extend(
                zstd::bulk::Compressor::with_dictionary(3, dictionary)
                    .and_then(|mut c| c.compress(&json))
                    .expect("packs"),
            );
            assert_eq!(packed.expect("packs"), at_three);
        }
    }

    #[test]
    fn an_unknown_format_is_an_error_not_a_panic() {
        assert!(unpack_message(&[], columns("")).is_err());
        assert!(unpack_message(&[9, 1, 2, 3], columns("")).is_err());
        assert!(unpack_message(&[FORMAT_V1, 1, 2, 3], columns("")).is_err());
    }
}
