//! The connection attempt under way, apart from Tauri so it is tested on its own: Cancel stops
//! it, a paste reaches it, and a newer attempt replaces it. Each attempt has its own number, so
//! an older attempt that ends late can clear only its own slot, never the newer attempt's
//! cancel handle or paste box.

use std::sync::Mutex;

use inbox::sync::connect::{PasteSender, Pasted};
use meli::Secret;
use tokio::sync::oneshot;

type Abort = Box<dyn FnOnce() + Send>;

struct Attempt {
    id: u64,
    abort: Abort,
    paste: PasteSender,
    /// The authorization page, once opened: "Open it again" opens this one, which the webview
    /// never names.
    url: Option<String>,
}

#[derive(Default)]
pub struct PendingConnect {
    slot: Mutex<Option<Attempt>>,
    next_id: Mutex<u64>,
}

/// Why a paste did not reach an attempt.
#[derive(Debug, PartialEq)]
pub enum PasteError {
    /// No connection is waiting for a code.
    NoAttempt,
    /// The attempt refused it (not a code, another attempt's, a denial).
    Refused(String),
}

impl PendingConnect {
    /// Records a new attempt, cancelling the one it supersedes; returns the attempt's number.
    pub fn start(&self, abort: impl FnOnce() + Send + 'static, paste: PasteSender) -> u64 {
        let id = {
            let mut next = self.next_id.lock().unwrap_or_else(|p| p.into_inner());
            *next += 1;
            *next
        };
        let previous = self.lock().replace(Attempt {
            id,
            abort: Box::new(abort),
            paste,
            url: None,
        });
        if let Some(previous) = previous {
            (previous.abort)();
        }
        id
    }

    /// The attempt numbered `id` ended: clears the slot if it is still that attempt's.
    pub fn finish(&self, id: u64) {
        let mut slot = self.lock();
        if slot.as_ref().is_some_and(|a| a.id == id) {
            slot.take();
        }
    }

    /// The attempt numbered `id` sent the browser to `url`.
    pub fn opened(&self, id: u64, url: String) {
        if let Some(attempt) = self.lock().as_mut().filter(|a| a.id == id) {
            attempt.url = Some(url);
        }
    }

    /// The authorization page of the attempt under way.
    pub fn authorization_url(&self) -> Option<String> {
        self.lock().as_ref().and_then(|a| a.url.clone())
    }

    /// Cancels the attempt under way, if any.
    pub fn cancel(&self) {
        let attempt = self.lock().take();
        if let Some(attempt) = attempt {
            (attempt.abort)();
        }
    }

    /// Hands what the seller pasted to the attempt under way; resolves once the attempt has
    /// taken it (the code is then being exchanged) or refused it (the attempt keeps waiting).
    pub async fn paste(&self, text: Secret) -> Result<(), PasteError> {
        let sender = self
            .lock()
            .as_ref()
            .map(|a| a.paste.clone())
            .ok_or(PasteError::NoAttempt)?;
        let (reply, answer) = oneshot::channel();
        sender
            .send(Pasted { text, reply })
            .await
            .map_err(|_| PasteError::NoAttempt)?;
        match answer.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(PasteError::Refused(err.code().to_owned())),
            Err(_) => Err(PasteError::NoAttempt),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Attempt>> {
        // A panic elsewhere must not leave Cancel unable to work.
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use inbox::sync::connect::paste_box;
    use meli::MeliError;

    use super::*;

    fn counter() -> (Arc<AtomicUsize>, impl FnOnce() + Send + 'static) {
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        (count, move || {
            c.fetch_add(1, Ordering::SeqCst);
        })
    }

    #[test]
    fn a_superseded_attempt_cannot_take_the_newer_ones_cancel_handle() {
        let pending = PendingConnect::default();
        let (first_aborted, abort_first) = counter();
        let (second_aborted, abort_second) = counter();
        let first = pending.start(abort_first, paste_box().0);
        let second = pending.start(abort_second, paste_box().0);
        pending.opened(first, "https://auth.example/first".into());
        pending.opened(second, "https://auth.example/second".into());
        assert_eq!(
            pending.authorization_url().as_deref(),
            Some("https://auth.example/second"),
            "a late page of the old attempt is not the one to open again"
        );
        assert_eq!(first_aborted.load(Ordering::SeqCst), 1, "superseded");
        // The first attempt ends late (it was aborted) and clears what it thinks is its slot.
        pending.finish(first);
        pending.cancel();
        assert_eq!(
            second_aborted.load(Ordering::SeqCst),
            1,
            "Cancel still reaches the newer attempt"
        );
        pending.finish(second);
    }

    #[test]
    fn a_finished_attempt_is_not_cancelled() {
        let pending = PendingConnect::default();
        let (aborted, abort) = counter();
        let id = pending.start(abort, paste_box().0);
        pending.finish(id);
        pending.cancel();
        assert_eq!(aborted.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_paste_reaches_the_attempt_and_its_answer_comes_back() {
        let pending = PendingConnect::default();
        assert_eq!(
            pending.paste(Secret::new("TG-1")).await,
            Err(PasteError::NoAttempt)
        );
        let (sender, mut receiver) = paste_box();
        pending.start(|| {}, sender);
        let attempt = tokio::spawn(async move {
            let first = receiver.recv().await.expect("first paste");
            assert_eq!(first.text.expose(), "garbage");
            let _ = first.reply.send(Err(MeliError::InvalidPaste));
            let second = receiver.recv().await.expect("second paste");
            let _ = second.reply.send(Ok(()));
        });
        assert_eq!(
            pending.paste(Secret::new("garbage")).await,
            Err(PasteError::Refused("invalid_paste".into()))
        );
        assert_eq!(pending.paste(Secret::new("TG-1")).await, Ok(()));
        attempt.await.expect("attempt");
    }
}
