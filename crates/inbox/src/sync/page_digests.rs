//! The digest of each chat's page as the cache last took it in. The poll reads the recent chats
//! again every few minutes and the rotation every active chat in turn; most come back byte for
//! byte as before, and then there is nothing to decode, compare or store.
//!
//! Kept in memory only: after a start the first read of each chat compares as before.

use std::collections::HashMap;
use std::sync::Mutex;

/// More chats than a seller has active at once; past it the memory starts over, which costs
/// one comparison per chat.
const MOST: usize = 20_000;

#[derive(Debug, Default)]
pub(crate) struct PageDigests(Mutex<HashMap<i64, u64>>);

impl PageDigests {
    pub(crate) fn get(&self, conversation_id: i64) -> Option<u64> {
        self.lock().get(&conversation_id).copied()
    }

    /// The cache holds what a page with `digest` says of the chat.
    pub(crate) fn remember(&self, conversation_id: i64, digest: u64) {
        let mut digests = self.lock();
        if digests.len() >= MOST && !digests.contains_key(&conversation_id) {
            digests.clear();
        }
        digests.insert(conversation_id, digest);
    }

    /// The chat is being written by another read: its last digest no longer vouches for it.
    pub(crate) fn forget(&self, conversation_id: i64) {
        self.lock().remove(&conversation_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, u64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_is_remembered_until_forgotten_or_replaced() {
        let digests = PageDigests::default();
        assert_eq!(digests.get(7), None);
        digests.remember(7, 1);
        assert_eq!(digests.get(7), Some(1));
        digests.remember(7, 2);
        assert_eq!(digests.get(7), Some(2));
        digests.forget(7);
        assert_eq!(digests.get(7), None);
    }

    #[test]
    fn past_the_bound_it_starts_over() {
        let digests = PageDigests::default();
        for id in 0..MOST as i64 {
            digests.remember(id, 1);
        }
        digests.remember(-1, 1);
        assert_eq!(digests.get(0), None);
        assert_eq!(digests.get(-1), Some(1));
    }
}
