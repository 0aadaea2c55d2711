//! "Reasons to communicate": `GET /messages/action_guide/packs/{pack}` and its caps.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::de;
use super::macros::tolerant_enum;

tolerant_enum! {
    /// An option of the action guide.
    pub enum OptionId {
        RequestVariants = "REQUEST_VARIANTS",
        RequestBillingInfo = "REQUEST_BILLING_INFO",
        SendInvoiceLink = "SEND_INVOICE_LINK",
        DeliveryPromise = "DELIVERY_PROMISE",
        /// `OTHER`: free text (the catch-all `Other(String)` holds unknown ids).
        OtherReason = "OTHER",
    }
}

tolerant_enum! {
    /// Whether an option sends a fixed template or the seller's text.
    pub enum OptionKind {
        Template = "template",
        FreeText = "free_text",
    }
}

/// The options a seller may use to start a conversation on a pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionGuide {
    #[serde(default, deserialize_with = "de::nullable")]
    pub options: Vec<GuideOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuideOption {
    pub id: OptionId,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub internal_description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default, rename = "type")]
    pub kind: Option<OptionKind>,
    #[serde(default, deserialize_with = "de::nullable")]
    pub templates: Vec<Template>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub actionable: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub char_limit: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub cap_available: Option<u64>,
    #[serde(default)]
    pub child_options: Option<serde_json::Value>,
}

impl GuideOption {
    /// Usable now: enabled and with cap left (a missing cap is not taken as zero).
    pub fn is_usable(&self) -> bool {
        self.enabled != Some(false) && self.cap_available != Some(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Template {
    #[serde(deserialize_with = "de::string")]
    pub id: String,
    /// `DELIVERY_PROMISE` names its variables (`INIT`, `LIMIT`); other templates send null.
    #[serde(default)]
    pub vars: Option<serde_json::Value>,
    /// Mercado Libre's fixed text per site, keyed by the site id in lower case (`mla`, `mlb`…),
    /// published as `texts: {"mla": {"html": "…"}}`. Sites without a text are absent; a shape
    /// this version does not know leaves the map empty rather than failing the whole guide.
    #[serde(
        default,
        deserialize_with = "site_texts",
        serialize_with = "ser_site_texts",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub texts: BTreeMap<String, String>,
}

impl Template {
    /// The text Mercado Libre sends on `site_id` (`MLA`, `mlb`…), when the guide gave it.
    pub fn text_for(&self, site_id: &str) -> Option<&str> {
        self.texts
            .get(&site_id.to_ascii_lowercase())
            .map(String::as_str)
    }
}

fn site_texts<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    let Some(sites) = value.as_object() else {
        return Ok(BTreeMap::new());
    };
    Ok(sites
        .iter()
        .filter_map(|(site, text)| {
            let text = match text {
                serde_json::Value::String(s) => s.as_str(),
                other => other
                    .get("html")
                    .or_else(|| other.get("text"))
                    .and_then(serde_json::Value::as_str)?,
            };
            Some((site.to_ascii_lowercase(), text.to_owned()))
        })
        .collect())
}

fn ser_site_texts<S: Serializer>(
    texts: &BTreeMap<String, String>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let published: BTreeMap<&str, serde_json::Value> = texts
        .iter()
        .map(|(site, text)| (site.as_str(), serde_json::json!({ "html": text })))
        .collect();
    published.serialize(s)
}

/// One row of `GET …/caps_available`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionCap {
    pub option_id: OptionId,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub cap_available: Option<u64>,
}

/// What to send with `POST …/option`: a template, free text, or a delivery promise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionRequest {
    pub option_id: OptionId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vars: Vec<TemplateVar>,
}

impl OptionRequest {
    pub fn template(option_id: OptionId, template_id: impl Into<String>) -> Self {
        OptionRequest {
            option_id,
            template_id: Some(template_id.into()),
            text: None,
            vars: Vec::new(),
        }
    }

    pub fn free_text(option_id: OptionId, text: impl Into<String>) -> Self {
        OptionRequest {
            option_id,
            template_id: None,
            text: Some(text.into()),
            vars: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateVar {
    pub id: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The options example of "Motivos para comunicarse" (developers.mercadolibre.com.ve,
    /// updated 04/07/2025) as published, the only one that shows `texts`; its stray closing
    /// brace is left out.
    const PUBLISHED: &str = r#"{
   "options":[
      {"id":"REQUEST_VARIANTS","internal_description":"This is an example...","enabled":true,"type":"template",
       "templates":[{"id":"TEMPLATE___REQUEST_VARIANTS___1","vars":null}],
       "actionable":true,"child_options":null,"cap_available":1},
      {"id":"REQUEST_BILLING_INFO","internal_description":"This is an example...","enabled":true,"type":"template",
       "templates":[{"id":"TEMPLATE___REQUEST_BILLING_INFO___1","vars":null}],
       "actionable":true,"child_options":null,"cap_available":1},
      {"id":"SEND_INVOICE_LINK","internal_description":"This is an example...","enabled":true,"type":"free_text",
       "templates":null,"actionable":true,"char_limit":350,"child_options":null,"cap_available":1},
      {"id":"DELIVERY_PROMISE","internal_description":"This is an example...","enabled":true,"type":"TEMPLATE",
       "templates":[{"id":"TEMPLATE___DELIVERY_PROMISE___1",
          "texts":{
             "mla":{"html":"Hola,Entregaremos tu compra %s entre las %d y las %d hs."},
             "mlb":{"html":"Olá,Entregaremos sua compra %s entre %d e %d h."},
             "mlc":{"html":"Hola,Entregaremos tu compra %s entre las %d y las %d hs."},
             "mco":{"html":"Hola,Entregaremos tu compra %s entre las %d y las %d hs."},
             "mlu":{"html":"Hola,Entregaremos tu compra %s entre las %d y las %d hs."}
          },
          "vars":[{"id":"TEMPLATE___DELIVERY_PROMISE___1___VAR___INIT","type":"NUMBER"},
                  {"id":"TEMPLATE___DELIVERY_PROMISE___1___VAR___LIMIT","type":"NUMBER"}]}],
       "actionable":true,"char_limit":null,"child_options":[],"cap_available":1},
      {"id":"OTHER","internal_description":"This is an example...","enabled":true,"type":"free_text",
       "templates":null,"actionable":true,"char_limit":350,"child_options":null,"cap_available":1}
   ]
}"#;

    #[test]
    fn parses_the_published_options_with_their_texts_per_site() {
        let guide: ActionGuide = serde_json::from_str(PUBLISHED).expect("published payload");
        assert_eq!(guide.options.len(), 5);
        let promise = &guide.options[3];
        assert_eq!(promise.id, OptionId::DeliveryPromise);
        assert_eq!(
            promise.kind,
            Some(OptionKind::Template),
            "type is upper case there"
        );
        let template = &promise.templates[0];
        assert_eq!(template.id, "TEMPLATE___DELIVERY_PROMISE___1");
        assert_eq!(
            template.text_for("MLB"),
            Some("Olá,Entregaremos sua compra %s entre %d e %d h.")
        );
        assert_eq!(
            template.text_for("mla"),
            Some("Hola,Entregaremos tu compra %s entre las %d y las %d hs.")
        );
        assert_eq!(template.text_for("MLM"), None, "no text published for MLM");
        // Templates published without texts parse with none.
        let billing = &guide.options[1];
        assert_eq!(billing.kind, Some(OptionKind::Template));
        assert!(billing.templates[0].texts.is_empty());
        assert_eq!(guide.options[4].char_limit, Some(350));
        assert!(guide.options[4].templates.is_empty());
    }

    #[test]
    fn texts_survive_a_round_trip_and_unknown_shapes_are_ignored() {
        let guide: ActionGuide = serde_json::from_str(PUBLISHED).expect("published payload");
        let again: ActionGuide =
            serde_json::from_value(serde_json::to_value(&guide).expect("serializes"))
                .expect("parses again");
        assert_eq!(again, guide);

        let odd: Template = serde_json::from_value(serde_json::json!({
            "id": 7, "texts": ["a list is not the published shape"]
        }))
        .expect("tolerated");
        assert_eq!(odd.id, "7");
        assert!(odd.texts.is_empty());
        let plain: Template = serde_json::from_value(serde_json::json!({
            "id": "T", "texts": {"MLA": "Hola", "mlb": {"text": "Olá"}, "mco": 3}
        }))
        .expect("tolerated");
        assert_eq!(plain.text_for("mla"), Some("Hola"));
        assert_eq!(plain.text_for("MLB"), Some("Olá"));
        assert_eq!(plain.text_for("MCO"), None);
    }
}
