//! When a paging loop stops, whatever `paging.total` says: on a page that brings no id not
//! seen before (an API that answers the same page for any offset), or after `total / limit
//! + 2` pages counted from the first page's `total` (one that keeps inventing new ones).

use std::collections::HashSet;
use std::hash::Hash;

#[derive(Debug)]
pub(crate) struct Paging<T> {
    seen: HashSet<T>,
    pages: u64,
    max_pages: Option<u64>,
    stale: bool,
}

impl<T> Default for Paging<T> {
    fn default() -> Self {
        Paging {
            seen: HashSet::new(),
            pages: 0,
            max_pages: None,
            stale: false,
        }
    }
}

impl<T: Eq + Hash + Clone> Paging<T> {
    /// Takes one page's ids (and the `total` it reported, and the page size asked) and
    /// returns those not seen before.
    pub fn take(&mut self, ids: impl IntoIterator<Item = T>, total: u64, limit: u32) -> HashSet<T> {
        self.pages = self.pages.saturating_add(1);
        let max = *self
            .max_pages
            .get_or_insert_with(|| total.div_ceil(u64::from(limit.max(1))).saturating_add(2));
        let mut fresh = HashSet::new();
        let mut any = false;
        for id in ids {
            any = true;
            if self.seen.insert(id.clone()) {
                fresh.insert(id);
            }
        }
        self.stale = (any && fresh.is_empty()) || self.pages >= max;
        fresh
    }

    /// The loop must stop: the last page brought nothing new, or the pages ran out.
    pub fn exhausted(&self) -> bool {
        self.stale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_page_stops_the_loop() {
        let mut paging = Paging::default();
        let fresh = paging.take([1, 2, 3], 1_000_000_000, 3);
        assert_eq!(fresh.len(), 3);
        assert!(!paging.exhausted());
        assert!(paging.take([1, 2, 3], 1_000_000_000, 3).is_empty());
        assert!(paging.exhausted());
    }

    #[test]
    fn pages_beyond_total_plus_two_stop_the_loop() {
        let mut paging = Paging::default();
        // total 4, limit 2: two pages, and two more at most.
        for page in 0..3 {
            paging.take([page * 10, page * 10 + 1], 4, 2);
            assert!(!paging.exhausted(), "page {page}");
        }
        paging.take([100, 101], 999, 2);
        assert!(paging.exhausted());
    }
}
