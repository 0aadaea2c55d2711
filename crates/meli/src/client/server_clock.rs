//! Mercado Libre's clock, as its answers' `Date` headers give it. A seller's machine may run
//! minutes fast or slow; whatever compares times with what the server stamped on a message (a
//! send whose answer was lost, for one) reads the server's time from here, never the local one.

use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, DATE};

/// How far back a newer `Date` may go before it is believed over the running estimate (the
/// server's clock was set back): a header has whole seconds, so smaller steps are rounding.
const STEP_BACK_BELIEVED_SECS: i64 = 2;

#[derive(Debug, Default)]
pub(crate) struct ServerClock {
    /// The best reading so far: the server's time, and the monotonic instant it was read at.
    reading: Mutex<Option<(DateTime<Utc>, Instant)>>,
}

impl ServerClock {
    /// Takes the `Date` of an answer (one that cannot be parsed is ignored).
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let Some(date) = headers
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v.trim()).ok())
            .map(|d| d.with_timezone(&Utc))
        else {
            return;
        };
        self.observe_at(date, Instant::now());
    }

    fn observe_at(&self, date: DateTime<Utc>, at: Instant) {
        let mut reading = self.reading.lock().unwrap_or_else(|e| e.into_inner());
        // A header is the server's time truncated to the second, so each one is a lower bound:
        // keep the highest, unless the server's clock clearly went back.
        let keep = match *reading {
            None => true,
            Some(previous) => {
                let estimate = estimate(previous, at);
                date > estimate || (estimate - date).num_seconds() > STEP_BACK_BELIEVED_SECS
            }
        };
        if keep {
            *reading = Some((date, at));
        }
    }

    /// The server's time now, if an answer has told it.
    pub(crate) fn now(&self) -> Option<DateTime<Utc>> {
        let reading = *self.reading.lock().unwrap_or_else(|e| e.into_inner());
        reading.map(|r| estimate(r, Instant::now()))
    }
}

fn estimate((date, read_at): (DateTime<Utc>, Instant), at: Instant) -> DateTime<Utc> {
    let elapsed = at.saturating_duration_since(read_at);
    chrono::Duration::from_std(elapsed)
        .ok()
        .and_then(|e| date.checked_add_signed(e))
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::time::Duration;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn reads_http_dates_and_ignores_garbage() {
        let clock = ServerClock::default();
        let mut headers = HeaderMap::new();
        headers.insert(DATE, "soon".parse().expect("header"));
        clock.observe(&headers);
        assert_eq!(clock.now(), None);
        headers.insert(
            DATE,
            "Fri, 20 Nov 2026 15:00:00 GMT".parse().expect("header"),
        );
        clock.observe(&headers);
        let now = clock.now().expect("known");
        let expected = Utc
            .with_ymd_and_hms(2026, 11, 20, 15, 0, 0)
            .single()
            .expect("valid");
        assert!(now >= expected && now - expected < chrono::Duration::seconds(5));
    }

    fn reading(clock: &ServerClock) -> (DateTime<Utc>, Instant) {
        (*clock.reading.lock().expect("lock")).expect("set")
    }

    #[test]
    fn keeps_the_highest_reading_unless_the_clock_went_back() {
        let clock = ServerClock::default();
        let start = Instant::now();
        clock.observe_at(at(10), start);
        // A second later, a header still saying :10 is rounding: the estimate stays :11.
        let later = start + Duration::from_secs(1);
        clock.observe_at(at(10), later);
        assert_eq!(estimate(reading(&clock), later), at(11));
        // A server set back an hour is believed.
        clock.observe_at(at(10 - 3600), later);
        assert_eq!(estimate(reading(&clock), later), at(10 - 3600));
    }
}
