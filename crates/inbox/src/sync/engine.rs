//! The loop of one account: a timer and a command channel in one `select!`. A pass imports
//! (until the first import is done), sends the outbox, then polls. A failed pass backs off
//! with jitter; an authorization Mercado Libre refuses for good disables the account and
//! ends the loop, its cached data left readable.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Instant};

use super::account::AccountSync;
use super::import::is_auth;
use super::state::AccountState;
use crate::error::Result;
use crate::store::accounts;

/// Someone waiting for the end of a pass that started after they asked.
type Waiter = oneshot::Sender<AccountState>;

#[derive(Debug)]
enum Command {
    SyncNow(Option<Waiter>),
    Shutdown(oneshot::Sender<()>),
}

/// A running engine. Dropping it leaves the task running until the runtime ends; call
/// [`SyncHandle::shutdown`] to stop it cleanly.
#[derive(Debug)]
pub struct SyncHandle {
    sync: Arc<AccountSync>,
    commands: mpsc::Sender<Command>,
    task: JoinHandle<()>,
}

impl SyncHandle {
    /// Starts the loop; the first pass runs at once.
    pub fn start(sync: Arc<AccountSync>) -> SyncHandle {
        // Room for a few requests; more "sync now"s than that while busy mean the same thing.
        let (commands, receiver) = mpsc::channel(8);
        sync.report(AccountState::Starting);
        let task = tokio::spawn(run(sync.clone(), receiver));
        SyncHandle {
            sync,
            commands,
            task,
        }
    }

    pub fn account(&self) -> &Arc<AccountSync> {
        &self.sync
    }

    /// Asks for a pass now (after a send, or the seller's "sync now").
    pub fn sync_now(&self) {
        let _ = self.commands.try_send(Command::SyncNow(None));
    }

    /// Asks for a pass and waits for it: one that started after this call. Returns the
    /// account's state after it, `None` if the engine stopped first.
    pub fn sync_and_wait(&self) -> impl std::future::Future<Output = Option<AccountState>> {
        let commands = self.commands.clone();
        async move {
            let (waiter, done) = oneshot::channel();
            commands.send(Command::SyncNow(Some(waiter))).await.ok()?;
            done.await.ok()
        }
    }

    /// Whether the loop ended (stopped, or the authorization was refused).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Stops the loop, abandoning a pass in progress between two writes (every write is a
    /// committed page, so the next start resumes from the cursors).
    pub async fn shutdown(self) {
        let (done, wait) = oneshot::channel();
        if self.commands.send(Command::Shutdown(done)).await.is_ok() {
            let _ = wait.await;
        }
        let _ = self.task.await;
    }
}

/// A shutdown received while a pass runs.
struct Stop(Option<oneshot::Sender<()>>);

async fn run(sync: Arc<AccountSync>, mut commands: mpsc::Receiver<Command>) {
    let mut next = Instant::now();
    let mut failures = 0u32;
    let mut offline_since = None;
    // Waiters for the next pass to start; those of the running pass are in `current`.
    let mut waiting: Vec<Waiter> = Vec::new();
    loop {
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::SyncNow(waiter)) => waiting.extend(waiter),
                Some(Command::Shutdown(done)) => { let _ = done.send(()); return; }
                None => return,
            },
            _ = sleep_until(next) => {}
        }
        // A pass, interruptible by shutdown; "sync now" during a pass asks for another.
        let current = std::mem::take(&mut waiting);
        let mut again = false;
        let outcome = {
            let pass = pass(&sync);
            tokio::pin!(pass);
            loop {
                tokio::select! {
                    result = &mut pass => break Ok(result),
                    command = commands.recv() => match command {
                        Some(Command::SyncNow(waiter)) => {
                            again = true;
                            waiting.extend(waiter);
                        }
                        Some(Command::Shutdown(done)) => break Err(Stop(Some(done))),
                        None => break Err(Stop(None)),
                    },
                }
            }
        };
        let result = match outcome {
            Ok(result) => result,
            Err(Stop(done)) => {
                sync.flush(true);
                if let Some(done) = done {
                    let _ = done.send(());
                }
                return;
            }
        };
        match result {
            Ok(()) => {
                failures = 0;
                offline_since = None;
                if sync.messages_refused_for_app() {
                    // Orders and the board are up to date; the chats wait for the seller to
                    // give the application the Messages permission (then "Retry").
                    sync.forget_refused_chats().await;
                    sync.report(AccountState::MessagesRefused {
                        last_sync: sync.now(),
                    });
                } else {
                    sync.report(AccountState::Online {
                        last_sync: sync.now(),
                    });
                }
                let wait = if again {
                    std::time::Duration::ZERO
                } else {
                    sync.config.interval
                };
                sync.schedule_next(true, wait);
                next = Instant::now() + wait;
            }
            Err(err) if is_auth(&err) => {
                tracing::warn!(account = sync.account_id, %err, "authorization refused; account disabled");
                let (account, now) = (sync.account_id, sync.now());
                if let Err(err) = sync
                    .store
                    .write_async(move |tx| accounts::disable(tx, account, now))
                    .await
                {
                    tracing::error!(%err, "could not record the disabled account");
                }
                sync.report(AccountState::AuthExpired);
                sync.flush(true);
                for waiter in current.into_iter().chain(waiting) {
                    let _ = waiter.send(AccountState::AuthExpired);
                }
                return;
            }
            Err(err) => {
                failures = failures.saturating_add(1);
                let since = *offline_since.get_or_insert_with(|| sync.now());
                let retry_after = match &err {
                    crate::InboxError::Meli(e) => e.retry_after(),
                    _ => None,
                };
                let wait = after_failure(
                    failures,
                    sync.config.backoff_base,
                    sync.config.backoff_max,
                    retry_after,
                );
                tracing::info!(account = sync.account_id, %err, ?wait, "sync pass failed; backing off");
                sync.report(AccountState::Offline { since });
                sync.schedule_next(false, wait);
                next = Instant::now() + wait;
            }
        }
        sync.flush(true);
        if let Some(state) = sync.state() {
            for waiter in current {
                let _ = waiter.send(state.clone());
            }
        }
    }
}

/// The wait after `failures` consecutive failed passes (1 = the first): the client's backoff,
/// or Mercado Libre's `Retry-After` when that is longer, never more than `max`.
fn after_failure(
    failures: u32,
    base: std::time::Duration,
    max: std::time::Duration,
    retry_after: Option<std::time::Duration>,
) -> std::time::Duration {
    let wait = meli::retry::backoff(failures, base, max);
    match retry_after {
        Some(asked) if asked > wait => asked.min(max),
        _ => wait,
    }
}

/// Import until done, then send what waits, then poll.
async fn pass(sync: &AccountSync) -> Result<()> {
    sync.begin_pass();
    sync.import().await?;
    let sent = sync.send_outbox().await?;
    sync.poll().await?;
    sync.sync_questions().await?;
    sync.fetch_listings().await?;
    if sent > 0 {
        // What was just sent may have changed the conversation's state on Mercado Libre.
        sync.send_outbox().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_failed_pass_backs_off_and_honours_retry_after_up_to_the_cap() {
        let (base, max) = (Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..50 {
            let third = after_failure(3, base, max, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = after_failure(30, base, max, None);
            assert!(
                late >= Duration::from_millis(500) && late <= max,
                "{late:?}"
            );
        }
        assert_eq!(
            after_failure(1, base, max, Some(Duration::from_millis(700))),
            Duration::from_millis(700)
        );
        assert_eq!(
            after_failure(1, base, max, Some(Duration::from_secs(60))),
            max
        );
    }
}
