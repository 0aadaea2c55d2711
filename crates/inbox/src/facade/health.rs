//! The sync health view: what the header's status opens, one section per account.

use super::Inbox;
use crate::error::Result;
use crate::ipc::{
    BudgetHealth, EngineHealth, ImportHealth, MessagesAccess, SyncHealth, TokenHealth,
};
use crate::store::{accounts, chat_failures, cursors, health};
use crate::sync::AccountState;

fn text(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Inbox {
    /// The health of every account's sync (or of one): the running engine's state, times,
    /// tokens and request budget, with the chats that fail to read and the conversations
    /// Mercado Libre blocked, from the cache.
    pub async fn sync_health(&self, account: Option<i64>) -> Result<Vec<SyncHealth>> {
        let now = self.now();
        let cached = self
            .store
            .read_async(move |c| {
                let mut out = Vec::new();
                for a in accounts::list(c)? {
                    if account.is_some_and(|id| id != a.id) {
                        continue;
                    }
                    let imported =
                        cursors::get(c, a.id, crate::sync::cursor::IMPORT_DONE)?.is_some();
                    let failing = chat_failures::list(c, Some(a.id))?;
                    let blocked = health::blocked_groups(c, a.id)?;
                    let closing = health::closing(c, a.id, now)?;
                    out.push((a, imported, failing, blocked, closing));
                }
                Ok(out)
            })
            .await?;
        let mut report = Vec::with_capacity(cached.len());
        for (a, imported, failing_chats, blocked, closing) in cached {
            let sync = self.sync.account(a.id);
            let state = self.sync.states().get(a.id);
            let schedule = sync.as_ref().map(|s| s.schedule()).unwrap_or_default();
            let token = match &sync {
                Some(s) => match s.client.token_times().await {
                    Ok(times) => times.map(|t| TokenHealth {
                        expires_at: text(t.expires_at),
                        last_refresh: t.last_refresh.map(text),
                    }),
                    Err(err) => {
                        tracing::warn!(account = a.id, %err, "could not read the token's times");
                        None
                    }
                },
                None => None,
            };
            let budget = sync.as_ref().map(|s| {
                let used = s.client.budget_use();
                BudgetHealth {
                    reads_last_minute: used.reads_last_minute,
                    reads_per_minute: used.reads_per_minute,
                    writes_last_minute: used.writes_last_minute,
                    writes_per_minute: used.writes_per_minute,
                }
            });
            let (done, total) = match &state {
                Some(AccountState::Syncing { done, total }) if !imported => (*done, *total),
                _ => (0, 0),
            };
            let engine = match (&state, &sync) {
                (Some(AccountState::AuthExpired), _) => EngineHealth::AuthExpired,
                (_, None) | (None, _) => EngineHealth::Stopped,
                (Some(AccountState::Starting), _) => EngineHealth::Starting,
                (Some(AccountState::Syncing { done, total }), _) => EngineHealth::Syncing {
                    done: *done,
                    total: *total,
                },
                (Some(AccountState::Online { .. }), _) => EngineHealth::Online,
                (Some(AccountState::Offline { since }), _) => EngineHealth::Offline {
                    since: text(*since),
                },
                (Some(AccountState::MessagesRefused { .. }), _) => EngineHealth::MessagesRefused,
            };
            let messages = match state {
                Some(AccountState::Online { .. }) => MessagesAccess::Allowed,
                Some(AccountState::MessagesRefused { .. }) => MessagesAccess::Refused,
                _ => MessagesAccess::Unknown,
            };
            let running = matches!(
                engine,
                EngineHealth::Online | EngineHealth::MessagesRefused | EngineHealth::Offline { .. }
            );
            report.push(SyncHealth {
                account_id: a.id,
                nickname: a.nickname,
                site_id: a.site_id,
                engine,
                last_success: schedule.last_success.map(text),
                // Between passes only: during one, the next is not planned yet.
                next_poll: schedule.next_pass.filter(|_| running).map(text),
                import: ImportHealth {
                    finished: imported,
                    done,
                    total,
                },
                token,
                budget,
                messages,
                failing_chats,
                blocked,
                closing,
            });
        }
        Ok(report)
    }
}
