//! The ways Mercado Libre's JSON varies without notice (meli-api.md, Part A.7), applied to a
//! real response on request: ids as strings, statuses in upper case, optional fields null or
//! gone, and fields nobody has seen before. A client that survives this survives the API.

use serde_json::{Map, Value};

/// Fields that are optional in practice: they turn null.
const NULLED: &[&str] = &[
    "date_closed",
    "pack_id",
    "substatus",
    "claim_id",
    "name",
    "email",
    "status_detail",
    "char_limit",
];

/// Fields that some responses simply lack.
const DROPPED: &[&str] = &[
    "context",
    "tags",
    "message_resources",
    "conversation_first_message",
    "seller_max_message_length",
    "buyer_max_message_length",
    "fulfilled",
    "permalink",
];

pub fn apply(value: &mut Value) {
    match value {
        Value::Object(map) => apply_object(map),
        Value::Array(items) => items.iter_mut().for_each(apply),
        _ => {}
    }
}

fn apply_object(map: &mut Map<String, Value>) {
    for key in DROPPED {
        map.remove(*key);
    }
    for (key, v) in map.iter_mut() {
        let is_id = key == "id" || key.ends_with("_id");
        match v {
            Value::Number(n) if is_id => *v = Value::String(n.to_string()),
            Value::String(s) if key == "status" => *s = s.to_uppercase(),
            _ if NULLED.contains(&key.as_str()) => *v = Value::Null,
            _ => apply(v),
        }
    }
    map.insert(
        "x_field_added_later".into(),
        Value::String("unknown to the client".into()),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn ids_statuses_and_optional_fields_vary() {
        let mut v = json!({
            "id": 1, "buyer": { "id": 2 }, "status": "paid", "pack_id": 3,
            "tags": ["paid"], "results": [{ "order_id": 4, "date_closed": "x" }]
        });
        super::apply(&mut v);
        assert_eq!(v["id"], "1");
        assert_eq!(v["buyer"]["id"], "2");
        assert_eq!(v["status"], "PAID");
        assert_eq!(v["pack_id"], "3", "ids stay present, as strings");
        assert!(v.get("tags").is_none());
        assert_eq!(v["results"][0]["order_id"], "4");
        assert!(v["results"][0]["date_closed"].is_null());
        assert!(v["x_field_added_later"].is_string());
    }
}
