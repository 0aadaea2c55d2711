//! The listings fetcher: titles and pictures of the listings the board's cards and the
//! questions name, and the names of the people who asked. Background work at the end of a
//! pass, kept apart from the polls so each changes without the other.
//!
//! - Reads only what the cache lacks or holds for more than `listings_stale_after` (a day):
//!   an idle pass with everything fresh makes no request.
//! - Listings come 20 a request (`GET /items?ids=`), each id with its own code: a listing
//!   deleted (404) or hidden (403) is remembered as such until stale, and the rest stored.
//! - Every API read draws from the client's budget (the application's), and the fetcher
//!   spends only its own share of it (`listings_reads_per_minute`, see [`super::share`]),
//!   earned by the clock between passes, leaving the rest to chats, orders and the seller.
//! - A picture is downloaded once per address from an allowed image host (the client checks
//!   the host), at most a thumbnail's size, and kept only if its bytes are a JPEG, PNG, WebP
//!   or GIF; it is a file in the cache dir under a name made of its content's hash.
//! - A failure here never fails the pass (the cards show a placeholder meanwhile), except
//!   an authorization Mercado Libre refused.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Duration;
use meli::{ListingAnswer, MeliError};
use sha2::{Digest, Sha256};

use super::account::AccountSync;
use super::cursor;
use super::import::is_auth;
use super::share::ReadShare;
use crate::error::{InboxError, Result};
use crate::store::{buyers, cursors, listings};

/// Tells apart the part files of pictures being written at once.
static PART_SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// What a picture's bytes are, by their content: the extension it is kept under, or `None`
/// for anything that is not an image a webview shows.
pub(crate) fn picture_extension(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes)?.mime_type() {
        "image/jpeg" => Some("jpg"),
        "image/png" => Some("png"),
        "image/webp" => Some("webp"),
        "image/gif" => Some("gif"),
        _ => None,
    }
}

/// The cache file name of a picture: `pic-<first 32 hex digits of its SHA-256>.<ext>`. Ours,
/// never a name from the API; the same picture is kept once, and a changed one gets a new
/// name (so the webview never shows an old one from its own cache).
pub(crate) fn picture_name(bytes: &[u8], ext: &str) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("pic-{hex}.{ext}")
}

/// Takes one read from what the fetcher's share earned; `false` when nothing is left.
fn spend(credit: &AtomicU64) -> bool {
    credit
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| c.checked_sub(1))
        .is_ok()
}

impl AccountSync {
    /// The fetcher's share of a pass: queue the new leads' listings, read the due listings,
    /// download their pictures, look up the askers.
    pub(crate) async fn fetch_listings(&self) -> Result<()> {
        let started = self.now();
        let account = self.account_id;
        let last = self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::LISTINGS_SPENT))
            .await?
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&chrono::Utc));
        let share = ReadShare {
            per_minute: self.config.listings_reads_per_minute,
        };
        let earned = u64::from(share.credit(last, started, self.config.interval));
        let credit = AtomicU64::new(earned);
        let outcome = async {
            self.queue_lead_listings().await?;
            self.read_listings(&credit).await?;
            self.download_pictures().await?;
            self.read_askers(&credit).await
        }
        .await;
        if credit.load(Ordering::Relaxed) < earned {
            // It spent: the time earns again from now.
            let now = self.now();
            self.store
                .write_async(move |tx| {
                    cursors::set(
                        tx,
                        account,
                        cursor::LISTINGS_SPENT,
                        &started.to_rfc3339(),
                        now,
                    )
                })
                .await?;
        }
        match outcome {
            Err(err) if is_auth(&err) => Err(err),
            Err(err) => {
                tracing::info!(account = self.account_id, %err, "listings fetch stopped for this pass");
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    async fn queue_lead_listings(&self) -> Result<()> {
        let (account, now) = (self.account_id, self.now());
        let Some(asking) = self.listings_queue.begin(&self.lead_changes, now) else {
            return Ok(());
        };
        self.store
            .write_async(move |tx| {
                let after = cursors::get(tx, account, cursor::LISTINGS_LEADS)?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let max = listings::want_for_leads(tx, account, after)?;
                if max > after {
                    cursors::set(tx, account, cursor::LISTINGS_LEADS, &max.to_string(), now)?;
                }
                Ok(())
            })
            .await?;
        self.listings_queue.settled(asking, None);
        Ok(())
    }

    async fn read_listings(&self, credit: &AtomicU64) -> Result<()> {
        let account = self.account_id;
        let stale =
            Duration::from_std(self.config.listings_stale_after).unwrap_or(Duration::days(1));
        let stale_before = self.now() - stale;
        let limit = self.config.listings_per_pass;
        let due = self
            .store
            .read_async(move |c| listings::due(c, account, stale_before, limit))
            .await?;
        let mut changed_questions = false;
        for batch in due.chunks(meli::client::ITEMS_PER_MULTIGET) {
            if !spend(credit) {
                tracing::debug!(account, "the listings' share of the read budget is spent");
                break;
            }
            let ids = batch.to_vec();
            let answers = self.request(|| self.client.listings(&ids)).await?;
            for answer in &answers {
                if let ListingAnswer::Refused { id, code } = answer {
                    tracing::debug!(account, %id, code, "listing not given by the multiget");
                }
            }
            let now = self.now();
            changed_questions |= self
                .store
                .write_async(move |tx| {
                    let mut changed = false;
                    for answer in &answers {
                        changed |= listings::store(tx, account, answer, now)?;
                    }
                    Ok(changed)
                })
                .await?;
        }
        if changed_questions {
            self.questions_changed();
        }
        Ok(())
    }

    async fn download_pictures(&self) -> Result<()> {
        let (account, limit) = (self.account_id, self.config.pictures_per_pass);
        let due = self
            .store
            .read_async(move |c| listings::pictures_due(c, account, limit))
            .await?;
        let mut kept = Vec::new();
        for picture in due {
            let outcome: std::result::Result<String, String> =
                match self.client.picture(&picture.url).await {
                    Ok(bytes) => match picture_extension(&bytes) {
                        Some(ext) => {
                            let name = picture_name(&bytes, ext);
                            self.write_picture(&name, &bytes).await?;
                            Ok(name)
                        }
                        None => Err("not_an_image".to_owned()),
                    },
                    Err(MeliError::PictureRefused { reason }) => Err(reason),
                    Err(MeliError::NotFound { .. }) => Err("not_found".to_owned()),
                    Err(MeliError::Forbidden { .. }) => Err("forbidden".to_owned()),
                    Err(MeliError::Decode { .. } | MeliError::BadRequest { .. }) => {
                        Err("bad_answer".to_owned())
                    }
                    // Offline, throttled, the host in trouble: tried again next pass.
                    Err(err) => return Err(InboxError::Meli(err)),
                };
            if let Err(reason) = &outcome {
                tracing::info!(account, item = %picture.item_id, reason, "listing picture refused");
            }
            let (item, url) = (picture.item_id.clone(), picture.url.clone());
            let gone = self
                .store
                .write_async(move |tx| {
                    listings::set_picture(
                        tx,
                        account,
                        &item,
                        &url,
                        outcome.as_deref().map_err(|e| e.as_str()),
                    )
                })
                .await?;
            if let Some(old) = gone {
                let _ = tokio::fs::remove_file(self.cache_dir.join(old)).await;
            }
            kept.push(picture.item_id);
        }
        if !kept.is_empty() {
            let leads = self
                .store
                .read_async(move |c| listings::leads_showing(c, account, &kept))
                .await?;
            self.leads_changed(leads);
            self.questions_changed();
        }
        Ok(())
    }

    /// Writes a picture under its name (once: the name is its content's hash), whole or not
    /// at all.
    async fn write_picture(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.cache_dir.join(name);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
        }
        // Two accounts may download the same picture at once: each writes its own part.
        let n = PART_SEQUENCE.fetch_add(1, Ordering::Relaxed);
        let part = self
            .cache_dir
            .join(format!("{name}.{}-{n}.part", self.account_id));
        tokio::fs::write(&part, bytes)
            .await
            .map_err(|e| InboxError::io("writing a listing picture", &e))?;
        match tokio::fs::rename(&part, &path).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = tokio::fs::remove_file(&part).await;
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    Ok(())
                } else {
                    Err(InboxError::io("keeping a listing picture", &e))
                }
            }
        }
    }

    async fn read_askers(&self, credit: &AtomicU64) -> Result<()> {
        let (account, limit) = (self.account_id, self.config.askers_per_pass);
        let Some(asking) = self.askers_due.begin(&self.question_changes, self.now()) else {
            return Ok(());
        };
        let missing = self
            .store
            .read_async(move |c| buyers::missing_askers(c, account, limit))
            .await?;
        let mut all_of_them = missing.len() < limit as usize;
        let mut changed = false;
        for buyer in missing {
            if !spend(credit) {
                tracing::debug!(account, "the askers' share of the read budget is spent");
                all_of_them = false;
                break;
            }
            let now = self.now();
            match self.request(|| self.client.user(buyer)).await {
                Ok(user) => {
                    let leads = self
                        .store
                        .write_async(move |tx| buyers::remember(tx, &user.raw, now))
                        .await?;
                    self.leads_changed(leads);
                }
                Err(InboxError::Meli(MeliError::NotFound { .. })) => {
                    self.store
                        .write_async(move |tx| buyers::remember_unknown(tx, buyer, now))
                        .await?;
                }
                Err(err) => return Err(err),
            }
            changed = true;
        }
        if changed {
            self.questions_changed();
        }
        if all_of_them {
            self.askers_due.settled(asking, None);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fetcher_spends_what_its_share_earned_and_no_more() {
        let credit = AtomicU64::new(2);
        assert!(spend(&credit));
        assert!(spend(&credit));
        assert!(!spend(&credit), "nothing left");
        assert_eq!(credit.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn pictures_are_known_by_their_bytes_not_their_names() {
        assert_eq!(
            picture_extension(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"),
            Some("jpg")
        );
        assert_eq!(
            picture_extension(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"),
            Some("png")
        );
        assert_eq!(picture_extension(b"<!doctype html><html>"), None);
        assert_eq!(picture_extension(b"%PDF-1.7"), None);
        assert_eq!(picture_extension(b""), None);
        let name = picture_name(b"abc", "png");
        assert_eq!(name, "pic-ba7816bf8f01cfea414140de5dae2223.png");
    }
}
