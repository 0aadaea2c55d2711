//! Every request the simulator served, so tests and benchmarks can count calls per endpoint and
//! check when they arrived (for example that a client waited out `Retry-After`).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Real milliseconds since the simulator started (monotonic).
    pub elapsed_ms: u64,
    /// Real wall-clock time of arrival.
    pub at: DateTime<Utc>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Method and route pattern, e.g. `GET /orders/{id}`; what counts are grouped by.
    pub endpoint: String,
    pub status: u16,
    /// The injected fault, if any (`too_many_requests`, `drop_connection`, …).
    pub fault: Option<String>,
}

#[derive(Debug)]
pub struct RequestLog {
    started: Instant,
    entries: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            entries: Mutex::new(Vec::new()),
        }
    }

    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub fn push(&self, entry: LoggedRequest) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    }

    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for e in self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            *counts.entry(e.endpoint.clone()).or_insert(0) += 1;
        }
        counts
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
