use super::*;
use crate::store::board::lead_card;
use crate::store::testing::{api_order, now, temp_store, BUYER};
use crate::store::{accounts, buyers, orders, stages, Store};

fn setup() -> (tempfile::TempDir, Store, i64) {
    let (dir, store) = temp_store();
    let account = store
        .write(|tx| accounts::connect(tx, 1, "MLA", None, now()))
        .expect("account");
    (dir, store, account)
}

fn apply(store: &Store, account: i64, page: Vec<serde_json::Value>) -> Vec<i64> {
    store
        .write(|tx| orders::apply_page(tx, account, &page, now()))
        .expect("applies")
        .changed_leads
}

fn lead_of(store: &Store, account: i64, conversation: i64) -> LeadRow {
    store
        .read(|c| {
            let id = find(c, account, conversation)?.expect("lead exists");
            load(c, id)
        })
        .expect("reads")
}

#[test]
fn a_pack_is_one_lead_named_by_its_number_with_contact_tags_and_total() {
    let (_dir, store, account) = setup();
    apply(
        &store,
        account,
        vec![
            api_order(11, Some(500), "paid", "Mate"),
            api_order(12, Some(500), "paid", "Bombilla"),
        ],
    );
    let lead = lead_of(&store, account, 500);
    assert_eq!(lead.key, LeadKey::Pack(500));
    assert_eq!(lead.system_stage, SystemStage::Paid);
    assert_eq!(lead.stage_id, system_stage_id(SystemStage::Paid));
    assert_eq!(lead.contact.name.as_deref(), Some("María Pérez"));
    assert_eq!(lead.contact.nickname.as_deref(), Some("COMPRADOR_TEST"));
    assert_eq!(lead.tags, r#"["not_delivered","paid"]"#);
    assert_eq!(lead.total_cents, Some(300_100));
    let card = store.read(|c| lead_card(c, lead.id)).expect("card");
    assert_eq!(card.summary.name, "500");
    assert_eq!(card.orders.len(), 2);
    assert_eq!(card.totals[0].amount, "3001.00");
    assert_eq!(card.shipments.len(), 1);
}

#[test]
fn payment_moves_the_lead_and_updates_tags() {
    let (_dir, store, account) = setup();
    apply(
        &store,
        account,
        vec![api_order(1, None, "payment_required", "Mate")],
    );
    let before = lead_of(&store, account, 1);
    assert_eq!(before.system_stage, SystemStage::PaymentRequired);
    assert_eq!(before.tags, r#"["not_paid"]"#);
    let changed = apply(&store, account, vec![api_order(1, None, "paid", "Mate")]);
    assert_eq!(changed, [before.id]);
    let after = lead_of(&store, account, 1);
    assert_eq!(after.system_stage, SystemStage::Paid);
    assert_eq!(after.tags, r#"["not_delivered","paid"]"#);
}

#[test]
fn an_unknown_status_keeps_the_lead_where_it_was() {
    let (_dir, store, account) = setup();
    apply(&store, account, vec![api_order(1, None, "paid", "Mate")]);
    apply(
        &store,
        account,
        vec![api_order(1, None, "teleported", "Mate")],
    );
    assert_eq!(lead_of(&store, account, 1).system_stage, SystemStage::Paid);
}

#[test]
fn paid_leads_move_to_custom_stages_and_leave_them_when_cancelled() {
    let (_dir, store, account) = setup();
    apply(&store, account, vec![api_order(1, None, "paid", "Mate")]);
    let lead = lead_of(&store, account, 1).id;
    let shipped = store.write(|tx| stages::add(tx, "Shipped")).expect("adds");
    store
        .write(|tx| move_to(tx, lead, Column::Custom(shipped)))
        .expect("moves");
    assert_eq!(lead_of(&store, account, 1).stage_id, shipped);

    // A resync that changes nothing about the stage keeps the seller's choice.
    let mut tagged = api_order(1, None, "paid", "Mate");
    tagged["tags"] = serde_json::json!(["paid", "delivered"]);
    apply(&store, account, vec![tagged]);
    assert_eq!(lead_of(&store, account, 1).stage_id, shipped);

    apply(
        &store,
        account,
        vec![api_order(1, None, "cancelled", "Mate")],
    );
    let cancelled = lead_of(&store, account, 1);
    assert_eq!(cancelled.system_stage, SystemStage::Canceled);
    assert_eq!(cancelled.stage_id, system_stage_id(SystemStage::Canceled));
}

#[test]
fn moves_that_contradict_mercado_libre_are_refused() {
    let (_dir, store, account) = setup();
    apply(
        &store,
        account,
        vec![api_order(1, None, "payment_in_process", "Mate")],
    );
    let lead = lead_of(&store, account, 1).id;
    let custom = store
        .write(|tx| stages::add(tx, "Preparing"))
        .expect("adds");
    let err = store
        .write(|tx| move_to(tx, lead, Column::Custom(custom)))
        .expect_err("refused");
    assert_eq!(err.code(), "not_paid");
    let err = store
        .write(|tx| move_to(tx, lead, Column::System(SystemStage::Paid)))
        .expect_err("refused");
    assert_eq!(err.code(), "contradicts_mercado_libre");
    let err = store
        .write(|tx| move_to(tx, lead, Column::Custom(999)))
        .expect_err("missing");
    assert_eq!(err.code(), "not_found");
    assert_eq!(
        lead_of(&store, account, 1).stage_id,
        system_stage_id(SystemStage::PaymentInProcess)
    );
}

#[test]
fn deleting_a_custom_stage_returns_its_leads_to_paid() {
    let (_dir, store, account) = setup();
    apply(
        &store,
        account,
        vec![
            api_order(1, None, "paid", "Mate"),
            api_order(2, None, "paid", "Yerba"),
        ],
    );
    let custom = store
        .write(|tx| stages::add(tx, "Preparing"))
        .expect("adds");
    for conversation in [1, 2] {
        let lead = lead_of(&store, account, conversation).id;
        store
            .write(|tx| move_to(tx, lead, Column::Custom(custom)))
            .expect("moves");
    }
    let moved = store
        .write(|tx| stages::delete(tx, custom))
        .expect("deletes");
    assert_eq!(moved, 2);
    for conversation in [1, 2] {
        assert_eq!(
            lead_of(&store, account, conversation).stage_id,
            system_stage_id(SystemStage::Paid)
        );
    }
}

#[test]
fn an_archived_lead_comes_back_when_its_order_changes_but_not_on_replay() {
    let (_dir, store, account) = setup();
    let page = vec![api_order(1, None, "paid", "Mate")];
    apply(&store, account, page.clone());
    let lead = lead_of(&store, account, 1).id;
    store
        .write(|tx| archive(tx, lead, now()))
        .expect("archives");
    apply(&store, account, page);
    assert!(
        lead_of(&store, account, 1).archived_at.is_some(),
        "a replay is no change"
    );
    let mut noise = api_order(1, None, "paid", "Mate");
    noise["expiration_date"] = "2026-06-01T00:00:00.000-04:00".into();
    apply(&store, account, vec![noise]);
    assert!(
        lead_of(&store, account, 1).archived_at.is_some(),
        "a field the card does not show"
    );
    apply(
        &store,
        account,
        vec![api_order(1, None, "cancelled", "Mate")],
    );
    assert_eq!(lead_of(&store, account, 1).archived_at, None);
}

#[test]
fn an_order_joining_a_pack_moves_and_its_empty_lead_goes() {
    let (_dir, store, account) = setup();
    apply(&store, account, vec![api_order(1, None, "paid", "Mate")]);
    apply(
        &store,
        account,
        vec![api_order(1, Some(77), "paid", "Mate")],
    );
    let leads: i64 = store
        .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM leads", [], |r| r.get(0))?))
        .expect("counts");
    assert_eq!(leads, 1);
    assert_eq!(lead_of(&store, account, 77).key, LeadKey::Pack(77));
}

#[test]
fn missing_buyer_names_are_filled_from_the_user_endpoint() {
    let (_dir, store, account) = setup();
    let mut order = api_order(1, None, "paid", "Mate");
    order["buyer"] = serde_json::json!({"id": BUYER});
    apply(&store, account, vec![order.clone()]);
    assert_eq!(lead_of(&store, account, 1).contact.name, None);
    assert_eq!(
        store
            .read(|c| buyers::missing_names(c, account, 10))
            .expect("reads"),
        [BUYER]
    );

    let user = serde_json::json!({"id": BUYER, "nickname": "TETE", "first_name": "Ana", "last_name": "Souza"});
    let changed = store
        .write(|tx| buyers::remember(tx, &user, now()))
        .expect("remembers");
    assert_eq!(changed.len(), 1);
    let lead = lead_of(&store, account, 1);
    assert_eq!(lead.contact.name.as_deref(), Some("Ana Souza"));
    assert_eq!(lead.contact.nickname.as_deref(), Some("TETE"));
    // A later sync of the same nameless order keeps the names.
    let mut tagged = order;
    tagged["tags"] = serde_json::json!(["paid", "delivered"]);
    apply(&store, account, vec![tagged]);
    assert_eq!(
        lead_of(&store, account, 1).contact.name.as_deref(),
        Some("Ana Souza")
    );
    assert!(store
        .read(|c| buyers::missing_names(c, account, 10))
        .expect("reads")
        .is_empty());
}

#[test]
fn leads_of_two_accounts_stay_apart() {
    let (_dir, store, a) = setup();
    let b = store
        .write(|tx| accounts::connect(tx, 2, "MLB", None, now()))
        .expect("account");
    apply(&store, a, vec![api_order(1, None, "paid", "Mate")]);
    apply(&store, b, vec![api_order(1, None, "cancelled", "Mate")]);
    assert_eq!(lead_of(&store, a, 1).system_stage, SystemStage::Paid);
    assert_eq!(lead_of(&store, b, 1).system_stage, SystemStage::Canceled);
}

#[test]
fn the_newest_lead_is_the_accounts_own() {
    let (_dir, store, a) = setup();
    let b = store
        .write(|tx| accounts::connect(tx, 2, "MLB", None, now()))
        .expect("account");
    let newest = |account| store.read(|c| newest_id(c, account)).expect("reads");
    assert_eq!(newest(a), 0, "no leads yet");
    let first = apply(&store, a, vec![api_order(1, None, "paid", "Mate")]);
    apply(&store, b, vec![api_order(2, None, "paid", "Yerba")]);
    apply(&store, b, vec![api_order(3, None, "paid", "Bombilla")]);
    assert_eq!(newest(a), first[0], "leads of another account added later");
    let second = apply(&store, a, vec![api_order(4, None, "paid", "Termo")]);
    assert_eq!(newest(a), second[0]);
    assert!(newest(b) < second[0]);
}
