//! Users, orders, packs and shipments.

use chrono::{DateTime, Utc};

use super::transport::Call;
use super::Client;
use crate::models::{
    Order, OrderId, OrderSearch, OrderStatus, Pack, PackId, Shipment, ShipmentId, User, UserId,
};
use crate::MeliError;

/// Sort orders for `/orders/search`. Sellers' searches sort by `date_closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderSort {
    #[default]
    DateAsc,
    DateDesc,
}

impl OrderSort {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderSort::DateAsc => "date_asc",
            OrderSort::DateDesc => "date_desc",
        }
    }
}

/// A seller's order search. Date filters are hour-granular on the server (minutes are dropped),
/// so incremental cursors must overlap by an hour.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderQuery {
    pub seller: UserId,
    /// Always sent: without it seller searches may drop cancelled orders. Defaults to every
    /// documented status.
    pub statuses: Vec<OrderStatus>,
    pub last_updated_from: Option<DateTime<Utc>>,
    pub last_updated_to: Option<DateTime<Utc>>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub sort: Option<OrderSort>,
    pub offset: u32,
    pub limit: u32,
}

impl OrderQuery {
    pub fn seller(seller: UserId) -> Self {
        OrderQuery {
            seller,
            statuses: OrderStatus::ALL.to_vec(),
            last_updated_from: None,
            last_updated_to: None,
            created_from: None,
            created_to: None,
            sort: None,
            offset: 0,
            limit: 50,
        }
    }

    pub(crate) fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![("seller", self.seller.to_string())];
        if !self.statuses.is_empty() {
            let list: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            q.push(("order.status", list.join(",")));
        }
        let dates = [
            ("order.date_last_updated.from", self.last_updated_from),
            ("order.date_last_updated.to", self.last_updated_to),
            ("order.date_created.from", self.created_from),
            ("order.date_created.to", self.created_to),
        ];
        for (name, value) in dates {
            if let Some(t) = value {
                q.push((name, api_date(t)));
            }
        }
        if let Some(sort) = self.sort {
            q.push(("sort", sort.as_str().to_owned()));
        }
        q.push(("offset", self.offset.to_string()));
        q.push(("limit", self.limit.to_string()));
        q
    }
}

/// The statuses of `asked` a refusal names, as whole words after its last colon
/// (`Invalid order.status value: invalid`): the leading "Invalid" of the sentence is not the
/// status. Only a message about the status filter counts.
fn statuses_named(message: &str, asked: &[OrderStatus]) -> Vec<OrderStatus> {
    if !message.contains("status") {
        return Vec::new();
    }
    let tail = message.rsplit(':').next().unwrap_or(message);
    let words: Vec<&str> = tail
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    asked
        .iter()
        .filter(|s| words.contains(&s.as_str()))
        .cloned()
        .collect()
}

/// The documented filter format, `2015-07-01T00:00:00.000-00:00`.
fn api_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f-00:00").to_string()
}

impl Client {
    /// `GET /users/me`: the connected seller.
    pub async fn me(&self) -> Result<User, MeliError> {
        self.call_json(Call::get("/users/me".into())).await
    }

    /// `GET /users/{id}`: public fields of a buyer (cache these; order payloads often lack names).
    pub async fn user(&self, id: UserId) -> Result<User, MeliError> {
        self.call_json(Call::get(format!("/users/{id}"))).await
    }

    /// `GET /orders/search` for one page. A search refused because its `order.status` filter
    /// names a status this site does not know (`invalid` is absent from the local sites'
    /// table) is asked again without the statuses named, and this client leaves them out from
    /// then on. A `206 Partial Content` answer says in `content_missing` what its orders lack.
    pub async fn search_orders(&self, query: &OrderQuery) -> Result<OrderSearch, MeliError> {
        let mut query = query.clone();
        loop {
            let refused = self.refused_statuses();
            query.statuses.retain(|s| !refused.contains(s));
            let mut call = Call::get("/orders/search".into());
            call.query = query.to_query();
            let answer = match self.call_answer(call).await {
                Ok(answer) => answer,
                Err(MeliError::BadRequest { message }) => {
                    let named = statuses_named(&message, &query.statuses);
                    if named.is_empty() || named.len() == query.statuses.len() {
                        return Err(MeliError::BadRequest { message });
                    }
                    self.refuse_statuses(&named, &message);
                    continue;
                }
                Err(err) => return Err(err),
            };
            let mut page: OrderSearch = serde_json::from_slice(&answer.body)
                .map_err(|e| MeliError::decode(e, &answer.body))?;
            page.content_missing = answer.missing;
            return Ok(page);
        }
    }

    /// Statuses this site refused in an order search, in this session.
    fn refused_statuses(&self) -> Vec<OrderStatus> {
        self.inner
            .refused_statuses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Remembers statuses the site refused; says so in the log the first time.
    fn refuse_statuses(&self, named: &[OrderStatus], message: &str) {
        let mut refused = self
            .inner
            .refused_statuses
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for status in named {
            if !refused.contains(status) {
                refused.push(status.clone());
                tracing::warn!(
                    site = self.site().id(),
                    status = status.as_str(),
                    %message,
                    "this site refuses an order status in searches; searching without it"
                );
            }
        }
    }

    /// `GET /orders/{id}`.
    pub async fn order(&self, id: OrderId) -> Result<Order, MeliError> {
        self.call_json(Call::get(format!("/orders/{id}"))).await
    }

    /// `GET /packs/{id}`.
    pub async fn pack(&self, id: PackId) -> Result<Pack, MeliError> {
        self.call_json(Call::get(format!("/packs/{id}"))).await
    }

    /// `GET /shipments/{id}`, in the documented new format.
    pub async fn shipment(&self, id: ShipmentId) -> Result<Shipment, MeliError> {
        let call = Call::get(format!("/shipments/{id}")).header("x-format-new", "true");
        self.call_json(call).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn order_query_names_every_status_and_formats_dates() {
        let mut q = OrderQuery::seller(415458330);
        q.last_updated_from = Utc.with_ymd_and_hms(2026, 11, 1, 13, 0, 0).single();
        q.created_to = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).single();
        q.sort = Some(OrderSort::DateDesc);
        q.offset = 100;
        let pairs = q.to_query();
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("seller"), Some("415458330"));
        let statuses = get("order.status").expect("statuses");
        assert!(
            statuses.contains("cancelled")
                && statuses.contains("invalid")
                && statuses.contains("paid")
        );
        assert_eq!(
            get("order.date_last_updated.from"),
            Some("2026-11-01T13:00:00.000-00:00")
        );
        assert_eq!(
            get("order.date_created.to"),
            Some("2026-11-02T00:00:00.000-00:00")
        );
        assert_eq!(get("order.date_created.from"), None);
        assert_eq!(get("sort"), Some("date_desc"));
        assert_eq!(get("offset"), Some("100"));
        assert_eq!(get("limit"), Some("50"));
    }

    #[test]
    fn a_refusal_names_statuses_after_its_colon_only() {
        let all = OrderStatus::ALL;
        assert_eq!(
            statuses_named("Invalid order.status value: invalid", &all),
            [OrderStatus::Invalid]
        );
        assert_eq!(
            statuses_named("Invalid order.status values: invalid, pending_cancel", &all),
            [OrderStatus::PendingCancel, OrderStatus::Invalid]
        );
        assert!(statuses_named("Invalid offset param: paid", &all).is_empty());
        assert!(statuses_named("Invalid order.status value", &all).is_empty());
    }
}
