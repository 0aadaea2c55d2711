//! The request budget, measured in the simulator's request log.

use std::time::{Duration, Instant};

use meli::RateBudget;
use meli_sim::RateLimit;

use crate::support::*;

/// The most requests that arrived within any `window_ms` of each other.
fn busiest_window(arrivals: &[u64], window_ms: u64) -> usize {
    let mut best = 0;
    let mut start = 0;
    for end in 0..arrivals.len() {
        while arrivals[end] - arrivals[start] >= window_ms {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[tokio::test]
async fn a_burst_of_2000_reads_stays_within_the_budget() {
    // Scaled up so the test takes seconds: 12,000 reads a minute is 200 a second, with a burst of
    // a tenth of the per-minute figure (1,200). The simulator enforces the full limit the
    // budget is 80% of.
    let sim = sim().await;
    sim.control().set_rate_limit(Some(RateLimit {
        reads_per_minute: 15_000,
        writes_per_minute: 15_000,
    }));
    let mut config = config(&sim);
    config.budget = RateBudget {
        reads_per_minute: 12_000,
        writes_per_minute: 12_000,
    };
    let store = std::sync::Arc::new(meli::auth::MemoryTokenStore::new(Some(issued(
        &sim,
        meli_sim::SELLER_MLA,
    ))));
    let client = client_with(&sim, config, store);

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let c = client.clone();
        tasks.spawn(async move {
            for _ in 0..2000 / 64 + 1 {
                c.me().await.expect("read");
            }
        });
    }
    within("the burst", async {
        while let Some(done) = tasks.join_next().await {
            done.expect("task");
        }
    })
    .await;
    let took = started.elapsed();

    let log = sim.control().requests();
    let mut arrivals: Vec<u64> = log
        .iter()
        .filter(|r| r.path == "/users/me")
        .map(|r| r.elapsed_ms)
        .collect();
    arrivals.sort_unstable();
    assert!(arrivals.len() >= 2000, "{}", arrivals.len());
    assert_eq!(
        log.iter().filter(|r| r.status == 429).count(),
        0,
        "never rate limited"
    );
    // 2,016 reads: 1,200 from the full bucket, the other 816 at 200/s, so at least ~4 s (a
    // lower bound only: a slow machine takes longer, never shorter).
    assert!(
        took >= Duration::from_millis(3_800),
        "the budget did not pace the burst: {took:?}"
    );
    // A token bucket promises at most its capacity plus the refill in any window: 1,200 + 200/s,
    // plus the 64 requests that may be in flight at once arriving together. Unpaced, 2,016 reads
    // would crowd into a second or two.
    for seconds in [1u64, 2, 3] {
        let busiest = busiest_window(&arrivals, seconds * 1_000);
        let allowed = 1_200 + 200 * seconds as usize + 64;
        assert!(
            busiest <= allowed,
            "{busiest} reads within {seconds} s (allowed {allowed})"
        );
    }
}

#[test]
fn busiest_window_counts_a_sliding_window() {
    assert_eq!(busiest_window(&[0, 10, 999, 1000, 1500, 1999], 1000), 3);
    assert_eq!(busiest_window(&[], 1000), 0);
}

#[tokio::test]
async fn two_accounts_of_one_application_share_the_budget() {
    let sim = sim().await;
    let mut cfg = config(&sim);
    // 600/min: a burst of 60, then 10 a second.
    cfg.budget = RateBudget {
        reads_per_minute: 600,
        writes_per_minute: 600,
    };
    let mla = std::sync::Arc::new(meli::auth::MemoryTokenStore::new(Some(issued(
        &sim,
        meli_sim::SELLER_MLA,
    ))));
    let mlb = std::sync::Arc::new(meli::auth::MemoryTokenStore::new(Some(issued(
        &sim,
        meli_sim::SELLER_MLB,
    ))));
    let first = client_with(&sim, cfg.clone(), mla);
    let second = first.for_another_account(cfg, mlb).expect("second account");
    let started = Instant::now();
    let (a, b) = tokio::join!(
        async {
            for _ in 0..40 {
                first.me().await.expect("first account");
            }
        },
        async {
            for _ in 0..40 {
                second.me().await.expect("second account");
            }
        }
    );
    let _ = (a, b);
    // 80 reads from one bucket of 60 need two more seconds of refill; two buckets would not.
    assert!(
        started.elapsed() >= Duration::from_millis(1_800),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        second.me().await.expect("me").id,
        meli_sim::SELLER_MLB as i64
    );
}
