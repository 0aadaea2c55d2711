use super::*;
use crate::incoming::IncomingConversation;
use crate::ipc::{DraftFileDto, OutboxState};
use crate::rules::{HeldBack, Refusal};
use crate::store::testing::{api_conversation, api_message, api_order, now, SELLER};
use crate::store::{accounts, messages, orders};

fn fixed_clock() -> Clock {
    Arc::new(now)
}

/// An inbox with one paid lead (order 1) and one unpaid (order 2).
fn inbox() -> (tempfile::TempDir, Inbox, i64, i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox =
        Inbox::open(InboxPaths::in_dir(&dir.path().join("data")), fixed_clock()).expect("opens");
    let (paid, unpaid) = inbox
        .store()
        .write(|tx| {
            let account = accounts::connect(tx, SELLER, "MLA", None, now())?;
            orders::apply_page(
                tx,
                account,
                &[
                    api_order(1, None, "paid", "Mate"),
                    api_order(2, None, "payment_required", "Yerba"),
                ],
                now(),
            )?;
            Ok((
                leads::find(tx, account, 1)?.expect("lead"),
                leads::find(tx, account, 2)?.expect("lead"),
            ))
        })
        .expect("seeds");
    (dir, inbox, paid, unpaid)
}

fn text(t: &str) -> DraftDto {
    DraftDto {
        text: t.into(),
        files: vec![],
        guide: None,
    }
}

#[tokio::test]
async fn board_card_and_columns_through_the_facade() {
    let (_dir, inbox, paid, _) = inbox();
    let board = inbox.board(None, Default::default()).await.expect("board");
    assert_eq!(board.len(), 5);
    assert_eq!(board[2].leads[0].id, paid);
    let page = inbox
        .column_page("system:paid".into(), None, Default::default(), None)
        .await
        .expect("page");
    assert_eq!(page.leads.len(), 1);
    assert_eq!(inbox.lead_card(paid).await.expect("card").summary.name, "1");
    let bad = inbox
        .column_page("nope".into(), None, Default::default(), None)
        .await
        .expect_err("bad key");
    assert_eq!(bad.code(), "invalid_input");
}

#[tokio::test]
async fn stages_crud_and_moves_by_column_key() {
    let (_dir, inbox, paid, unpaid) = inbox();
    let shipped = inbox.add_stage("Shipped".into()).await.expect("adds");
    let preparing = inbox.add_stage("Preparing".into()).await.expect("adds");
    inbox
        .reorder_stages(vec![preparing.clone(), shipped.clone()])
        .await
        .expect("reorders");
    inbox
        .rename_stage(shipped.clone(), "Sent".into())
        .await
        .expect("renames");
    inbox.move_lead(paid, shipped.clone()).await.expect("moves");
    let refused = inbox
        .move_lead(unpaid, shipped.clone())
        .await
        .expect_err("unpaid");
    assert_eq!(refused.code(), "not_paid");
    let keys: Vec<_> = inbox
        .board(None, Default::default())
        .await
        .expect("board")
        .into_iter()
        .map(|c| c.key)
        .collect();
    assert_eq!(keys[3], preparing);
    assert_eq!(keys[4], shipped);
    assert_eq!(inbox.delete_stage(shipped).await.expect("deletes"), 1);
    assert_eq!(
        inbox.lead_card(paid).await.expect("card").summary.stage_key,
        "system:paid"
    );
    let locked = inbox
        .delete_stage("system:paid".into())
        .await
        .expect_err("locked");
    assert_eq!(locked.code(), "system_stage_locked");
}

#[tokio::test]
async fn check_send_explains_refusals_and_passes_once_cleared() {
    let (_dir, inbox, paid, unpaid) = inbox();
    let check = inbox
        .check_send(unpaid, text("Hola"))
        .await
        .expect("checks");
    assert_eq!(
        check.refusal,
        Some(Refusal::PaymentNotConfirmed {
            stage: crate::pipeline::SystemStage::PaymentRequired
        })
    );
    inbox
        .store()
        .write(|tx| orders::apply_page(tx, 1, &[api_order(2, None, "paid", "Yerba")], now()))
        .expect("pays");
    assert_eq!(
        inbox
            .check_send(unpaid, text("Hola"))
            .await
            .expect("checks")
            .refusal,
        None
    );

    let queued = inbox
        .queue_draft(paid, text("¡Gracias por tu compra!"))
        .await
        .expect("queues");
    assert_eq!(queued.item.state, OutboxState::Pending);
    let again = inbox
        .queue_draft(paid, text("¿Llegó?"))
        .await
        .expect_err("waits");
    assert_eq!(again.code(), "awaiting_buyer_reply");
    let conversation = inbox.conversation(paid, None).await.expect("chat");
    assert_eq!(
        conversation.outbox.len(),
        1,
        "the pending draft shows in the chat"
    );
}

#[tokio::test]
async fn a_first_message_with_a_file_queues_the_text_and_holds_the_file() {
    let (dir, inbox, paid, _) = inbox();
    let path = dir.path().join("factura.pdf");
    std::fs::write(&path, b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n").expect("writes");
    let file = DraftFileDto {
        path: path.display().to_string(),
        name: "factura.pdf".into(),
    };
    let only_file = DraftDto {
        text: String::new(),
        files: vec![file.clone()],
        guide: None,
    };
    let check = inbox.check_send(paid, only_file).await.expect("checks");
    assert_eq!(check.refusal, Some(Refusal::FileOnlyFirstMessage));

    let draft = DraftDto {
        text: "Te paso la factura".into(),
        files: vec![file.clone()],
        guide: None,
    };
    let queued = inbox.queue_draft(paid, draft).await.expect("queues");
    assert_eq!(queued.held_back, Some(HeldBack::FirstMessage));
    assert!(queued.item.files.is_empty());

    // Once the buyer answered, the file goes, copied into the cache under our own name.
    let conversation = IncomingConversation::from_api(
        &api_conversation(vec![
            api_message("s1", false, "Te paso la factura", 1),
            api_message("b1", true, "¡Dale!", 2),
        ]),
        SELLER,
    );
    inbox
        .store()
        .write(|tx| messages::apply_page(tx, paid, &conversation))
        .expect("messages");
    let item = queued.item.id;
    inbox
        .store()
        .write(|tx| {
            outbox_store::transition(tx, item, OutboxState::Sending, None, None, now())?;
            outbox_store::transition(tx, item, OutboxState::Sent, None, Some("s1"), now())
        })
        .expect("sent");
    let draft = DraftDto {
        text: String::new(),
        files: vec![file],
        guide: None,
    };
    let queued = inbox.queue_draft(paid, draft).await.expect("queues");
    assert_eq!(queued.item.files, ["factura.pdf"]);
    let stored = inbox
        .store()
        .read(|c| outbox_store::get(c, queued.item.id))
        .expect("reads");
    assert!(stored.files[0].cache_name.starts_with("draft-"));
    assert!(dir
        .path()
        .join("data/cache")
        .join(&stored.files[0].cache_name)
        .exists());
}

#[tokio::test]
async fn search_stats_archive_and_mark_read() {
    let (_dir, inbox, paid, _) = inbox();
    let conversation = IncomingConversation::from_api(
        &api_conversation(vec![api_message("b1", true, "¿Envío gratis?", 1)]),
        SELLER,
    );
    inbox
        .store()
        .write(|tx| messages::apply_page(tx, paid, &conversation))
        .expect("messages");
    let hits = inbox
        .search("envio".into(), None, None)
        .await
        .expect("searches");
    assert_eq!(hits.messages.len(), 1);
    assert_eq!(
        inbox.stats(None).await.expect("stats").waiting_for_seller,
        1
    );
    let mut events = inbox.subscribe();
    assert!(inbox.mark_read(paid).await.expect("marks"));
    assert_eq!(events.try_recv().expect("an event").leads_changed, [paid]);
    assert_eq!(
        inbox
            .lead_card(paid)
            .await
            .expect("card")
            .summary
            .unread_count,
        0
    );
    inbox.archive(paid).await.expect("archives");
    assert!(inbox.lead_card(paid).await.expect("card").summary.archived);
    inbox.unarchive(paid).await.expect("unarchives");
    assert!(!inbox.lead_card(paid).await.expect("card").summary.archived);
}

#[test]
fn a_disabled_account_is_readable() {
    let (_dir, inbox, paid, _) = inbox();
    inbox
        .store()
        .write(|tx| accounts::disable(tx, 1, now()))
        .expect("disables");
    let card = inbox
        .store()
        .read(|c| board::lead_card(c, paid))
        .expect("card");
    assert!(card.source_disabled);
}
