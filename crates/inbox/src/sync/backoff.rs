//! How long to wait after failed passes: capped exponential growth with jitter, so many
//! desktops that lost the network together do not come back at the same instant.

use std::time::Duration;

use rand::Rng;

/// The wait after `failures` consecutive failed passes (1 = the first). A `Retry-After` from
/// Mercado Libre is honoured when it is longer.
pub fn delay(
    failures: u32,
    base: Duration,
    max: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(20)));
    let capped = exp.min(max);
    let jitter: f64 = rand::rng().random_range(0.5..=1.0);
    let wait = capped.mul_f64(jitter);
    match retry_after {
        Some(asked) if asked > wait => asked.min(max),
        _ => wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_is_capped_jittered_and_honours_retry_after() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for _ in 0..50 {
            let first = delay(1, base, max, None);
            assert!(
                first >= Duration::from_millis(50) && first <= base,
                "{first:?}"
            );
            let third = delay(3, base, max, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            let late = delay(30, base, max, None);
            assert!(
                late >= Duration::from_millis(500) && late <= max,
                "{late:?}"
            );
        }
        assert_eq!(
            delay(1, base, max, Some(Duration::from_millis(700))),
            Duration::from_millis(700)
        );
        assert_eq!(delay(1, base, max, Some(Duration::from_secs(60))), max);
    }
}
