//! When and how long to wait before trying a request again.

use std::time::Duration;

use rand::Rng;

use crate::MeliError;

/// Capped exponential backoff with jitter. Applies to reads and other idempotent requests only;
/// sending a message is never retried blindly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Total tries, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited out here: the error goes to the caller,
    /// whose sync loop can schedule the next pass instead of holding a request open.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// How long to wait before try number `attempt + 1` after `error`, or `None` to give up.
    /// `attempt` counts from 1.
    pub fn delay_after(&self, attempt: u32, error: &MeliError) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        match error {
            MeliError::RateLimited {
                retry_after: Some(wait),
            } => (*wait <= self.max_retry_after).then_some(*wait),
            MeliError::RateLimited { retry_after: None }
            | MeliError::Server { .. }
            | MeliError::Network(_) => Some(self.backoff(attempt)),
            _ => None,
        }
    }

    /// The wait before try number `attempt + 1` of a request: see [`backoff`].
    pub fn backoff(&self, attempt: u32) -> Duration {
        backoff(attempt, self.base_delay, self.max_delay)
    }
}

/// Between half and all of `base * 2^(attempt-1)`, capped at `max`; `attempt` counts from 1.
/// The jitter keeps clients that failed together (every desktop that lost the network) from
/// coming back at the same instant. The one formula for waiting after a failure: the client
/// uses it between tries of a request, the sync engine between failed passes.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(20)));
    let capped = exp.min(max);
    let jitter: f64 = rand::rng().random_range(0.5..=1.0);
    capped.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            max_retry_after: Duration::from_secs(5),
        };
        for _ in 0..50 {
            let d1 = p.backoff(1);
            assert!(
                d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
                "{d1:?}"
            );
            let d3 = p.backoff(3);
            assert!(
                d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400),
                "{d3:?}"
            );
            let d9 = p.backoff(9);
            assert!(
                d9 >= Duration::from_millis(350) && d9 <= Duration::from_millis(700),
                "{d9:?}"
            );
        }
    }

    #[test]
    fn honours_retry_after_and_gives_up_on_meaningful_errors() {
        let p = RetryPolicy::default();
        let limited = MeliError::RateLimited {
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(p.delay_after(1, &limited), Some(Duration::from_secs(2)));
        let too_long = MeliError::RateLimited {
            retry_after: Some(Duration::from_secs(3600)),
        };
        assert_eq!(p.delay_after(1, &too_long), None);
        let server = MeliError::Server {
            status: 503,
            message: String::new(),
        };
        assert!(p.delay_after(1, &server).is_some());
        assert_eq!(p.delay_after(4, &server), None, "attempts are bounded");
        assert!(p
            .delay_after(1, &MeliError::Network("reset".into()))
            .is_some());
        assert_eq!(
            p.delay_after(
                1,
                &MeliError::NotFound {
                    message: String::new()
                }
            ),
            None
        );
        assert_eq!(p.delay_after(1, &MeliError::decode("eof", b"{")), None);
        assert_eq!(RetryPolicy::none().delay_after(1, &server), None);
    }
}
