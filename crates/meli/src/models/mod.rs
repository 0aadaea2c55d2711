//! Serde types for the API's payloads, tolerant as meli-api.md Part A §7 asks: ids as numbers or
//! strings, statuses in any case, missing or null fields, unknown enum values kept as `Other`.
//! Records the cache stores ([`Order`], [`Message`], [`Pack`], [`User`], [`Shipment`]) keep their
//! raw JSON in `raw`.

pub mod de;
mod macros;

mod action_guide;
mod api_error;
mod message;
mod notification;
mod order;
mod pack;
mod question;
mod token;
mod user;

use serde::{Deserialize, Serialize};

pub use action_guide::{
    ActionGuide, GuideOption, OptionCap, OptionId, OptionKind, OptionRequest, Template, TemplateVar,
};
pub use api_error::ApiError;
pub use message::{
    ConversationState, ConversationStatus, Message, MessageAttachment, MessageDates,
    MessageResource, MessageStatus, Moderation, ModerationStatus, PackMessages, Participant,
    Unread, UnreadConversation, UploadedAttachment,
};
pub use notification::Notification;
pub use order::{
    CancelDetail, Item, Mediation, Order, OrderContext, OrderItem, OrderParty, OrderSearch,
    OrderStatus, Payment, ShippingRef, SortRef,
};
pub use pack::{IdRef, Pack, PackStatus, Shipment, ShipmentStatus};
pub use question::{
    Answer, AnswerStatus, Asker, ListingSummary, MultigetEntry, Question, QuestionFilters,
    QuestionId, QuestionSearch, QuestionStatus, QuestionsBlacklist, ResponseBand, ResponseTime,
};
pub use token::Token;
pub use user::{SellerReputation, User, UserAddress, UserStatus};

/// User ids exceed 32 bits; every numeric id fits in 63.
pub type UserId = i64;
pub type OrderId = i64;
/// A pack id, or an order id where the order has no pack.
pub type PackId = i64;
pub type ShipmentId = i64;

/// `paging` of list answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Paging {
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub total: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub offset: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub limit: Option<u64>,
}

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod question_fixture_tests;
#[cfg(test)]
mod tolerance_tests;
