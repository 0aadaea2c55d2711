//! Every request the simulator served, so tests and benchmarks can count calls per endpoint and
//! check when they arrived (for example that a client waited out `Retry-After`).

use std::collections::{BTreeMap, VecDeque};
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
    /// The application (client id) and the user the bearer token was issued to, when one
    /// came: Mercado Libre counts its limits per application, whichever seller asks.
    #[serde(default)]
    pub application: Option<u64>,
    #[serde(default)]
    pub user: Option<u64>,
}

impl LoggedRequest {
    /// A read as Mercado Libre's limits count them (GET).
    pub fn is_read(&self) -> bool {
        self.method == "GET"
    }
}

/// Entries kept; older ones drop off so a long demo session does not grow without bound.
/// Counts are kept apart and never drop.
const KEPT: usize = 200_000;

#[derive(Debug, Default)]
struct Log {
    entries: VecDeque<LoggedRequest>,
    counts: BTreeMap<String, u64>,
}

#[derive(Debug)]
pub struct RequestLog {
    started: Instant,
    log: Mutex<Log>,
}

impl RequestLog {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            log: Mutex::new(Log::default()),
        }
    }

    pub fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn push(&self, entry: LoggedRequest) {
        let mut log = self.lock();
        *log.counts.entry(entry.endpoint.clone()).or_insert(0) += 1;
        if log.entries.len() == KEPT {
            log.entries.pop_front();
        }
        log.entries.push_back(entry);
    }

    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.lock().entries.iter().cloned().collect()
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.lock().counts.clone()
    }

    pub fn clear(&self) {
        *self.lock() = Log::default();
    }
}
