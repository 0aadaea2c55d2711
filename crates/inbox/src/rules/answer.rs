//! May this answer to a pre-sale question be sent? A pure check, asked by the composer before
//! it enables Send and by the outbox again before posting. Answers are public and cannot be
//! edited, so everything Mercado Libre would refuse is refused here first.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::text::QuickReplyVariable;

/// "To answer or ask questions, the maximum number of characters is 2,000."
pub const ANSWER_MAX_CHARS: usize = 2_000;

/// What the check needs to know about the question, as the cache has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionState<'a> {
    /// Mercado Libre's status, upper case (`UNANSWERED`, `ANSWERED`, …; unknown ones kept).
    pub status: &'a str,
    pub hold: bool,
    pub deleted_from_listing: bool,
    /// An answer of this question already waits in the outbox or is being sent.
    pub answer_queued: bool,
}

/// Why an answer may not be sent; `code()` is stable for the UI and the tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(export, export_to = "AnswerRefusal.ts")]
pub enum AnswerRefusal {
    #[error("the answer is empty")]
    AnswerEmpty,
    #[error("the answer has {chars} characters; Mercado Libre takes {max} at most")]
    AnswerTooLong { chars: usize, max: usize },
    /// Answered, closed, banned, deleted, under review, disabled, or on hold: `status` says
    /// which (lower case, `on_hold` for a question on hold).
    #[error("this question can no longer be answered ({status})")]
    QuestionNotAnswerable { status: String },
    /// An answer to this question is already on its way.
    #[error("an answer to this question is already waiting to be sent")]
    AnswerAlreadyQueued,
    /// A quick reply's variable the composer could not fill (the asker's name, often unknown
    /// before a sale) is still in the text, which everyone on the listing would read.
    #[error("replace {{{variable}}} with its value before answering")]
    AnswerVariableUnfilled { variable: QuickReplyVariable },
}

impl AnswerRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            AnswerRefusal::AnswerEmpty => "answer_empty",
            AnswerRefusal::AnswerTooLong { .. } => "answer_too_long",
            AnswerRefusal::QuestionNotAnswerable { .. } => "question_not_answerable",
            AnswerRefusal::AnswerAlreadyQueued => "answer_already_queued",
            AnswerRefusal::AnswerVariableUnfilled { .. } => "answer_variable_unfilled",
        }
    }
}

/// Checks an answer. Characters are counted as Mercado Libre does (Unicode scalar values).
pub fn may_answer(question: &QuestionState<'_>, text: &str) -> Result<(), AnswerRefusal> {
    if !question.status.eq_ignore_ascii_case("UNANSWERED") {
        return Err(AnswerRefusal::QuestionNotAnswerable {
            status: question.status.to_ascii_lowercase(),
        });
    }
    if question.hold {
        return Err(AnswerRefusal::QuestionNotAnswerable {
            status: "on_hold".into(),
        });
    }
    if question.deleted_from_listing {
        return Err(AnswerRefusal::QuestionNotAnswerable {
            status: "deleted".into(),
        });
    }
    if question.answer_queued {
        return Err(AnswerRefusal::AnswerAlreadyQueued);
    }
    if text.trim().is_empty() {
        return Err(AnswerRefusal::AnswerEmpty);
    }
    let chars = text.chars().count();
    if chars > ANSWER_MAX_CHARS {
        return Err(AnswerRefusal::AnswerTooLong {
            chars,
            max: ANSWER_MAX_CHARS,
        });
    }
    if let Some(variable) = super::text::unfilled_variable(text) {
        return Err(AnswerRefusal::AnswerVariableUnfilled { variable });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> QuestionState<'static> {
        QuestionState {
            status: "UNANSWERED",
            hold: false,
            deleted_from_listing: false,
            answer_queued: false,
        }
    }

    #[test]
    fn an_answer_within_the_limit_to_an_open_question_passes() {
        assert_eq!(may_answer(&open(), "Sí, hay stock."), Ok(()));
        assert_eq!(may_answer(&open(), &"ñ".repeat(2_000)), Ok(()));
    }

    #[test]
    fn an_answer_with_a_quick_reply_variable_left_unfilled_is_refused() {
        let refused =
            may_answer(&open(), "Hola {buyer_first_name}, sí hay stock").expect_err("refused");
        assert_eq!(refused.code(), "answer_variable_unfilled");
        assert_eq!(
            refused,
            AnswerRefusal::AnswerVariableUnfilled {
                variable: QuickReplyVariable::BuyerFirstName
            }
        );
        assert_eq!(may_answer(&open(), "Hola, sí hay stock {1 litro}"), Ok(()));
    }

    #[test]
    fn empty_and_long_answers_are_refused_with_their_codes() {
        assert_eq!(
            may_answer(&open(), "  \n ").map_err(|r| r.code()),
            Err("answer_empty")
        );
        let long = "ã".repeat(2_001);
        assert_eq!(
            may_answer(&open(), &long),
            Err(AnswerRefusal::AnswerTooLong {
                chars: 2_001,
                max: 2_000
            })
        );
    }

    #[test]
    fn a_question_no_longer_open_cannot_be_answered() {
        for status in [
            "ANSWERED",
            "CLOSED_UNANSWERED",
            "BANNED",
            "DELETED",
            "UNDER_REVIEW",
            "DISABLED",
            "SOMETHING_NEW",
        ] {
            let q = QuestionState { status, ..open() };
            assert_eq!(
                may_answer(&q, "hola"),
                Err(AnswerRefusal::QuestionNotAnswerable {
                    status: status.to_ascii_lowercase()
                }),
                "{status}"
            );
        }
        let held = QuestionState {
            hold: true,
            ..open()
        };
        assert_eq!(
            may_answer(&held, "hola"),
            Err(AnswerRefusal::QuestionNotAnswerable {
                status: "on_hold".into()
            })
        );
        let queued = QuestionState {
            answer_queued: true,
            ..open()
        };
        assert_eq!(
            may_answer(&queued, "hola").map_err(|r| r.code()),
            Err("answer_already_queued")
        );
    }
}
