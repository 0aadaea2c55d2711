//! Why a draft may not be sent now, with a stable code for the UI and for tests.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::text::QuickReplyVariable;
use crate::pipeline::SystemStage;

/// A refusal from [`super::may_send`]. Serialized as `{ "code": "...", ...details }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(
    tag = "code",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export, export_to = "Refusal.ts")]
pub enum Refusal {
    /// The account was disconnected or its authorization revoked.
    #[error("Lead source disabled")]
    SourceDisabled,
    /// Payment Required and Payment in Process leads cannot be messaged.
    #[error("Lead payment is not confirmed")]
    PaymentNotConfirmed { stage: SystemStage },
    /// Mercado Libre closes messaging on cancelled orders unless a conversation was open.
    #[error("The order was cancelled; Mercado Libre does not allow starting a conversation")]
    OrderCancelled { stage: SystemStage },
    /// Mercado Libre blocked the conversation; `substatus` is its reason
    /// (`blocked_by_mediation`, `blocked_by_time`, …).
    #[error("The conversation is blocked by Mercado Libre")]
    ConversationBlocked { substatus: Option<String> },
    /// After the seller's message nothing more until the buyer answers.
    #[error("Wait for the buyer to reply before writing again")]
    AwaitingBuyerReply,
    /// The seller starts this conversation: Mercado Libre requires a reason to communicate.
    #[error("Choose a reason to communicate to start this conversation")]
    ActionGuideRequired,
    /// The buyer already wrote (or no reason is needed): reply with a normal message.
    #[error("Reply with a normal message; reasons to communicate are not needed here")]
    ActionGuideNotAllowed,
    #[error("This reason to communicate is not available for this sale")]
    OptionUnavailable { option_id: String },
    #[error("No messages left for this reason; wait for the buyer to reply")]
    CapExhausted { option_id: String },
    #[error("Choose one of Mercado Libre's templates for this reason")]
    TemplateRequired { option_id: String },
    #[error("This reason sends Mercado Libre's fixed text; clear your text to send it")]
    TemplateTextFixed { option_id: String },
    #[error("This reason needs values Mostrador cannot fill yet; send it on Mercado Libre")]
    TemplateNeedsValues { option_id: String },
    #[error("Write a message")]
    TextEmpty,
    #[error("The message is too long: {chars} characters, at most {max}")]
    TextTooLong { chars: u32, max: u32 },
    /// Mercado Libre accepts latin1 characters and emoji only.
    #[error("Mercado Libre does not accept the character {character:?}")]
    TextCharset { character: String },
    /// A quick reply's variable the composer could not fill is still in the text.
    #[error("Replace {{{variable}}} with its value before sending")]
    VariableUnfilled { variable: QuickReplyVariable },
    #[error("The first message of a conversation cannot be only files")]
    FileOnlyFirstMessage,
    #[error("{file}: only .jpg, .png, .pdf and .txt files can be sent")]
    FileType { file: String },
    #[error("{file} is larger than 25 MB")]
    FileTooLarge {
        file: String,
        #[ts(type = "number")]
        size: u64,
        #[ts(type = "number")]
        max: u64,
    },
    #[error("{file}: the file name is not accepted by Mercado Libre")]
    FileName { file: String },
    #[error("At most {max} files in one message")]
    TooManyFiles { count: u32, max: u32 },
}

impl Refusal {
    /// Stable across versions; the same string as the serialized `code`.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::SourceDisabled => "source_disabled",
            Refusal::PaymentNotConfirmed { .. } => "payment_not_confirmed",
            Refusal::OrderCancelled { .. } => "order_cancelled",
            Refusal::ConversationBlocked { .. } => "conversation_blocked",
            Refusal::AwaitingBuyerReply => "awaiting_buyer_reply",
            Refusal::ActionGuideRequired => "action_guide_required",
            Refusal::ActionGuideNotAllowed => "action_guide_not_allowed",
            Refusal::OptionUnavailable { .. } => "option_unavailable",
            Refusal::CapExhausted { .. } => "cap_exhausted",
            Refusal::TemplateRequired { .. } => "template_required",
            Refusal::TemplateTextFixed { .. } => "template_text_fixed",
            Refusal::TemplateNeedsValues { .. } => "template_needs_values",
            Refusal::TextEmpty => "text_empty",
            Refusal::TextTooLong { .. } => "text_too_long",
            Refusal::TextCharset { .. } => "text_charset",
            Refusal::VariableUnfilled { .. } => "variable_unfilled",
            Refusal::FileOnlyFirstMessage => "file_only_first_message",
            Refusal::FileType { .. } => "file_type",
            Refusal::FileTooLarge { .. } => "file_too_large",
            Refusal::FileName { .. } => "file_name",
            Refusal::TooManyFiles { .. } => "too_many_files",
        }
    }

    /// The values the UI's translated sentence needs, as strings.
    pub fn details(&self) -> Option<serde_json::Value> {
        let mut value = serde_json::to_value(self).ok()?;
        let map = value.as_object_mut()?;
        map.remove("code");
        for v in map.values_mut() {
            if !v.is_string() && !v.is_null() {
                *v = serde_json::Value::String(v.to_string());
            }
        }
        (!map.is_empty()).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_code_matches_code() {
        let all = [
            Refusal::SourceDisabled,
            Refusal::PaymentNotConfirmed {
                stage: SystemStage::PaymentRequired,
            },
            Refusal::OrderCancelled {
                stage: SystemStage::Canceled,
            },
            Refusal::ConversationBlocked {
                substatus: Some("blocked_by_time".into()),
            },
            Refusal::AwaitingBuyerReply,
            Refusal::ActionGuideRequired,
            Refusal::ActionGuideNotAllowed,
            Refusal::OptionUnavailable {
                option_id: "X".into(),
            },
            Refusal::CapExhausted {
                option_id: "OTHER".into(),
            },
            Refusal::TemplateRequired {
                option_id: "X".into(),
            },
            Refusal::TemplateTextFixed {
                option_id: "X".into(),
            },
            Refusal::TemplateNeedsValues {
                option_id: "DELIVERY_PROMISE".into(),
            },
            Refusal::TextEmpty,
            Refusal::TextTooLong {
                chars: 351,
                max: 350,
            },
            Refusal::TextCharset {
                character: "€".into(),
            },
            Refusal::FileOnlyFirstMessage,
            Refusal::FileType {
                file: "a.zip".into(),
            },
            Refusal::FileTooLarge {
                file: "a.pdf".into(),
                size: 1,
                max: 0,
            },
            Refusal::FileName { file: "a/b".into() },
            Refusal::TooManyFiles { count: 26, max: 25 },
        ];
        for refusal in all {
            let json = serde_json::to_value(&refusal).expect("json");
            assert_eq!(json["code"], refusal.code());
        }
    }

    #[test]
    fn the_seeds_sentences_are_kept_verbatim() {
        assert_eq!(Refusal::SourceDisabled.to_string(), "Lead source disabled");
        assert_eq!(
            Refusal::PaymentNotConfirmed {
                stage: SystemStage::PaymentInProcess
            }
            .to_string(),
            "Lead payment is not confirmed"
        );
    }

    #[test]
    fn details_carry_the_values_as_strings() {
        let details = Refusal::TextTooLong {
            chars: 351,
            max: 350,
        }
        .details()
        .expect("details");
        assert_eq!(details, serde_json::json!({"chars": "351", "max": "350"}));
        let blocked = Refusal::ConversationBlocked {
            substatus: Some("blocked_by_mediation".into()),
        };
        assert_eq!(
            blocked.details().expect("details")["substatus"],
            "blocked_by_mediation"
        );
        assert_eq!(Refusal::AwaitingBuyerReply.details(), None);
    }
}
