//! Switches that make the simulator as hard as the real API can be, where its documentation
//! is silent or Mercado Libre's behaviour varies. All are off (the kind reading) in the plain
//! demo; the tests turn them on.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// The switches' state. Each field is the hard reading when it differs from the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchState {
    /// The application has the Messages permission. `false`: every `/messages/…` call of
    /// every seller answers 403 with the application-level body (the seller forgot to tick
    /// the permission in the developer center, or Mercado Libre refuses the application).
    pub messages_scope: bool,
    /// Order searches and conversation pages answer the first page whatever the offset, and
    /// say `paging.total` is 10^9: a paging loop that trusts `total` never ends.
    pub endless_paging: bool,
    /// Conversation pages list the oldest message first (offset 0 is the first message ever
    /// written). The published docs never say which end a page starts from; the examples
    /// show newest first, which is the default.
    pub messages_oldest_first: bool,
}

impl Default for SwitchState {
    fn default() -> Self {
        SwitchState {
            messages_scope: true,
            endless_paging: false,
            messages_oldest_first: false,
        }
    }
}

/// What a test may set; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchChange {
    #[serde(default)]
    pub messages_scope: Option<bool>,
    #[serde(default)]
    pub endless_paging: Option<bool>,
    #[serde(default)]
    pub messages_oldest_first: Option<bool>,
}

#[derive(Debug, Default)]
pub struct Switches {
    state: Mutex<SwitchState>,
}

impl Switches {
    pub fn get(&self) -> SwitchState {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn apply(&self, change: &SwitchChange) -> SwitchState {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = change.messages_scope {
            state.messages_scope = v;
        }
        if let Some(v) = change.endless_paging {
            state.endless_paging = v;
        }
        if let Some(v) = change.messages_oldest_first {
            state.messages_oldest_first = v;
        }
        state.clone()
    }
}
