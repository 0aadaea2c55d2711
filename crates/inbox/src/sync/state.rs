//! What each account's engine is doing, and the one status the header shows for all of them.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::ipc::SyncStatus;

/// One account's engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountState {
    /// Started, no pass finished yet.
    Starting,
    Syncing {
        done: u32,
        total: u32,
    },
    Online {
        last_sync: DateTime<Utc>,
    },
    /// The last pass failed for the network, rate limits or server trouble; retrying.
    Offline {
        since: DateTime<Utc>,
    },
    /// The last pass brought orders up to date, but Mercado Libre refused every messaging
    /// call: the application lacks the Messages permission (or messaging is refused to it or
    /// the seller). Polling goes on; the chats import once it is fixed.
    MessagesRefused {
        last_sync: DateTime<Utc>,
    },
    /// Mercado Libre refused the authorization and a refresh could not fix it: the account
    /// is disabled and its engine stopped.
    AuthExpired,
}

/// The states of every running engine (and of accounts whose authorization expired).
#[derive(Debug, Default)]
pub struct AccountStates {
    accounts: Mutex<BTreeMap<i64, (String, AccountState)>>,
}

fn text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl AccountStates {
    /// Records `state` for the account (named `label` in messages) and returns the combined
    /// status.
    pub fn set(&self, account_id: i64, label: &str, state: AccountState) -> SyncStatus {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        accounts.insert(account_id, (label.to_owned(), state));
        combine(&accounts)
    }

    pub fn remove(&self, account_id: i64) -> SyncStatus {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        accounts.remove(&account_id);
        combine(&accounts)
    }

    pub fn get(&self, account_id: i64) -> Option<AccountState> {
        let accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        accounts.get(&account_id).map(|(_, s)| s.clone())
    }

    pub fn status(&self) -> SyncStatus {
        combine(&self.accounts.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The most urgent state wins: an expired authorization needs the seller, offline explains
/// stale data, syncing shows progress summed over accounts; otherwise online since the
/// oldest last sync.
fn combine(accounts: &BTreeMap<i64, (String, AccountState)>) -> SyncStatus {
    if accounts.is_empty() {
        return SyncStatus::NoAccount;
    }
    if let Some((label, _)) = accounts
        .values()
        .find(|(_, s)| *s == AccountState::AuthExpired)
    {
        return SyncStatus::AuthExpired {
            account: label.clone(),
        };
    }
    if let Some((label, _)) = accounts
        .values()
        .find(|(_, s)| matches!(s, AccountState::MessagesRefused { .. }))
    {
        return SyncStatus::MessagesRefused {
            account: label.clone(),
        };
    }
    let offline_since = accounts
        .values()
        .filter_map(|(_, s)| match s {
            AccountState::Offline { since } => Some(*since),
            _ => None,
        })
        .min();
    if let Some(since) = offline_since {
        return SyncStatus::Offline { since: text(since) };
    }
    let (mut done, mut total, mut syncing) = (0u32, 0u32, false);
    for (_, state) in accounts.values() {
        match state {
            AccountState::Syncing { done: d, total: t } => {
                syncing = true;
                done = done.saturating_add(*d);
                total = total.saturating_add(*t);
            }
            AccountState::Starting => syncing = true,
            _ => {}
        }
    }
    if syncing {
        return SyncStatus::Syncing { done, total };
    }
    let last = accounts
        .values()
        .filter_map(|(_, s)| match s {
            AccountState::Online { last_sync } => Some(*last_sync),
            _ => None,
        })
        .min();
    match last {
        Some(last) => SyncStatus::Online {
            last_sync: text(last),
        },
        None => SyncStatus::NoAccount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, h, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn the_most_urgent_state_wins() {
        let states = AccountStates::default();
        assert_eq!(states.status(), SyncStatus::NoAccount);
        states.set(1, "A", AccountState::Online { last_sync: at(10) });
        assert!(matches!(states.status(), SyncStatus::Online { .. }));
        states.set(2, "B", AccountState::Syncing { done: 2, total: 5 });
        assert_eq!(states.status(), SyncStatus::Syncing { done: 2, total: 5 });
        states.set(1, "A", AccountState::Offline { since: at(11) });
        assert!(matches!(states.status(), SyncStatus::Offline { .. }));
        let status = states.set(2, "B", AccountState::AuthExpired);
        assert_eq!(
            status,
            SyncStatus::AuthExpired {
                account: "B".into()
            }
        );
        states.remove(2);
        states.remove(1);
        assert_eq!(states.status(), SyncStatus::NoAccount);
    }
}
