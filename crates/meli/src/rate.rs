//! The request budget: Mercado Libre allows an application 500 reads and 500 writes a minute
//! (messaging), shared by everything the app does. A token bucket per kind keeps us under a
//! configurable share of that, and the seller's own actions go before background sync.

use std::time::{Duration, Instant};

use std::sync::{Mutex, MutexGuard};

/// Which budget a request draws from. Mercado Libre counts GETs and POST/PUTs separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    Read,
    Write,
}

/// Who is waiting for the answer: the seller (first in line) or background sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Priority {
    Interactive,
    #[default]
    Background,
}

/// Requests per minute for each kind. The burst is a tenth of the rate, so that a full bucket
/// plus a minute of refill still stays under the server's per-minute limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateBudget {
    pub reads_per_minute: u32,
    pub writes_per_minute: u32,
}

impl Default for RateBudget {
    /// 80% of the documented 500 requests a minute, each kind.
    fn default() -> Self {
        RateBudget {
            reads_per_minute: 400,
            writes_per_minute: 400,
        }
    }
}

pub(crate) struct Budget {
    reads: Bucket,
    writes: Bucket,
}

impl Budget {
    pub(crate) fn new(cfg: RateBudget) -> Self {
        Budget {
            reads: Bucket::new(cfg.reads_per_minute),
            writes: Bucket::new(cfg.writes_per_minute),
        }
    }

    /// Waits until a request of `kind` may go.
    pub(crate) async fn acquire(&self, kind: RequestKind, priority: Priority) {
        match kind {
            RequestKind::Read => self.reads.acquire(priority).await,
            RequestKind::Write => self.writes.acquire(priority).await,
        }
    }
}

struct Bucket {
    per_second: f64,
    capacity: f64,
    // Never held across an await, so a plain mutex; it lets a cancelled waiter deregister in Drop.
    state: Mutex<BucketState>,
}

struct BucketState {
    tokens: f64,
    refilled_at: Instant,
    interactive_waiting: usize,
}

/// Counts an interactive caller as waiting for as long as it exists, even if the caller's
/// future is dropped mid-wait (the seller closed the chat), so background work never stalls
/// behind a waiter that left.
struct InteractiveWaiter<'a> {
    bucket: &'a Bucket,
}

impl Drop for InteractiveWaiter<'_> {
    fn drop(&mut self) {
        let mut s = self.bucket.lock();
        s.interactive_waiting = s.interactive_waiting.saturating_sub(1);
    }
}

impl Bucket {
    fn new(per_minute: u32) -> Self {
        let per_minute = f64::from(per_minute.max(1));
        let capacity = (per_minute / 10.0).max(1.0);
        Bucket {
            per_second: per_minute / 60.0,
            capacity,
            state: Mutex::new(BucketState {
                tokens: capacity,
                refilled_at: Instant::now(),
                interactive_waiting: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BucketState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn acquire(&self, priority: Priority) {
        let interactive = priority == Priority::Interactive;
        let mut waiter: Option<InteractiveWaiter<'_>> = None;
        loop {
            let wait = {
                let mut s = self.lock();
                let now = Instant::now();
                let elapsed = now.duration_since(s.refilled_at).as_secs_f64();
                s.tokens = (s.tokens + elapsed * self.per_second).min(self.capacity);
                s.refilled_at = now;
                // Background requests step aside while the seller is waiting.
                let may_take = interactive || s.interactive_waiting == 0;
                if may_take && s.tokens >= 1.0 {
                    s.tokens -= 1.0;
                    drop(s);
                    drop(waiter);
                    return;
                }
                if interactive && waiter.is_none() {
                    s.interactive_waiting += 1;
                    waiter = Some(InteractiveWaiter { bucket: self });
                }
                let missing = (1.0 - s.tokens).max(0.0);
                // A budget of zero per minute divides by zero: wait a minute, never panic.
                let until_token = Duration::try_from_secs_f64(missing / self.per_second)
                    .unwrap_or(Duration::from_secs(60));
                // Background callers recheck soon in case the interactive queue drained.
                if may_take {
                    until_token
                } else {
                    until_token.max(Duration::from_millis(5))
                }
            };
            tokio::time::sleep(wait.max(Duration::from_micros(200))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_burst_is_spread_at_the_configured_rate() {
        // 600/min = 10/s with a burst of 60: 80 requests need about 2 s of refill.
        let budget = Budget::new(RateBudget {
            reads_per_minute: 600,
            writes_per_minute: 600,
        });
        let start = Instant::now();
        for _ in 0..80 {
            budget
                .acquire(RequestKind::Read, Priority::Background)
                .await;
        }
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(1800), "{took:?}");
        assert!(took < Duration::from_secs(4), "{took:?}");
    }

    #[tokio::test]
    async fn reads_and_writes_have_separate_budgets() {
        let budget = Budget::new(RateBudget {
            reads_per_minute: 60,
            writes_per_minute: 60,
        });
        let start = Instant::now();
        for _ in 0..6 {
            budget
                .acquire(RequestKind::Read, Priority::Background)
                .await;
            budget
                .acquire(RequestKind::Write, Priority::Background)
                .await;
        }
        assert!(
            start.elapsed() < Duration::from_millis(200),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn interactive_requests_jump_the_queue() {
        // 1,200/min = 20/s with a burst of 120; drain the burst first.
        let budget = Arc::new(Budget::new(RateBudget {
            reads_per_minute: 1200,
            writes_per_minute: 1200,
        }));
        for _ in 0..120 {
            budget
                .acquire(RequestKind::Read, Priority::Background)
                .await;
        }
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..10 {
            let (b, o) = (budget.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                b.acquire(RequestKind::Read, Priority::Background).await;
                o.lock().expect("lock").push(format!("bg{i}"));
            }));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        let (b, o) = (budget.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            b.acquire(RequestKind::Read, Priority::Interactive).await;
            o.lock().expect("lock").push("seller".to_owned());
        }));
        for t in tasks {
            t.await.expect("task");
        }
        let order = order.lock().expect("lock").clone();
        let pos = order.iter().position(|x| x == "seller").expect("served");
        assert!(
            pos <= 2,
            "the seller waited behind background work: {order:?}"
        );
    }

    #[tokio::test]
    async fn a_cancelled_interactive_wait_does_not_stall_background_work() {
        let budget = Budget::new(RateBudget {
            reads_per_minute: 600,
            writes_per_minute: 600,
        });
        for _ in 0..60 {
            budget
                .acquire(RequestKind::Read, Priority::Background)
                .await;
        }
        // The seller gives up before a token arrives.
        let gave_up = tokio::time::timeout(
            Duration::from_millis(20),
            budget.acquire(RequestKind::Read, Priority::Interactive),
        )
        .await;
        assert!(gave_up.is_err(), "no token should have been free yet");
        tokio::time::timeout(
            Duration::from_secs(1),
            budget.acquire(RequestKind::Read, Priority::Background),
        )
        .await
        .expect("background work stalled behind a waiter that left");
    }
}
