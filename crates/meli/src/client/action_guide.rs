//! "Reasons to communicate": how a seller starts a conversation the buyer has not started.

use super::messages::first_message;
use super::transport::{Body, Call, Replay};
use super::Client;
use crate::models::{ActionGuide, Message, OptionCap, OptionRequest, PackId};
use crate::MeliError;

impl Client {
    /// `GET /messages/action_guide/packs/{pack}`: the options and their caps.
    pub async fn action_guide(&self, pack_id: PackId) -> Result<ActionGuide, MeliError> {
        let call = Call::get(format!("/messages/action_guide/packs/{pack_id}")).post_sale();
        self.call_json(call).await
    }

    /// `GET /messages/action_guide/packs/{pack}/caps_available`.
    pub async fn caps_available(&self, pack_id: PackId) -> Result<Vec<OptionCap>, MeliError> {
        let call = Call::get(format!(
            "/messages/action_guide/packs/{pack_id}/caps_available"
        ))
        .post_sale();
        self.call_json(call).await
    }

    /// `POST /messages/action_guide/packs/{pack}/option`. Never retried (it spends a cap); errors
    /// come back by meaning: `TextTooLong`, `CapExhausted`, `OpenConversation`, `InvalidOption`,
    /// `InvalidTemplate`, `Conflict` (the 409 lock), `ConversationBlocked`, `ExceptedCase`,
    /// `BuyerUnavailable`, or `SendOutcomeUnknown`.
    pub async fn send_option(
        &self,
        pack_id: PackId,
        request: &OptionRequest,
    ) -> Result<Message, MeliError> {
        let body = serde_json::to_value(request)
            .map_err(|e| MeliError::InvalidConfig(format!("option request: {e}")))?;
        let call = Call::post(
            format!("/messages/action_guide/packs/{pack_id}/option"),
            Body::Json(body),
            Replay::Never,
        )
        .post_sale();
        let body = self.call(call).await?;
        first_message(&body).ok_or_else(|| MeliError::SendOutcomeUnknown {
            cause: format!(
                "the option was accepted but the answer was unreadable: {}",
                crate::error::excerpt(&body)
            ),
        })
    }
}
