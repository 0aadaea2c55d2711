//! The sync health view against the simulator: the engine's times, the token's expiry (never
//! the token), the request budget in use, a chat that fails to read and why, and blocked
//! conversations by substatus with the day each one blocked for time closes, the soonest first.

mod common;

use std::time::Duration;

use chrono::DateTime;
use common::*;
use inbox::ipc::{BlockedGroup, EngineHealth, MessagesAccess};
use meli_sim::{FaultKind, OrderStatus, SimConfig};

fn date(text: &str) -> DateTime<chrono::Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("rfc 3339")
        .with_timezone(&chrono::Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_shows_times_budget_failures_and_closing_chats() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    // An old chat: the buyer last wrote 28 days ago, so it closes in two days.
    let old = plain_sale(&sim, OrderStatus::Paid);
    sim.control()
        .buyer_writes(old.conversation_id, "¿Llegó?", None)
        .expect("writes");
    let old_written = sim.control().now();
    sim.control()
        .advance_clock(Duration::from_secs(28 * 24 * 3600));
    let fresh = plain_sale(&sim, OrderStatus::Paid);
    sim.control()
        .buyer_writes(fresh.conversation_id, "Gracias", None)
        .expect("writes");
    let fresh_written = sim.control().now();
    let mediated = plain_sale(&sim, OrderStatus::Paid);
    let failing = plain_sale(&sim, OrderStatus::Paid);
    for (sale, substatus) in [
        (&fresh, "blocked_by_time"),
        (&old, "blocked_by_time"),
        (&mediated, "blocked_by_mediation"),
    ] {
        sim.control()
            .block_conversation(sale.conversation_id, substatus)
            .expect("blocks");
    }
    sim.control()
        .fault_pack(
            failing.conversation_id,
            FaultKind::Status {
                status: 500,
                message: None,
            },
            None,
        )
        .expect("fault");

    let account = connected(&sim, &inbox, MLA).await;
    let health = inbox.sync_health(None).await.expect("health");
    assert_eq!(health.len(), 1, "{health:#?}");
    let h = &health[0];
    assert_eq!(h.account_id, account);
    assert_eq!(h.engine, EngineHealth::Online);
    assert_eq!(h.messages, MessagesAccess::Allowed);
    assert!(h.import.finished);

    // The last pass ended now (the simulator's clock); the next is an interval later.
    let now = sim.control().now();
    let last = date(h.last_success.as_deref().expect("a pass succeeded"));
    assert!(
        last <= now && now - last < chrono::Duration::minutes(1),
        "{last}"
    );
    let next = date(h.next_poll.as_deref().expect("next planned"));
    assert_eq!(next - last, chrono::Duration::hours(1));

    // The token's expiry, no refresh yet; nothing in the view is the token.
    let token = h.token.as_ref().expect("token times");
    assert!(token.last_refresh.is_none());
    let json = serde_json::to_string(&health).expect("json");
    let access = issued(&sim, MLA).access_token;
    assert!(!json.contains(access.expose()), "the token leaked");
    assert!(!json.to_lowercase().contains("app_usr"), "{json}");

    // The passes made requests: the budget counts them against the limit.
    let budget = h.budget.as_ref().expect("budget");
    assert!(budget.reads_last_minute > 0, "{budget:?}");
    assert!(budget.reads_last_minute <= budget.reads_per_minute);

    // The failing chat, with why.
    let failing_lead = lead_of(&inbox, account, failing.conversation_id);
    assert_eq!(h.failing_chats.len(), 1, "{:#?}", h.failing_chats);
    assert_eq!(h.failing_chats[0].lead_id, failing_lead);
    assert_eq!(h.failing_chats[0].status, Some(500));

    // Blocked by substatus, the largest group first.
    assert_eq!(
        h.blocked,
        [
            BlockedGroup {
                substatus: Some("blocked_by_time".into()),
                count: 2
            },
            BlockedGroup {
                substatus: Some("blocked_by_mediation".into()),
                count: 1
            },
        ]
    );
    // The chat that closes in two days first, marked; each 30 days after its last message.
    let old_lead = lead_of(&inbox, account, old.conversation_id);
    let fresh_lead = lead_of(&inbox, account, fresh.conversation_id);
    let ids: Vec<_> = h.closing.iter().map(|c| c.lead_id).collect();
    assert_eq!(ids, [old_lead, fresh_lead]);
    assert!(h.closing[0].closes_soon);
    assert!(!h.closing[1].closes_soon);
    let thirty = chrono::Duration::days(30);
    for (chat, written) in h.closing.iter().zip([old_written, fresh_written]) {
        let closes = date(&chat.closes_at);
        let off = (closes - (written + thirty)).num_seconds().abs();
        assert!(off < 2, "{chat:?} written {written}");
    }

    // One account asked for by id; an unknown one gives nothing.
    assert_eq!(
        inbox.sync_health(Some(account)).await.expect("one").len(),
        1
    );
    assert!(inbox
        .sync_health(Some(account + 100))
        .await
        .expect("none")
        .is_empty());

    // Disconnected: stopped, no tokens, no budget; the cached facts stay.
    inbox.disconnect(account).await.expect("disconnects");
    let after = inbox.sync_health(None).await.expect("health");
    assert_eq!(after[0].engine, EngineHealth::Stopped);
    assert!(after[0].token.is_none() && after[0].budget.is_none());
    assert!(after[0].next_poll.is_none());
    assert_eq!(after[0].closing.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_is_shown_with_the_new_expiry() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox, MLA).await;
    let before = inbox.sync_health(Some(account)).await.expect("health")[0]
        .token
        .clone()
        .expect("token");
    // Seven hours on, Mercado Libre no longer takes the access token: the client refreshes it.
    sim.control().advance_clock(Duration::from_secs(7 * 3600));
    sync_online(&inbox, account).await;
    let after = inbox.sync_health(Some(account)).await.expect("health")[0]
        .token
        .clone()
        .expect("token");
    assert!(after.last_refresh.is_some(), "{after:?}");
    assert!(date(&after.expires_at) >= date(&before.expires_at));
}
