//! The running engines, one per connected account, and their combined status.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::engine::SyncHandle;
use super::state::AccountStates;
use crate::ipc::SyncStatus;

#[derive(Debug, Default)]
pub struct Registry {
    engines: Mutex<BTreeMap<i64, SyncHandle>>,
    states: Arc<AccountStates>,
}

impl Registry {
    pub fn states(&self) -> Arc<AccountStates> {
        self.states.clone()
    }

    fn engines(&self) -> std::sync::MutexGuard<'_, BTreeMap<i64, SyncHandle>> {
        self.engines.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `handle` as the account's engine; returns the one it replaces.
    pub fn insert(&self, account_id: i64, handle: SyncHandle) -> Option<SyncHandle> {
        self.engines().insert(account_id, handle)
    }

    pub fn remove(&self, account_id: i64) -> Option<SyncHandle> {
        self.engines().remove(&account_id)
    }

    /// Every account's engine, or one.
    pub fn sync_now(&self, account_id: Option<i64>) {
        for (id, handle) in self.engines().iter() {
            if account_id.is_none_or(|a| a == *id) {
                handle.sync_now();
            }
        }
    }

    /// Runs a pass of the account's engine and waits for it (`None`: not running).
    pub async fn sync_and_wait(&self, account_id: i64) -> Option<super::AccountState> {
        let pass = self.engines().get(&account_id)?.sync_and_wait();
        pass.await
    }

    pub fn account(&self, account_id: i64) -> Option<Arc<super::AccountSync>> {
        self.engines().get(&account_id).map(|h| h.account().clone())
    }

    /// The running engines' accounts.
    pub fn running(&self) -> Vec<Arc<super::AccountSync>> {
        self.engines()
            .values()
            .filter(|h| !h.is_finished())
            .map(|h| h.account().clone())
            .collect()
    }

    pub fn status(&self) -> SyncStatus {
        self.states.status()
    }

    /// Stops every engine.
    pub async fn shutdown(&self) {
        let engines = std::mem::take(&mut *self.engines());
        for (_, handle) in engines {
            handle.shutdown().await;
        }
    }
}
