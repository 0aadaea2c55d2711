//! Reasons to communicate (Mercado Libre's action guide), as the picker shows them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::rules::{ActionGuide, OptionKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "GuideKind.ts")]
pub enum GuideKind {
    Template,
    FreeText,
}

/// One reason, with the messages left for it (`capAvailable` 0: wait for the buyer's reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "GuideOptionDto.ts")]
pub struct GuideOptionDto {
    pub id: String,
    pub enabled: bool,
    pub kind: GuideKind,
    pub cap_available: u32,
    /// The free text's limit (350), for free-text reasons.
    pub char_limit: Option<u32>,
    /// Mercado Libre's fixed texts, for template reasons.
    pub templates: Vec<GuideTemplateDto>,
}

/// A template of a reason: its id (sent back when chosen) and the text Mercado Libre will send
/// on the seller's site, read-only; `null` when the guide did not give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "GuideTemplateDto.ts")]
pub struct GuideTemplateDto {
    pub id: String,
    pub text: Option<String>,
    /// Its text takes values (the delivery promise's times) Mostrador cannot fill yet: the
    /// seller sends it on Mercado Libre.
    pub needs_values: bool,
}

/// The picker's options when the conversation must start through the action guide; `None`
/// when the seller may write freely.
pub fn guide_options(guide: &ActionGuide) -> Option<Vec<GuideOptionDto>> {
    match guide {
        ActionGuide::NotRequired => None,
        ActionGuide::Required { options } => Some(
            options
                .iter()
                .map(|option| {
                    let (kind, char_limit, templates) = match &option.kind {
                        OptionKind::Template {
                            template_ids,
                            texts,
                            needs_values,
                        } => (
                            GuideKind::Template,
                            None,
                            template_ids
                                .iter()
                                .map(|id| GuideTemplateDto {
                                    id: id.clone(),
                                    text: texts.get(id).cloned(),
                                    needs_values: needs_values.contains(id),
                                })
                                .collect(),
                        ),
                        OptionKind::FreeText { char_limit } => {
                            (GuideKind::FreeText, Some(*char_limit), Vec::new())
                        }
                    };
                    GuideOptionDto {
                        id: option.id.clone(),
                        enabled: option.enabled,
                        kind,
                        cap_available: option.cap_available,
                        char_limit,
                        templates,
                    }
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::GuideOption;

    #[test]
    fn free_writing_has_no_picker() {
        assert_eq!(guide_options(&ActionGuide::NotRequired), None);
    }

    #[test]
    fn options_keep_caps_limits_and_templates() {
        let guide = ActionGuide::Required {
            options: vec![
                GuideOption {
                    id: "REQUEST_BILLING_INFO".into(),
                    enabled: true,
                    kind: OptionKind::Template {
                        template_ids: vec![
                            "TEMPLATE___REQUEST_BILLING_INFO___1".into(),
                            "TEMPLATE___REQUEST_BILLING_INFO___2".into(),
                        ],
                        texts: [(
                            "TEMPLATE___REQUEST_BILLING_INFO___1".to_owned(),
                            "Para adjuntarte la factura…".to_owned(),
                        )]
                        .into(),
                        needs_values: vec!["TEMPLATE___REQUEST_BILLING_INFO___2".into()],
                    },
                    cap_available: 1,
                },
                GuideOption {
                    id: "OTHER".into(),
                    enabled: true,
                    kind: OptionKind::FreeText { char_limit: 350 },
                    cap_available: 0,
                },
            ],
        };
        let options = guide_options(&guide).expect("required");
        assert_eq!(options[0].kind, GuideKind::Template);
        assert_eq!(
            options[0].templates,
            [
                GuideTemplateDto {
                    id: "TEMPLATE___REQUEST_BILLING_INFO___1".into(),
                    text: Some("Para adjuntarte la factura…".into()),
                    needs_values: false,
                },
                GuideTemplateDto {
                    id: "TEMPLATE___REQUEST_BILLING_INFO___2".into(),
                    text: None,
                    needs_values: true,
                },
            ]
        );
        assert_eq!(options[1].char_limit, Some(350));
        assert_eq!(options[1].cap_available, 0);
        let json = serde_json::to_value(&options[1]).expect("json");
        assert_eq!(json["capAvailable"], 0);
        assert_eq!(json["kind"], "free_text");
        let json = serde_json::to_value(&options[0]).expect("json");
        assert_eq!(json["templates"][1]["text"], serde_json::Value::Null);
    }
}
