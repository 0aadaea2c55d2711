//! Tolerant field deserializers: Mercado Libre sends ids as numbers or strings, dates in several
//! offset formats, and turns fields null without notice (meli-api.md Part A §7).

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

/// A numeric id given as a JSON number or a string of digits.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    id_from_value(&v).ok_or_else(|| de::Error::custom(format!("expected a numeric id, got {v}")))
}

/// Like [`id`], but null, missing, empty or unparseable values become `None`.
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(id_from_value(&v))
}

pub(crate) fn id_from_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().and_then(|u| i64::try_from(u).ok())),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A string that may arrive as a number (attachment, message or template ids); null becomes `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(string_from_value(&v))
}

/// A required string that may arrive as a number.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Value::deserialize(d)?;
    string_from_value(&v).ok_or_else(|| de::Error::custom(format!("expected a string, got {v}")))
}

fn string_from_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Null becomes the type's default (an empty list, mostly).
pub fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A number that may arrive as a string; anything else becomes `None`.
/// A list of ids (numbers or strings); null, a lone id or anything else unreadable is empty
/// or skipped.
pub fn nullable_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match &v {
        Value::Array(items) => items.iter().filter_map(id_from_value).collect(),
        other => id_from_value(other).into_iter().collect(),
    })
}

pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A count or limit that may arrive as a string.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A boolean that may arrive as a string.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match v {
        Value::Bool(b) => Some(b),
        Value::String(s) => s.trim().to_ascii_lowercase().parse().ok(),
        _ => None,
    })
}

/// A timestamp in any of the API's formats; an unparseable one becomes `None` rather than losing
/// the whole record (the raw JSON still holds it).
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match v {
        Value::String(s) => parse_datetime(&s),
        _ => None,
    })
}

/// Parses `2019-05-22T03:51:07.000-04:00`, `2024-08-15T17:38:30.000-0400`, `…Z`, and offset-less
/// times (taken as UTC, the API's documented zone for notifications).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_offset_styles_the_api_uses() {
        let a = parse_datetime("2019-05-22T03:51:07.000-04:00").expect("colon offset");
        let b = parse_datetime("2019-05-22T03:51:07.000-0400").expect("bare offset");
        let c = parse_datetime("2019-05-22T07:51:07.000Z").expect("zulu");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(parse_datetime("yesterday"), None);
    }

    #[test]
    fn ids_accept_numbers_and_digit_strings_only() {
        assert_eq!(
            id_from_value(&serde_json::json!(2000009047722568_i64)),
            Some(2000009047722568)
        );
        assert_eq!(
            id_from_value(&serde_json::json!(" 415458330 ")),
            Some(415458330)
        );
        assert_eq!(id_from_value(&serde_json::json!("abc")), None);
        assert_eq!(id_from_value(&serde_json::json!(null)), None);
        assert_eq!(id_from_value(&serde_json::json!(u64::MAX)), None);
    }
}
