//! The request budget: Mercado Libre allows an application 500 reads and 500 writes a minute
//! (messaging), shared by everything the app does. A token bucket per kind keeps us under a
//! configurable share of that, and the seller's own actions go before background sync.

use std::collections::VecDeque;
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

/// How much of the budget the last minute used: requests granted in the last 60 seconds of
/// each kind, beside the configured limits (the application's, shared by every account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetUse {
    pub reads_last_minute: u32,
    pub reads_per_minute: u32,
    pub writes_last_minute: u32,
    pub writes_per_minute: u32,
}

/// The window [`BudgetUse`] counts over.
const USE_WINDOW: Duration = Duration::from_secs(60);

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

    pub(crate) fn usage(&self) -> BudgetUse {
        let now = Instant::now();
        BudgetUse {
            reads_last_minute: self.reads.used_at(now),
            reads_per_minute: self.reads.per_minute,
            writes_last_minute: self.writes.used_at(now),
            writes_per_minute: self.writes.per_minute,
        }
    }
}

struct Bucket {
    per_minute: u32,
    per_second: f64,
    capacity: f64,
    // Never held across an await, so a plain mutex; it lets a cancelled waiter deregister in Drop.
    state: Mutex<BucketState>,
}

struct BucketState {
    tokens: f64,
    refilled_at: Instant,
    interactive_waiting: usize,
    // When each request of the last minute was granted (at most a burst plus a minute's
    // refill, so the queue stays small).
    granted: VecDeque<Instant>,
}

impl BucketState {
    fn forget_before(&mut self, now: Instant) {
        while self
            .granted
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= USE_WINDOW)
        {
            self.granted.pop_front();
        }
    }
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
    fn new(limit: u32) -> Self {
        let per_minute = f64::from(limit.max(1));
        let capacity = (per_minute / 10.0).max(1.0);
        Bucket {
            per_minute: limit,
            per_second: per_minute / 60.0,
            capacity,
            state: Mutex::new(BucketState {
                tokens: capacity,
                refilled_at: Instant::now(),
                interactive_waiting: 0,
                granted: VecDeque::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, BucketState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts an interactive caller as waiting until the returned guard is dropped.
    fn interactive_waiter(&self) -> InteractiveWaiter<'_> {
        self.lock().interactive_waiting += 1;
        InteractiveWaiter { bucket: self }
    }

    /// The bucket at `now`: refills it for the time since the last look, then takes a token if
    /// the caller may have one (background work steps aside while the seller waits). Otherwise
    /// says how long to wait before looking again. The clock is a parameter so that the
    /// arithmetic is tested without waiting.
    fn take_at(&self, now: Instant, interactive: bool) -> Result<(), Duration> {
        let mut s = self.lock();
        let elapsed = now.saturating_duration_since(s.refilled_at).as_secs_f64();
        s.tokens = (s.tokens + elapsed * self.per_second).min(self.capacity);
        s.refilled_at = s.refilled_at.max(now);
        let may_take = interactive || s.interactive_waiting == 0;
        if may_take && s.tokens >= 1.0 {
            s.tokens -= 1.0;
            s.forget_before(now);
            s.granted.push_back(now);
            return Ok(());
        }
        let missing = (1.0 - s.tokens).max(0.0);
        // A budget of zero per minute divides by zero: wait a minute, never panic.
        let until_token = Duration::try_from_secs_f64(missing / self.per_second)
            .unwrap_or(Duration::from_secs(60));
        // Background callers recheck soon in case the interactive queue drained.
        Err(if may_take {
            until_token
        } else {
            until_token.max(Duration::from_millis(5))
        })
    }

    /// Requests granted in the minute before `now`.
    fn used_at(&self, now: Instant) -> u32 {
        let mut s = self.lock();
        s.forget_before(now);
        u32::try_from(s.granted.len()).unwrap_or(u32::MAX)
    }

    async fn acquire(&self, priority: Priority) {
        let interactive = priority == Priority::Interactive;
        // Dropped on return, or with this future if the seller gives up first.
        let _waiting = interactive.then(|| self.interactive_waiter());
        loop {
            match self.take_at(Instant::now(), interactive) {
                Ok(()) => return,
                Err(wait) => tokio::time::sleep(wait.max(Duration::from_micros(200))).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    // The bucket's arithmetic is checked at given instants, never by how long a test took.

    fn at(start: Instant, millis: u64) -> Instant {
        start + Duration::from_millis(millis)
    }

    /// How many tokens `bucket` hands out at `now`, taking them all.
    fn drain(bucket: &Bucket, now: Instant, interactive: bool) -> usize {
        let mut taken = 0;
        while bucket.take_at(now, interactive).is_ok() {
            taken += 1;
        }
        taken
    }

    #[test]
    fn usage_counts_the_requests_of_the_last_minute() {
        let bucket = Bucket::new(600);
        let t0 = bucket.lock().refilled_at;
        assert_eq!(bucket.used_at(t0), 0);
        assert_eq!(drain(&bucket, t0, false), 60);
        assert!(bucket.take_at(at(t0, 30_000), false).is_ok());
        assert_eq!(bucket.used_at(at(t0, 30_000)), 61);
        // A minute after the burst only the later request still counts.
        assert_eq!(bucket.used_at(at(t0, 60_000)), 1);
        assert_eq!(bucket.used_at(at(t0, 90_000)), 0);
    }

    #[test]
    fn a_burst_is_spread_at_the_configured_rate() {
        // 600/min = 10/s with a burst of 60.
        let bucket = Bucket::new(600);
        let t0 = bucket.lock().refilled_at;
        assert_eq!(drain(&bucket, t0, false), 60, "the burst is free");
        // The next token comes after 100 ms, not before.
        let wait = bucket.take_at(t0, false).expect_err("empty");
        assert!(
            wait > Duration::from_millis(99) && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        assert!(bucket.take_at(at(t0, 90), false).is_err());
        assert!(bucket.take_at(at(t0, 110), false).is_ok());
        // Two seconds bring 20 tokens; an hour brings no more than the burst.
        assert_eq!(drain(&bucket, at(t0, 2_150), false), 20);
        assert_eq!(drain(&bucket, at(t0, 3_600_000), false), 60);
    }

    #[test]
    fn reads_and_writes_have_separate_budgets() {
        let budget = Budget::new(RateBudget {
            reads_per_minute: 60,
            writes_per_minute: 120,
        });
        let t0 = budget.reads.lock().refilled_at;
        assert_eq!(drain(&budget.reads, t0, false), 6);
        assert_eq!(drain(&budget.writes, t0, false), 12, "reads took no write");
    }

    #[test]
    fn interactive_requests_jump_the_queue() {
        // 1,200/min = 20/s: a token every 50 ms.
        let bucket = Bucket::new(1200);
        let t0 = bucket.lock().refilled_at;
        drain(&bucket, t0, false);
        let seller = bucket.interactive_waiter();
        // A token is there, and the seller is waiting: background work steps aside.
        let wait = bucket
            .take_at(at(t0, 60), false)
            .expect_err("background waits");
        assert!(wait >= Duration::from_millis(5), "{wait:?}");
        assert!(
            bucket.take_at(at(t0, 60), true).is_ok(),
            "the seller's turn"
        );
        drop(seller);
        assert!(
            bucket.take_at(at(t0, 120), false).is_ok(),
            "then background's"
        );
    }

    #[tokio::test]
    async fn a_cancelled_interactive_wait_does_not_stall_background_work() {
        let bucket = Bucket::new(600);
        // Drained an hour ahead, so no token comes while the test runs, however slowly.
        let ahead = Instant::now() + Duration::from_secs(3600);
        drain(&bucket, ahead, false);
        // The seller asks, must wait, and gives up: the future is polled once, then dropped.
        let mut asked = Box::pin(bucket.acquire(Priority::Interactive));
        assert!((&mut asked).now_or_never().is_none(), "no token yet");
        assert_eq!(bucket.lock().interactive_waiting, 1);
        drop(asked);
        assert_eq!(bucket.lock().interactive_waiting, 0);
        // Background work gets the next token as if the seller had never asked.
        assert!(bucket
            .take_at(ahead + Duration::from_secs(1), false)
            .is_ok());
    }
}
