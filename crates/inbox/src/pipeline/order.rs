//! The inbox's own view of a Mercado Libre order: only what leads need.
//!
//! It is read from the API's JSON by [`Order::from_api`], tolerantly (ids as numbers or
//! strings, missing or null fields), so the store can re-derive leads from the raw JSON it
//! keeps without depending on the client's models while those settle.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An amount in hundredths of the currency unit: Mercado Libre's amounts have at most two
/// decimals, and integers add up without drift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub currency: String,
    pub cents: i64,
}

impl Money {
    pub fn from_float(currency: &str, amount: f64) -> Money {
        // Rounded because the API sends values like 14.290000000000001.
        let cents = (amount * 100.0).round();
        Money {
            currency: currency.to_owned(),
            cents: if cents.is_finite() { cents as i64 } else { 0 },
        }
    }

    /// `129.95`, `-3.05`: exact, for the UI to format with the locale.
    pub fn decimal(&self) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Buyer {
    pub id: i64,
    pub nickname: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderItem {
    pub item_id: String,
    pub title: String,
    pub quantity: u32,
    pub unit_price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: i64,
    pub pack_id: Option<i64>,
    /// As Mercado Libre sent it; [`super::status`] maps it to a stage.
    pub status: String,
    pub buyer: Buyer,
    pub items: Vec<OrderItem>,
    pub total: Money,
    pub paid: Option<Money>,
    pub shipping_id: Option<i64>,
    /// Real orders never carry it: the store fills it (and the substatus) from what
    /// `/shipments/{id}` said, when it was read.
    pub shipping_status: Option<String>,
    pub shipping_substatus: Option<String>,
    pub tags: Vec<String>,
    /// Claims (`mediations`) opened on the order.
    pub claims: Vec<i64>,
    pub date_created: Option<DateTime<Utc>>,
    pub date_closed: Option<DateTime<Utc>>,
    pub last_updated: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the order JSON has no usable {0}")]
pub struct OrderParseError(pub &'static str);

/// Ids arrive as numbers or as strings.
pub(crate) fn id_of(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn str_of(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn f64_of(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Mercado Libre writes offsets as `-04:00`, `-0400` or `Z`, with or without milliseconds.
pub fn parse_api_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

fn date_of(value: Option<&Value>) -> Option<DateTime<Utc>> {
    value.and_then(Value::as_str).and_then(parse_api_date)
}

impl Order {
    pub fn from_api(json: &Value) -> Result<Order, OrderParseError> {
        let id = id_of(json.get("id")).ok_or(OrderParseError("id"))?;
        let currency = str_of(json.get("currency_id")).unwrap_or_default();
        let buyer_json = json.get("buyer");
        let buyer = Buyer {
            id: id_of(buyer_json.and_then(|b| b.get("id"))).unwrap_or_default(),
            nickname: str_of(buyer_json.and_then(|b| b.get("nickname"))),
            first_name: str_of(buyer_json.and_then(|b| b.get("first_name"))),
            last_name: str_of(buyer_json.and_then(|b| b.get("last_name"))),
        };
        let items = json
            .get("order_items")
            .and_then(Value::as_array)
            .map(|items| items.iter().map(|line| item_of(line, &currency)).collect())
            .unwrap_or_default();
        let shipping = json.get("shipping");
        let mut tags: Vec<String> = json
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(|t| t.trim().to_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags.dedup();
        Ok(Order {
            id,
            pack_id: id_of(json.get("pack_id")),
            status: str_of(json.get("status")).unwrap_or_default(),
            buyer,
            items,
            total: Money::from_float(&currency, f64_of(json.get("total_amount")).unwrap_or(0.0)),
            paid: f64_of(json.get("paid_amount")).map(|a| Money::from_float(&currency, a)),
            shipping_id: id_of(shipping.and_then(|s| s.get("id"))),
            shipping_status: str_of(shipping.and_then(|s| s.get("status")))
                .map(|s| s.to_lowercase()),
            shipping_substatus: str_of(shipping.and_then(|s| s.get("substatus"))),
            tags,
            claims: json
                .get("mediations")
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(|m| id_of(m.get("id"))).collect())
                .unwrap_or_default(),
            date_created: date_of(json.get("date_created")),
            date_closed: date_of(json.get("date_closed")),
            last_updated: date_of(json.get("last_updated"))
                .or_else(|| date_of(json.get("date_last_updated"))),
        })
    }
}

fn item_of(line: &Value, order_currency: &str) -> OrderItem {
    let item = line.get("item");
    let currency = str_of(line.get("currency_id")).unwrap_or_else(|| order_currency.to_owned());
    OrderItem {
        item_id: str_of(item.and_then(|i| i.get("id"))).unwrap_or_default(),
        title: str_of(item.and_then(|i| i.get("title"))).unwrap_or_default(),
        quantity: f64_of(line.get("quantity")).map_or(0, |q| q.max(0.0) as u32),
        unit_price: Money::from_float(&currency, f64_of(line.get("unit_price")).unwrap_or(0.0)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn fixture_order() -> Value {
        let text = include_str!("../../fixtures/orders_search.json");
        let search: Value = serde_json::from_str(text).expect("fixture parses");
        search["results"][0].clone()
    }

    #[test]
    fn parses_the_published_search_result() {
        let order = Order::from_api(&fixture_order()).expect("parses");
        assert_eq!(order.id, 2032217210);
        assert_eq!(order.pack_id, None);
        assert_eq!(order.status, "paid");
        assert_eq!(order.buyer.id, 89660613);
        assert_eq!(order.buyer.nickname, None);
        assert_eq!(
            order.total,
            Money {
                currency: "BRL".into(),
                cents: 12995
            }
        );
        assert_eq!(order.shipping_id, Some(27968238880));
        assert_eq!(order.tags, ["delivered", "paid"]);
        assert_eq!(order.items.len(), 1);
        assert_eq!(order.items[0].quantity, 1);
        assert_eq!(order.items[0].item_id, "MLB1054990648");
        assert_eq!(order.items[0].unit_price.decimal(), "129.95");
        assert_eq!(
            order.date_created.map(|d| d.to_rfc3339()),
            Some("2019-05-22T07:51:05+00:00".to_owned())
        );
    }

    #[test]
    fn tolerates_string_ids_upper_case_tags_and_missing_fields() {
        let json = serde_json::json!({
            "id": "2000009047722568",
            "pack_id": "2000006181551917",
            "status": "PAID",
            "buyer": {"id": "1944693439", "nickname": "COMPRADOR1", "first_name": "Ana"},
            "tags": ["Paid", "paid", "not_delivered"],
            "date_created": "2024-08-15T17:38:30.000-0400",
        });
        let order = Order::from_api(&json).expect("parses");
        assert_eq!(order.id, 2000009047722568);
        assert_eq!(order.pack_id, Some(2000006181551917));
        assert_eq!(order.buyer.id, 1944693439);
        assert_eq!(order.buyer.first_name.as_deref(), Some("Ana"));
        assert_eq!(order.tags, ["not_delivered", "paid"]);
        assert_eq!(order.total.cents, 0);
        assert!(order.items.is_empty());
        assert!(order.date_created.is_some(), "the -0400 offset form parses");
    }

    #[test]
    fn an_order_without_id_is_an_error() {
        assert_eq!(
            Order::from_api(&serde_json::json!({"status": "paid"})),
            Err(OrderParseError("id"))
        );
    }

    #[test]
    fn money_rounds_float_noise_and_prints_exactly() {
        assert_eq!(Money::from_float("ARS", 14.290000000000001).cents, 1429);
        assert_eq!(Money::from_float("CLP", 15990.0).decimal(), "15990.00");
        assert_eq!(
            Money {
                currency: "ARS".into(),
                cents: -305
            }
            .decimal(),
            "-3.05"
        );
        assert_eq!(
            Money {
                currency: "ARS".into(),
                cents: 7
            }
            .decimal(),
            "0.07"
        );
    }

    #[test]
    fn api_dates_in_every_offset_form() {
        for text in [
            "2019-05-22T03:51:07.000-04:00",
            "2019-05-22T03:51:07-04:00",
            "2019-05-22T03:51:07.000-0400",
            "2019-05-22T07:51:07.000Z",
            "2019-05-22T07:51:07Z",
        ] {
            let date = parse_api_date(text).unwrap_or_else(|| panic!("{text} parses"));
            assert_eq!(date.to_rfc3339(), "2019-05-22T07:51:07+00:00", "{text}");
        }
        assert_eq!(parse_api_date("yesterday"), None);
    }
}
