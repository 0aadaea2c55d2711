//! The pass's "what is due" questions that read every lead or question of the account (which
//! shipments to read, which leads' listings to queue, which askers to look up) are asked only
//! when their answer can have changed: something they read changed since they were last
//! answered, or a time they named has come. An idle pass asks none of them (at 20,000 leads
//! the shipments' question alone reads every paid lead's orders: about 25 ms).
//!
//! Changes are counted, not flagged: a question takes the count before it reads, so a change
//! made while it runs still makes the next pass ask again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// How many times something a question reads has changed.
#[derive(Debug, Default)]
pub(crate) struct Changes(AtomicU64);

impl Changes {
    pub(crate) fn touch(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// One question's last full answer.
#[derive(Debug, Default)]
pub(crate) struct DueCheck(Mutex<Answered>);

#[derive(Debug, Default, Clone, Copy)]
struct Answered {
    /// The count of changes the last full answer saw; `None` before the first.
    seen: Option<u64>,
    /// When something becomes due without any change (a shipment's next read).
    wake_at: Option<DateTime<Utc>>,
}

/// A question being asked: hand it back to [`DueCheck::settled`] once everything it found is
/// handled. Dropped unsettled (an error, or more found than one pass takes), the next pass
/// asks again.
#[derive(Debug, Clone, Copy)]
#[must_use]
pub(crate) struct Asking(u64);

impl DueCheck {
    /// `Some` when the question must be asked now.
    pub(crate) fn begin(&self, changes: &Changes, now: DateTime<Utc>) -> Option<Asking> {
        // Read first: a change counted after this is seen by the next pass.
        let count = changes.count();
        let last = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        let due = last.seen != Some(count) || last.wake_at.is_some_and(|t| t <= now);
        due.then_some(Asking(count))
    }

    /// Everything the question found is handled; nothing more is due before `wake_at` unless
    /// something changes.
    pub(crate) fn settled(&self, asking: Asking, wake_at: Option<DateTime<Utc>>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Answered {
            seen: Some(asking.0),
            wake_at,
        };
    }
}

/// A question about a list Mercado Libre sent as well as the cache: which of the unread
/// list's counts differ from the cache's. When it last found none, the same list with
/// nothing it reads changed since finds none again, so it is not asked (at 500 unread chats
/// the comparison is 1,000 index lookups, a fifth of an idle pass).
#[derive(Debug)]
pub(crate) struct QuietList<T>(Mutex<Option<(T, u64)>>);

impl<T> Default for QuietList<T> {
    fn default() -> Self {
        QuietList(Mutex::new(None))
    }
}

impl<T: PartialEq> QuietList<T> {
    /// `Some` when the question must be asked of `list`.
    pub(crate) fn begin(&self, list: &T, changes: &Changes) -> Option<Asking> {
        // Read first: a change counted after this is seen by the next pass.
        let count = changes.count();
        let last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let quiet = last
            .as_ref()
            .is_some_and(|(seen, at)| *at == count && seen == list);
        (!quiet).then_some(Asking(count))
    }

    /// What the question found: only "nothing" is remembered; anything found is asked again.
    pub(crate) fn answered(&self, asking: Asking, list: T, found_any: bool) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
            (!found_any).then_some((list, asking.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 12, minute, 0).unwrap()
    }

    #[test]
    fn asked_at_first_then_only_after_a_change_or_its_time() {
        let (changes, check) = (Changes::default(), DueCheck::default());
        let asking = check.begin(&changes, at(0)).expect("the first pass asks");
        check.settled(asking, Some(at(30)));
        assert!(check.begin(&changes, at(1)).is_none(), "nothing changed");
        assert!(check.begin(&changes, at(29)).is_none());
        let asking = check.begin(&changes, at(30)).expect("its time came");
        check.settled(asking, None);
        assert!(check.begin(&changes, at(59)).is_none(), "no time named");
        changes.touch();
        assert!(check.begin(&changes, at(59)).is_some(), "something changed");
    }

    #[test]
    fn a_change_while_asking_is_not_lost() {
        let (changes, check) = (Changes::default(), DueCheck::default());
        let asking = check.begin(&changes, at(0)).expect("asks");
        changes.touch();
        check.settled(asking, None);
        assert!(check.begin(&changes, at(1)).is_some());
    }

    #[test]
    fn an_unsettled_question_is_asked_again() {
        let (changes, check) = (Changes::default(), DueCheck::default());
        let asking = check.begin(&changes, at(0)).expect("asks");
        check.settled(asking, None);
        changes.touch();
        let _more_than_a_pass_takes = check.begin(&changes, at(1)).expect("asks");
        assert!(check.begin(&changes, at(2)).is_some());
    }

    #[test]
    fn a_list_that_found_nothing_is_not_compared_again_until_it_or_the_cache_changes() {
        let (changes, quiet) = (Changes::default(), QuietList::default());
        let asking = quiet
            .begin(&vec![1, 2], &changes)
            .expect("the first pass compares");
        quiet.answered(asking, vec![1, 2], false);
        assert!(
            quiet.begin(&vec![1, 2], &changes).is_none(),
            "same list, same cache"
        );
        let asking = quiet.begin(&vec![1, 3], &changes).expect("another list");
        quiet.answered(asking, vec![1, 3], false);
        changes.touch();
        let asking = quiet
            .begin(&vec![1, 3], &changes)
            .expect("the cache changed");
        quiet.answered(asking, vec![1, 3], true);
        assert!(
            quiet.begin(&vec![1, 3], &changes).is_some(),
            "what was found is compared again until it is read"
        );
    }

    #[test]
    fn a_change_while_comparing_is_not_lost() {
        let (changes, quiet) = (Changes::default(), QuietList::default());
        let asking = quiet.begin(&vec![7], &changes).expect("compares");
        changes.touch();
        quiet.answered(asking, vec![7], false);
        assert!(quiet.begin(&vec![7], &changes).is_some());
    }
}
