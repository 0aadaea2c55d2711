//! May this draft be sent now? One pure function, [`may_send`], asked by the UI before it
//! enables Send and by the outbox again right before sending.
//!
//! The checks, in the order a seller can act on them:
//! 1. the account is connected (`source_disabled`);
//! 2. the lead is paid (`payment_not_confirmed`), and a cancelled sale has a conversation
//!    already (`order_cancelled`);
//! 3. Mercado Libre has not blocked the conversation (`conversation_blocked`, with its substatus);
//! 4. the seller's last message has been answered (`awaiting_buyer_reply`);
//! 5. the route: a seller starting the conversation where Mercado Libre requires it goes through
//!    a reason to communicate (`action_guide_required`, then `option_unavailable`,
//!    `cap_exhausted`, `template_required`, `template_text_fixed`); otherwise a normal message
//!    (`action_guide_not_allowed` if a reason was chosen);
//! 6. the text: not empty unless files go (`text_empty`), at most 350 characters or the
//!    option's limit (`text_too_long`), latin1 and emoji only (`text_charset`), no quick-reply
//!    variable left unfilled (`variable_unfilled`);
//! 7. the files: not alone in a first message (`file_only_first_message`), at most 25
//!    (`too_many_files`), accepted names (`file_name`), types by content (`file_type`),
//!    at most 25 MB (`file_too_large`).
//!
//! A first message with text and files sends the text; the files stay in the draft, which
//! [`SendPlan::held_back`] says so the UI can show why.

pub mod answer;
pub mod files;
pub mod refusal;
pub mod text;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use files::{DraftFile, FileContent};
pub use refusal::Refusal;
pub use text::QuickReplyVariable;

use crate::pipeline::SystemStage;

/// Whether the lead's account can act on Mercado Libre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "SourceState.ts")]
pub enum SourceState {
    Connected,
    /// Disconnected by the seller or authorization revoked: cached data stays readable.
    Disabled,
}

/// The lead, as far as sending is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadFacts {
    /// What Mercado Libre says (a custom stage is Paid here).
    pub stage: SystemStage,
    pub source: SourceState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Author {
    Buyer,
    Seller,
}

/// A reason to communicate, as the action guide lists it for this sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideOption {
    pub id: String,
    pub enabled: bool,
    pub kind: OptionKind,
    pub cap_available: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OptionKind {
    /// Mercado Libre's fixed text, chosen by template id.
    Template {
        template_ids: Vec<String>,
        /// Template id → the text Mercado Libre sends on the account's site, where the guide
        /// gave it (guides stored before texts were kept have none).
        #[serde(default)]
        texts: std::collections::BTreeMap<String, String>,
        /// Template ids whose text takes values (the delivery promise's times), which Mostrador
        /// cannot fill yet: Mercado Libre refuses them without.
        #[serde(default)]
        needs_values: Vec<String>,
    },
    FreeText {
        char_limit: u32,
    },
}

/// Whether a seller who starts the conversation must use the action guide.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ActionGuide {
    #[default]
    NotRequired,
    Required {
        options: Vec<GuideOption>,
    },
}

/// The conversation, summarised for the rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConversationFacts {
    /// No message at all yet: the next one is the first.
    pub is_empty: bool,
    pub buyer_has_written: bool,
    /// Author of the last message that counts (see [`ConversationFacts::from_messages`]).
    pub last_author: Option<Author>,
    /// Mercado Libre's `substatus` when `conversation_status.status` is `blocked`.
    pub blocked: Option<Option<String>>,
    pub action_guide: ActionGuide,
}

impl ConversationFacts {
    /// Summarises `(author, reached_the_buyer)` pairs, oldest first. A seller's message that
    /// was moderated or rejected never reached the buyer, so it does not make the seller wait;
    /// a draft pending in the outbox does (pass it as a seller message that reached the buyer).
    pub fn from_messages(messages: impl IntoIterator<Item = (Author, bool)>) -> ConversationFacts {
        let mut facts = ConversationFacts {
            is_empty: true,
            ..ConversationFacts::default()
        };
        for (author, delivered) in messages {
            facts.is_empty = false;
            if author == Author::Buyer {
                facts.buyer_has_written = true;
            }
            if delivered || author == Author::Buyer {
                facts.last_author = Some(author);
            }
        }
        facts
    }
}

/// The seller's pick in the action guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "GuideChoice.ts")]
pub struct GuideChoice {
    pub option_id: String,
    pub template_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub text: String,
    pub files: Vec<DraftFile>,
    pub guide: Option<GuideChoice>,
}

/// How the draft goes out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Route {
    /// `POST /messages/packs/{pack}/sellers/{seller}`.
    Messages,
    /// `POST /messages/action_guide/packs/{pack}/option`.
    ActionGuide(GuideChoice),
}

/// Why files were left in the draft although the text may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "HeldBack.ts")]
pub enum HeldBack {
    /// Files cannot be part of a conversation's first message (nor of a reason to communicate).
    FirstMessage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPlan {
    pub route: Route,
    pub send_files: bool,
    pub held_back: Option<HeldBack>,
}

/// Decides whether `draft` may be sent now to `lead` in `conversation`.
pub fn may_send(
    lead: &LeadFacts,
    conversation: &ConversationFacts,
    draft: &Draft,
) -> Result<SendPlan, Refusal> {
    if lead.source == SourceState::Disabled {
        return Err(Refusal::SourceDisabled);
    }
    match lead.stage {
        SystemStage::PaymentRequired | SystemStage::PaymentInProcess => {
            return Err(Refusal::PaymentNotConfirmed { stage: lead.stage });
        }
        SystemStage::Canceled | SystemStage::Invalid if conversation.is_empty => {
            return Err(Refusal::OrderCancelled { stage: lead.stage });
        }
        _ => {}
    }
    if let Some(substatus) = &conversation.blocked {
        return Err(Refusal::ConversationBlocked {
            substatus: substatus.clone(),
        });
    }
    if conversation.last_author == Some(Author::Seller) {
        return Err(Refusal::AwaitingBuyerReply);
    }

    let route = choose_route(conversation, draft)?;
    let text_limit = match &route {
        Route::Messages => Some(text::SELLER_MAX_CHARS),
        Route::ActionGuide(_) => free_text_limit(conversation, draft),
    };
    if let Some(limit) = text_limit {
        // Files can stand in for text only in a normal message; a free-text reason needs words.
        let files_count_as_content = route == Route::Messages && !draft.files.is_empty();
        check_text(&draft.text, limit, files_count_as_content)?;
    }

    let first_message = conversation.is_empty;
    if first_message
        && draft.text.trim().is_empty()
        && text_limit.is_some()
        && !draft.files.is_empty()
    {
        return Err(Refusal::FileOnlyFirstMessage);
    }
    check_files(&draft.files)?;

    // A reason to communicate carries no attachments, and it is always a first message.
    let hold_files =
        !draft.files.is_empty() && (first_message || matches!(route, Route::ActionGuide(_)));
    Ok(SendPlan {
        route,
        send_files: !draft.files.is_empty() && !hold_files,
        held_back: hold_files.then_some(HeldBack::FirstMessage),
    })
}

fn choose_route(conversation: &ConversationFacts, draft: &Draft) -> Result<Route, Refusal> {
    let options = match &conversation.action_guide {
        ActionGuide::Required { options } if !conversation.buyer_has_written => options,
        _ => {
            return match draft.guide {
                Some(_) => Err(Refusal::ActionGuideNotAllowed),
                None => Ok(Route::Messages),
            };
        }
    };
    let choice = draft.guide.as_ref().ok_or(Refusal::ActionGuideRequired)?;
    let option = options
        .iter()
        .find(|o| o.id == choice.option_id && o.enabled)
        .ok_or_else(|| Refusal::OptionUnavailable {
            option_id: choice.option_id.clone(),
        })?;
    if option.cap_available == 0 {
        return Err(Refusal::CapExhausted {
            option_id: option.id.clone(),
        });
    }
    if let OptionKind::Template {
        template_ids,
        needs_values,
        ..
    } = &option.kind
    {
        let valid = choice
            .template_id
            .as_ref()
            .is_some_and(|t| template_ids.contains(t));
        if !valid {
            return Err(Refusal::TemplateRequired {
                option_id: option.id.clone(),
            });
        }
        if choice
            .template_id
            .as_ref()
            .is_some_and(|t| needs_values.contains(t))
        {
            return Err(Refusal::TemplateNeedsValues {
                option_id: option.id.clone(),
            });
        }
        if !draft.text.trim().is_empty() {
            return Err(Refusal::TemplateTextFixed {
                option_id: option.id.clone(),
            });
        }
    }
    Ok(Route::ActionGuide(choice.clone()))
}

/// The text limit of the chosen free-text option (never above Mercado Libre's 350), or
/// `None` for a template, whose text is Mercado Libre's.
fn free_text_limit(conversation: &ConversationFacts, draft: &Draft) -> Option<usize> {
    let ActionGuide::Required { options } = &conversation.action_guide else {
        return Some(text::SELLER_MAX_CHARS);
    };
    let choice = draft.guide.as_ref()?;
    match &options.iter().find(|o| o.id == choice.option_id)?.kind {
        OptionKind::FreeText { char_limit } => {
            Some((*char_limit as usize).min(text::SELLER_MAX_CHARS))
        }
        OptionKind::Template { .. } => None,
    }
}

fn check_text(draft_text: &str, limit: usize, has_files: bool) -> Result<(), Refusal> {
    if draft_text.trim().is_empty() {
        return if has_files {
            Ok(())
        } else {
            Err(Refusal::TextEmpty)
        };
    }
    let chars = text::char_count(draft_text);
    if chars > limit {
        return Err(Refusal::TextTooLong {
            chars: chars as u32,
            max: limit as u32,
        });
    }
    if let Some(c) = text::first_unsupported_char(draft_text) {
        return Err(Refusal::TextCharset {
            character: c.to_string(),
        });
    }
    if let Some(variable) = text::unfilled_variable(draft_text) {
        return Err(Refusal::VariableUnfilled { variable });
    }
    Ok(())
}

fn check_files(draft_files: &[DraftFile]) -> Result<(), Refusal> {
    if draft_files.len() > files::MAX_FILES {
        return Err(Refusal::TooManyFiles {
            count: draft_files.len() as u32,
            max: files::MAX_FILES as u32,
        });
    }
    for file in draft_files {
        if !file.name_allowed() {
            return Err(Refusal::FileName {
                file: file.name.clone(),
            });
        }
        if file.size > files::MAX_FILE_BYTES {
            return Err(Refusal::FileTooLarge {
                file: file.name.clone(),
                size: file.size,
                max: files::MAX_FILE_BYTES,
            });
        }
        if !file.type_allowed() {
            return Err(Refusal::FileType {
                file: file.name.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
