//! "Reasons to communicate": `GET /messages/action_guide/packs/{pack}` and its caps.

use serde::{Deserialize, Serialize};

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
    #[serde(default)]
    pub texts: Option<serde_json::Value>,
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
