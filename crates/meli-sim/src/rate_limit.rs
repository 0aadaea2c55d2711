//! Requests per minute per application, reads and writes counted apart, over a sliding window of
//! real time (rate limits are about wall-clock bursts, not the simulated calendar).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimit;

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
struct Window {
    reads: VecDeque<Instant>,
    writes: VecDeque<Instant>,
}

#[derive(Debug)]
pub struct RateLimiter {
    limit: Mutex<Option<RateLimit>>,
    window: Mutex<Window>,
}

impl RateLimiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        Self {
            limit: Mutex::new(limit),
            window: Mutex::new(Window::default()),
        }
    }

    pub fn set(&self, limit: Option<RateLimit>) {
        *self.limit.lock().unwrap_or_else(|e| e.into_inner()) = limit;
        *self.window.lock().unwrap_or_else(|e| e.into_inner()) = Window::default();
    }

    /// Counts one request, or says how long to wait (for `Retry-After`) when the window is full.
    /// Refused requests are not counted, as a client that waits must get through.
    pub fn admit(&self, write: bool) -> Result<(), Duration> {
        let Some(limit) = *self.limit.lock().unwrap_or_else(|e| e.into_inner()) else {
            return Ok(());
        };
        let now = Instant::now();
        let mut window = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let (queue, max) = if write {
            (&mut window.writes, limit.writes_per_minute)
        } else {
            (&mut window.reads, limit.reads_per_minute)
        };
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            queue.pop_front();
        }
        if queue.len() >= max as usize {
            let oldest = queue.front().copied().unwrap_or(now);
            return Err(WINDOW.saturating_sub(now.duration_since(oldest)));
        }
        queue.push_back(now);
        Ok(())
    }
}
