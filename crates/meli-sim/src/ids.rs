//! The fixed identities every scenario shares, and the names of notable sales: the bottom of
//! the crate, which the configuration, the world and the scenarios all read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The Argentine seller every scenario has (site MLA, Spanish).
pub const SELLER_MLA: u64 = 241_359_821;
/// The Brazilian seller every scenario has (site MLB, Portuguese).
pub const SELLER_MLB: u64 = 415_458_330;
/// The registered application.
pub const CLIENT_ID: u64 = 5_503_910_054_141_466;
pub const CLIENT_SECRET: &str = "sim-secret-9f8e7d6c5b4a3210";
pub const REDIRECT_URI: &str = "https://relay.mostrador.test/callback";

/// Notable sales of a scenario by name, so tests can find "a conversation blocked by the buyer"
/// without searching. Each value is the id to use in `/messages/packs/{id}/…` (a pack id, or the
/// order id of a lone order). The demo's names are listed in the crate documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landmarks(pub BTreeMap<String, u64>);

impl Landmarks {
    pub fn get(&self, name: &str) -> Option<u64> {
        self.0.get(name).copied()
    }

    pub(crate) fn set(&mut self, name: &str, id: u64) {
        self.0.insert(name.to_owned(), id);
    }
}
