//! The API prints dates two ways: orders and users in the site's local offset with milliseconds
//! (`2019-05-22T03:51:07.000-04:00`), messages in UTC with a `Z`.

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, Utc};

use crate::model::Site;

pub fn local(t: DateTime<Utc>, site: &Site) -> String {
    let offset = FixedOffset::east_opt(site.utc_offset_hours * 3600).unwrap_or_else(|| Utc.fix());
    t.with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::Millis, false)
}

pub fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
