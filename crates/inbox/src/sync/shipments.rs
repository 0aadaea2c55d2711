//! Shipping status for paid leads: orders carry only `shipping.id`, so each shipment is read
//! from `/shipments/{id}` on the schedule `store::shipments` keeps.

use super::account::AccountSync;
use super::import::is_auth;
use crate::error::Result;
use crate::store::shipments;

impl AccountSync {
    /// Reads the shipments due (a few per pass) and stores their status. A shipment that
    /// cannot be read now is tried again at its next turn; only losing the authorization
    /// stops the pass.
    pub(crate) async fn refresh_shipments(&self) -> Result<()> {
        let (account, now, limit) = (self.account_id, self.now(), self.config.shipments_per_pass);
        if limit == 0 {
            return Ok(());
        }
        let Some(asking) = self.shipments_due.begin(&self.lead_changes, now) else {
            return Ok(());
        };
        let due = self
            .store
            .read_async(move |c| shipments::due(c, account, now, limit))
            .await?;
        let all_of_them = due.len() < limit as usize;
        let every = chrono::Duration::from_std(self.config.shipment_every)
            .unwrap_or(chrono::Duration::hours(6));
        for id in due {
            let shipment = match self.request(|| self.client.shipment(id)).await {
                Ok(shipment) => shipment,
                Err(err) if is_auth(&err) => return Err(err),
                Err(err) => {
                    tracing::debug!(shipment = id, %err, "shipment read failed");
                    let now = self.now();
                    // Not now: at its next turn, keeping what was known.
                    self.store
                        .write_async(move |tx| shipments::postpone(tx, account, id, now + every))
                        .await?;
                    continue;
                }
            };
            let now = self.now();
            let status = shipment.status.map(|s| s.as_str().to_owned());
            let substatus = shipment.substatus.clone();
            let changed = self
                .store
                .write_async(move |tx| {
                    shipments::record(
                        tx,
                        account,
                        id,
                        status.as_deref(),
                        substatus.as_deref(),
                        now,
                        now + every,
                    )
                })
                .await?;
            self.leads_changed(changed);
        }
        if all_of_them {
            let now = self.now();
            let wake_at = self
                .store
                .read_async(move |c| shipments::next_check(c, account, now))
                .await?;
            self.shipments_due.settled(asking, wake_at);
        }
        Ok(())
    }
}
