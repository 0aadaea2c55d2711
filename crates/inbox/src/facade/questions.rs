//! The Questions view's calls: list, open, answer, block and unblock askers, response times.

use std::sync::Arc;

use chrono::{Duration, Local, Timelike};

use super::Inbox;
use crate::error::{InboxError, Result};
use crate::events::InboxEvents;
use crate::ipc::{
    AnswerTimes, MeliResponseTime, QuestionDetail, QuestionDto, QuestionFilter, QuestionStats,
    QuestionsPage,
};
use crate::store::questions;
use crate::sync::AccountSync;

impl Inbox {
    fn questions_changed(&self) {
        self.events.publish(InboxEvents {
            questions_changed: true,
            ..InboxEvents::default()
        });
    }

    /// The Questions view for a filter.
    pub async fn questions(&self, filter: QuestionFilter) -> Result<QuestionsPage> {
        let mut page = self
            .store
            .read_async(move |c| questions::page(c, &filter))
            .await?;
        for listing in page
            .groups
            .iter_mut()
            .map(|g| &mut g.listing)
            .chain(page.listings.iter_mut())
        {
            self.picture_path(&mut listing.picture);
        }
        Ok(page)
    }

    /// Unanswered questions the seller has not opened (the header's count).
    pub async fn unread_questions(&self) -> Result<u32> {
        self.store.read_async(questions::unread_count).await
    }

    /// Opens a question (it counts as read from now on) with its context.
    pub async fn open_question(&self, question_id: i64) -> Result<QuestionDetail> {
        let now = self.now();
        let marked = self
            .store
            .write_async(move |tx| questions::mark_seen(tx, question_id, now))
            .await?;
        if marked {
            self.questions_changed();
        }
        let mut detail = self
            .store
            .read_async(move |c| questions::detail(c, question_id))
            .await?;
        self.picture_path(&mut detail.listing.picture);
        Ok(detail)
    }

    /// The questions a lead's buyer asked on the listings the lead sold.
    pub async fn lead_questions(&self, lead_id: i64) -> Result<Vec<QuestionDto>> {
        self.store
            .read_async(move |c| questions::of_lead(c, lead_id))
            .await
    }

    /// May this answer be sent? Refused with an [`crate::rules::answer::AnswerRefusal`].
    pub async fn check_answer(&self, question_id: i64, text: String) -> Result<()> {
        self.store
            .read_async(move |c| questions::check_answer(c, question_id, &text))
            .await
    }

    /// Validates and stores an answer, then asks the account's engine to send it now. Offline,
    /// it waits in the outbox and goes (once) when Mercado Libre answers again.
    pub async fn answer_question(&self, question_id: i64, text: String) -> Result<QuestionDto> {
        let now = self.now();
        let account = self
            .store
            .write_async(move |tx| {
                questions::queue_answer(tx, question_id, &text, now)?;
                Ok(questions::question(tx, question_id)?.account_id)
            })
            .await?;
        self.questions_changed();
        self.sync.sync_now(Some(account));
        self.store
            .read_async(move |c| questions::question(c, question_id))
            .await
    }

    fn account_sync(&self, account_id: i64) -> Result<Arc<AccountSync>> {
        self.sync.account(account_id).ok_or_else(|| {
            InboxError::InvalidInput(format!("account {account_id} is not connected"))
        })
    }

    /// Blocks a buyer from asking this account's listings.
    pub async fn block_asker(&self, account_id: i64, buyer_id: i64) -> Result<()> {
        let sync = self.account_sync(account_id)?;
        sync.client
            .interactive()
            .block_asker(sync.seller_id, buyer_id)
            .await?;
        Ok(())
    }

    pub async fn unblock_asker(&self, account_id: i64, buyer_id: i64) -> Result<()> {
        let sync = self.account_sync(account_id)?;
        sync.client
            .interactive()
            .unblock_asker(sync.seller_id, buyer_id)
            .await?;
        Ok(())
    }

    /// The buyers blocked from asking (all pages).
    pub async fn blocked_askers(&self, account_id: i64) -> Result<Vec<i64>> {
        let sync = self.account_sync(account_id)?;
        let client = sync.client.interactive();
        let mut out = Vec::new();
        let mut offset = 0u32;
        loop {
            let page = client
                .questions_blacklist(sync.seller_id, offset, 50)
                .await?;
            let count = u32::try_from(page.users.len()).unwrap_or(u32::MAX);
            out.extend(page.users.iter().map(|u| u.id));
            offset = offset.saturating_add(count);
            if count == 0 || u64::from(offset) >= page.paging.total.unwrap_or(0) {
                return Ok(out);
            }
        }
    }

    /// Response time as Mercado Libre computes it (when the account can be asked) beside
    /// Mostrador's own measure from the cache over the last 7 and 30 days.
    pub async fn question_stats(&self, account_id: Option<i64>) -> Result<QuestionStats> {
        let meli = match account_id.and_then(|a| self.sync.account(a)) {
            Some(sync) => match sync
                .client
                .interactive()
                .response_time(sync.seller_id)
                .await
            {
                Ok(Some(rt)) => Some(MeliResponseTime {
                    total: rt.total.as_ref().and_then(|b| b.response_time),
                    weekdays_working_hours: rt
                        .weekdays_working_hours
                        .as_ref()
                        .and_then(|b| b.response_time),
                    weekdays_extra_hours: rt
                        .weekdays_extra_hours
                        .as_ref()
                        .and_then(|b| b.response_time),
                    weekend: rt.weekend.as_ref().and_then(|b| b.response_time),
                    sales_percent_increase: [
                        &rt.weekdays_working_hours,
                        &rt.weekdays_extra_hours,
                        &rt.weekend,
                    ]
                    .into_iter()
                    .filter_map(|b| b.as_ref().and_then(|b| b.sales_percent_increase))
                    .fold(None, |max: Option<f64>, v| {
                        Some(max.map_or(v, |m| m.max(v)))
                    }),
                }),
                Ok(None) => None,
                Err(err) => {
                    tracing::info!(%err, "response time unavailable");
                    None
                }
            },
            None => None,
        };
        let now = self.now();
        let (last7, last30) = self
            .store
            .read_async(move |c| {
                let week = questions::answer_times(c, account_id, now - Duration::days(7))?;
                let month = questions::answer_times(c, account_id, now - Duration::days(30))?;
                Ok((answer_times(7, &week), answer_times(30, &month)))
            })
            .await?;
        Ok(QuestionStats {
            meli,
            last7,
            last30,
        })
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Median minutes to answer, the share answered within an hour, and the median by the hour of
/// day the question came in (the machine's local time).
pub(crate) fn answer_times(days: u32, rows: &[(i64, Option<i64>)]) -> AnswerTimes {
    let mut minutes = Vec::new();
    let mut by_hour: Vec<Vec<f64>> = vec![Vec::new(); 24];
    let mut within = 0u32;
    for (asked, answered) in rows {
        // One still waiting counts as asked, not answered within the hour.
        let Some(answered) = answered else {
            continue;
        };
        let m = ((answered - asked).max(0)) as f64 / 60_000.0;
        if m <= 60.0 {
            within += 1;
        }
        minutes.push(m);
        if let Some(t) = chrono::DateTime::from_timestamp_millis(*asked) {
            let hour = t.with_timezone(&Local).hour() as usize;
            if let Some(slot) = by_hour.get_mut(hour) {
                slot.push(m);
            }
        }
    }
    let asked = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    AnswerTimes {
        days,
        asked,
        answered: u32::try_from(minutes.len()).unwrap_or(u32::MAX),
        median_minutes: median(&mut minutes),
        within_hour: (asked > 0).then(|| f64::from(within) / f64::from(asked)),
        median_by_hour: by_hour.iter_mut().map(|v| median(v)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_times_take_medians_and_the_share_within_an_hour() {
        let m = 60_000;
        let rows = [
            (0, Some(10 * m)),
            (0, Some(30 * m)),
            (0, Some(200 * m)),
            (0, None),
        ];
        let t = answer_times(7, &rows);
        assert_eq!(t.asked, 4);
        assert_eq!(t.answered, 3);
        assert_eq!(t.median_minutes, Some(30.0));
        assert_eq!(t.within_hour, Some(0.5));
        assert_eq!(t.median_by_hour.len(), 24);
        assert_eq!(
            t.median_by_hour.iter().flatten().count(),
            1,
            "all asked the same hour"
        );
        let empty = answer_times(30, &[]);
        assert_eq!(empty.median_minutes, None);
        assert_eq!(empty.within_hour, None);
    }
}
