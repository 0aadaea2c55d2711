//! The simulated clock: real time from a chosen start, plus whatever the tests have skipped ahead.
//! Token expiry, order dates and attachment clean-up all read it, so a test can make three hours
//! pass in an instant.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug)]
pub struct SimClock {
    start: DateTime<Utc>,
    started: Instant,
    skipped_ms: AtomicI64,
}

impl SimClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            start,
            started: Instant::now(),
            skipped_ms: AtomicI64::new(0),
        }
    }

    /// When the simulated world began; scenarios date their history back from here.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn now(&self) -> DateTime<Utc> {
        let real = TimeDelta::from_std(self.started.elapsed()).unwrap_or(TimeDelta::zero());
        let skipped = TimeDelta::milliseconds(self.skipped_ms.load(Ordering::SeqCst));
        self.start + real + skipped
    }

    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 4);
        self.skipped_ms.fetch_add(ms, Ordering::SeqCst);
    }
}
