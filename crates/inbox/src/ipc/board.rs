//! The board, lead cards and stats as the UI receives them. Ids of Mercado Libre objects are
//! strings (they exceed JavaScript's safe integers); dates are RFC 3339 strings in UTC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::pipeline::{Money, SystemStage};
use crate::rules::SourceState;

/// A connected (or disabled) Mercado Libre account, for the account switcher and settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "AccountDto.ts")]
pub struct AccountDto {
    #[ts(type = "number")]
    pub id: i64,
    /// Mercado Libre's user id.
    pub user_id: String,
    /// `MLA`, `MLB`, …
    pub site_id: String,
    pub nickname: Option<String>,
    /// `disabled`: disconnected or revoked; its leads and chats stay readable.
    pub state: SourceState,
}

/// An exact amount: `amount` is a decimal string (`"129.95"`) for `Intl.NumberFormat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "MoneyDto.ts")]
pub struct MoneyDto {
    pub currency: String,
    pub amount: String,
}

impl From<&Money> for MoneyDto {
    fn from(money: &Money) -> Self {
        MoneyDto {
            currency: money.currency.clone(),
            amount: money.decimal(),
        }
    }
}

/// A card on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "LeadSummary.ts")]
pub struct LeadSummary {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    /// The pack or order number.
    pub name: String,
    /// The buyer's name, else nickname; `null` until known.
    pub buyer: Option<String>,
    pub buyer_nickname: Option<String>,
    pub total: Option<MoneyDto>,
    pub tags: Vec<String>,
    pub unread_count: u32,
    /// The start of the last message.
    pub last_message: Option<String>,
    pub last_message_at: Option<String>,
    /// The buyer wrote last: the seller owes an answer.
    pub waiting_for_you: bool,
    /// The column key (`system:paid`, `custom:7`).
    pub stage_key: String,
    pub archived: bool,
    /// Mercado Libre kept refusing to give this chat: the card carries a small mark.
    pub read_failed: bool,
    /// What the seller wrote while the buyer had yet to answer: kept here until it is sent
    /// (never sent by itself).
    pub armed_draft: Option<String>,
    /// What was bought: the first item's title (`None` while the orders are not read yet).
    pub first_item: Option<String>,
    /// How many other items the sale has ("+2 more").
    pub more_items: u32,
    /// The first item's picture in the local cache (a file path, shown through the asset
    /// protocol); `null` until downloaded: never a remote address.
    pub picture: Option<String>,
}

/// A chat the sync could not read from Mercado Libre, and when it tries again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ChatReadFailure.ts")]
pub struct ChatReadFailure {
    #[ts(type = "number")]
    pub lead_id: i64,
    #[ts(type = "number")]
    pub account_id: i64,
    /// The pack or order number.
    pub name: String,
    /// The error's stable code (`server`, `decode`, `buyer_unavailable`, …): the UI words the
    /// reason by it.
    pub code: String,
    /// The HTTP status Mercado Libre answered, when it answered one.
    pub status: Option<u16>,
    /// The error as the client described it, in English, for the log and support.
    pub detail: String,
    pub failures: u32,
    pub first_failed_at: String,
    pub last_failed_at: String,
    pub next_try_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "ColumnPage.ts")]
pub struct ColumnPage {
    pub leads: Vec<LeadSummary>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "OrderLine.ts")]
pub struct OrderLine {
    pub item_id: String,
    pub title: String,
    pub quantity: u32,
    pub unit_price: MoneyDto,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "CardOrder.ts")]
pub struct CardOrder {
    pub id: String,
    /// Mercado Libre's status as sent (`paid`, `cancelled`, …).
    pub status: String,
    pub items: Vec<OrderLine>,
    pub total: MoneyDto,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ShipmentDto.ts")]
pub struct ShipmentDto {
    pub id: String,
    pub status: Option<String>,
}

/// The lead's card beside the chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "LeadCard.ts")]
pub struct LeadCard {
    pub summary: LeadSummary,
    /// What Mercado Libre says, whatever custom stage the lead is in.
    pub system_stage: SystemStage,
    pub buyer_id: String,
    pub orders: Vec<CardOrder>,
    pub totals: Vec<MoneyDto>,
    pub shipments: Vec<ShipmentDto>,
    pub created_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: Option<String>,
    /// `active` or `blocked`, as Mercado Libre last said.
    pub conversation_status: Option<String>,
    pub conversation_substatus: Option<String>,
    /// The account was disconnected or revoked: the card and chat stay readable.
    pub source_disabled: bool,
    /// The sale's page on the account's Mercado Libre site, to open in the browser.
    pub sale_url: Option<String>,
    /// The sync could not read this chat lately: why, and when it tries again.
    pub read_failure: Option<ChatReadFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "StageCount.ts")]
pub struct StageCount {
    pub key: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "Stats.ts")]
pub struct Stats {
    /// Every column, in board order, archived leads left out.
    pub leads_per_stage: Vec<StageCount>,
    /// Totals of leads in Paid and the custom stages, one per currency.
    pub paid_amounts: Vec<MoneyDto>,
    /// From a buyer's first message to the seller's first answer after it.
    #[ts(type = "number | null")]
    pub median_first_reply_secs: Option<i64>,
    /// Conversations where the buyer wrote last.
    pub waiting_for_seller: u32,
}

/// What narrows the board besides the account: every set condition must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, export_to = "BoardFilter.ts")]
pub struct BoardFilter {
    /// Order tags as the cards show them (`paid`, `not_delivered`, …); a lead carries them all.
    pub tags: Vec<String>,
    pub unread_only: bool,
    /// The buyer wrote last.
    pub waiting_for_you: bool,
    /// Words matched as prefixes of the lead's pack and order numbers, buyer and item titles.
    pub text: String,
    /// Only the archived leads (which the board otherwise leaves out), in their columns.
    pub archived: bool,
}

impl BoardFilter {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
            && !self.unread_only
            && !self.waiting_for_you
            && self.text.trim().is_empty()
            && !self.archived
    }
}
