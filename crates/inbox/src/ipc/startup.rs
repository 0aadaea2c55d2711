//! Why the app could not open its cache at start, for the screen that lets the seller choose.

use serde::Serialize;
use ts_rs::TS;

use super::{AccountDto, AppInfo, Settings, SiteOption, StageColumn, SyncStatus};
use crate::store::recovery::CacheCheck;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export, export_to = "StartupProblem.ts")]
pub enum StartupProblem {
    /// Another Mostrador runs on this data directory (where the operating system could not hand
    /// this launch to it).
    AlreadyOpen { data_dir: String },
    /// SQLite cannot read the cache whole; `detail` is SQLite's own words.
    Damaged { detail: String },
    /// A newer Mostrador wrote the cache.
    Newer {
        #[ts(type = "number")]
        found: i64,
        #[ts(type = "number")]
        supported: i64,
    },
}

impl StartupProblem {
    /// The problem a cache check found, if any.
    pub fn of_cache(check: CacheCheck) -> Option<StartupProblem> {
        match check {
            CacheCheck::Healthy => None,
            CacheCheck::Damaged { detail } => Some(StartupProblem::Damaged { detail }),
            CacheCheck::Newer { found, supported } => {
                Some(StartupProblem::Newer { found, supported })
            }
        }
    }
}

/// What the window learns first: whether it can open, and in which language and theme to say
/// so when it cannot (the settings live beside the cache, not in it).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "StartupReport.ts")]
pub struct StartupReport {
    pub problem: Option<StartupProblem>,
    pub settings: Settings,
}

/// Everything the first board needs, in one answer. While the window paints its first frames,
/// the UI process's main thread, which answers every call, is busy: the seven calls the window
/// made at start each waited there, up to half a second in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "FirstScreen.ts")]
pub struct FirstScreen {
    pub info: AppInfo,
    pub settings: Settings,
    pub sync: SyncStatus,
    pub sites: Vec<SiteOption>,
    pub accounts: Vec<AccountDto>,
    /// Every account's board, unfiltered: what the window shows first.
    pub board: Vec<StageColumn>,
    pub unread_questions: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_tagged_for_the_ui() {
        let json = serde_json::to_value(StartupProblem::AlreadyOpen {
            data_dir: "/data".into(),
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({ "kind": "already_open", "dataDir": "/data" })
        );
        let json = serde_json::to_value(StartupProblem::Newer {
            found: 9,
            supported: 6,
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({ "kind": "newer", "found": 9, "supported": 6 })
        );
        assert_eq!(StartupProblem::of_cache(CacheCheck::Healthy), None);
    }
}
