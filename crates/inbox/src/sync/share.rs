//! A share of the application's read budget for one kind of background read.
//!
//! Mercado Libre allows an application 500 reads a minute, whichever of its sellers asks, and
//! the client's [`meli::Client`] budget (one per application, see [`meli::Applications`])
//! keeps every request under that. Within it, reads that no seller waits for and that could
//! go on for ever (re-reading every active chat, looking up names or pictures) each take a set
//! share, paced by the sync's clock: a kind of read earns `per_minute` reads a minute and
//! spends them on its passes. A long gap (the computer asleep, the account offline) earns at
//! most one minute's worth, so it never turns into a burst.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Reads a minute one kind of background read may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadShare {
    pub per_minute: u32,
}

impl ReadShare {
    /// What it earned between `last` (when it last spent, `None`: never) and `now`: the
    /// share of the time between, at most a minute's; one `pass` worth when it never spent or
    /// the clock went back.
    pub fn credit(&self, last: Option<DateTime<Utc>>, now: DateTime<Utc>, pass: Duration) -> u32 {
        let elapsed = match last {
            Some(last) if last <= now => (now - last).to_std().unwrap_or(Duration::ZERO),
            _ => pass,
        };
        let minute = Duration::from_secs(60);
        let elapsed = elapsed.min(minute);
        let earned = u128::from(self.per_minute) * elapsed.as_millis() / minute.as_millis();
        u32::try_from(earned).unwrap_or(self.per_minute)
    }

    /// Reads a pass `every` apart may take.
    pub fn per_pass(&self, every: Duration) -> u32 {
        self.credit(None, DateTime::<Utc>::MIN_UTC, every)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_share_accrues_by_the_clock_up_to_a_minute() {
        let share = ReadShare { per_minute: 60 };
        let t0 = Utc.with_ymd_and_hms(2026, 11, 20, 15, 0, 0).unwrap();
        let pass = Duration::from_secs(30);
        assert_eq!(share.credit(None, t0, pass), 30, "never spent: one pass");
        assert_eq!(
            share.credit(Some(t0), t0 + chrono::Duration::seconds(30), pass),
            30
        );
        assert_eq!(
            share.credit(Some(t0), t0 + chrono::Duration::seconds(5), pass),
            5
        );
        assert_eq!(
            share.credit(Some(t0), t0 + chrono::Duration::days(2), pass),
            60,
            "a long gap earns a minute at most"
        );
        assert_eq!(
            share.credit(Some(t0 + chrono::Duration::hours(1)), t0, pass),
            30,
            "the clock went back: one pass"
        );
        assert_eq!(share.per_pass(Duration::from_secs(30)), 30);
        assert_eq!(ReadShare { per_minute: 0 }.per_pass(pass), 0);
    }
}
