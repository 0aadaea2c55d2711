use super::*;
use crate::rules::{may_send, Draft, Refusal};
use crate::store::testing::{now, store_with_a_paid_lead};
use crate::store::{conversation, Store};

fn setup() -> (tempfile::TempDir, Store, i64) {
    store_with_a_paid_lead()
}

fn file() -> QueuedFile {
    QueuedFile {
        cache_name: "draft-1-0.pdf".into(),
        name: "factura.pdf".into(),
        size: 10,
    }
}

#[test]
fn a_draft_survives_reopening_the_database() {
    let (dir, store, lead) = setup();
    let id = store
        .write(|tx| enqueue(tx, lead, "Ya sale tu pedido 📦", &[file()], None, now()))
        .expect("queues");
    drop(store);
    let store = Store::open(&dir.path().join("inbox.sqlite")).expect("reopens");
    let queued = store.read(|c| get(c, id)).expect("reads");
    assert_eq!(queued.text, "Ya sale tu pedido 📦");
    assert_eq!(queued.files, [file()]);
    assert_eq!(queued.state, OutboxState::Pending);
    assert_eq!(store.read(due).expect("due").len(), 1);
}

#[test]
fn the_happy_path_and_what_the_chat_shows() {
    let (_dir, store, lead) = setup();
    let id = store
        .write(|tx| enqueue(tx, lead, "Hola", &[file()], None, now()))
        .expect("queues");
    let shown = store.read(|c| unsent_for_lead(c, lead)).expect("lists");
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].files, ["factura.pdf"]);
    assert_eq!(shown[0].state, OutboxState::Pending);
    store
        .write(|tx| {
            transition(tx, id, OutboxState::Uploading, None, None, now())?;
            record_upload(tx, id, "att-1")?;
            record_upload(tx, id, "att-1")?;
            transition(tx, id, OutboxState::Sending, None, None, now())?;
            transition(tx, id, OutboxState::Sent, None, Some("abc123"), now())
        })
        .expect("sends");
    let sent = store.read(|c| get(c, id)).expect("reads");
    assert_eq!(sent.uploaded, ["att-1"], "an upload is recorded once");
    assert_eq!(sent.attempts, 1);
    assert!(store
        .read(|c| unsent_for_lead(c, lead))
        .expect("lists")
        .is_empty());
    assert!(store.read(due).expect("due").is_empty());
}

#[test]
fn failures_keep_their_reason_and_ambiguous_sends_wait_for_reconciling() {
    let (_dir, store, lead) = setup();
    let id = store
        .write(|tx| enqueue(tx, lead, "Hola", &[], None, now()))
        .expect("queues");
    store
        .write(|tx| {
            transition(tx, id, OutboxState::Sending, None, None, now())?;
            transition(tx, id, OutboxState::Ambiguous, Some("timeout"), None, now())
        })
        .expect("ambiguous");
    assert_eq!(
        store.read(due).expect("due")[0].state,
        OutboxState::Ambiguous
    );
    // An ambiguous send never goes back to pending by itself: only after it is not
    // confirmed, by the seller's "Send again".
    assert_eq!(
        store
            .write(|tx| transition(tx, id, OutboxState::Pending, None, None, now()))
            .expect_err("refused")
            .code(),
        "invalid_input"
    );
    assert_eq!(
        store
            .write(|tx| resend(tx, id, now()))
            .expect_err("refused")
            .code(),
        "invalid_input"
    );
    store
        .write(|tx| {
            transition(tx, id, OutboxState::NotConfirmed, None, None, now())?;
            resend(tx, id, now())?;
            transition(tx, id, OutboxState::Sending, None, None, now())?;
            transition(
                tx,
                id,
                OutboxState::Failed,
                Some("moderated: PERSONAL_DATA"),
                None,
                now(),
            )
        })
        .expect("fails");
    let shown = store.read(|c| unsent_for_lead(c, lead)).expect("lists");
    assert_eq!(shown[0].state, OutboxState::Failed);
    assert_eq!(shown[0].reason.as_deref(), Some("moderated: PERSONAL_DATA"));
    assert!(
        store.read(due).expect("due").is_empty(),
        "a failed draft waits for the seller"
    );
    store.write(|tx| discard(tx, id)).expect("discards");
    assert_eq!(
        store.read(|c| get(c, id)).expect_err("gone").code(),
        "not_found"
    );
}

#[test]
fn impossible_transitions_are_refused() {
    let (_dir, store, lead) = setup();
    let id = store
        .write(|tx| enqueue(tx, lead, "Hola", &[], None, now()))
        .expect("queues");
    let err = store
        .write(|tx| transition(tx, id, OutboxState::Sent, None, None, now()))
        .expect_err("refused");
    assert_eq!(err.code(), "invalid_input");
    store
        .write(|tx| {
            transition(tx, id, OutboxState::Sending, None, None, now())?;
            transition(tx, id, OutboxState::Sent, None, Some("x"), now())
        })
        .expect("sends");
    for to in [
        OutboxState::Pending,
        OutboxState::Failed,
        OutboxState::Sending,
    ] {
        assert!(
            store
                .write(|tx| transition(tx, id, to, None, None, now()))
                .is_err(),
            "sent is final"
        );
    }
    assert_eq!(
        store.write(|tx| discard(tx, id)).expect_err("sent").code(),
        "invalid_input"
    );
}

#[test]
fn every_transition_matches_the_diagram() {
    use OutboxState::*;
    let all = [
        Pending,
        Uploading,
        Sending,
        Sent,
        Failed,
        Ambiguous,
        NotConfirmed,
    ];
    let allowed: Vec<(OutboxState, OutboxState)> = all
        .iter()
        .flat_map(|a| all.iter().map(move |b| (*a, *b)))
        .filter(|(a, b)| transition_allowed(*a, *b))
        .collect();
    assert_eq!(
        allowed,
        [
            (Pending, Uploading),
            (Pending, Sending),
            (Pending, Failed),
            (Uploading, Pending),
            (Uploading, Sending),
            (Uploading, Failed),
            (Sending, Pending),
            (Sending, Sent),
            (Sending, Failed),
            (Sending, Ambiguous),
            (Failed, Pending),
            (Ambiguous, Sent),
            (Ambiguous, Failed),
            (Ambiguous, NotConfirmed),
            (NotConfirmed, Pending),
        ]
    );
}

#[test]
fn a_queued_draft_makes_the_next_one_wait_for_the_buyer() {
    let (_dir, store, lead) = setup();
    let draft = Draft {
        text: "¿Algo más?".into(),
        ..Draft::default()
    };
    let check = |store: &Store| {
        let (l, c) = store
            .read(|c| conversation::send_facts(c, lead))
            .expect("facts");
        may_send(&l, &c, &draft)
    };
    assert!(check(&store).is_ok());
    let id = store
        .write(|tx| enqueue(tx, lead, "Hola", &[], None, now()))
        .expect("queues");
    assert_eq!(check(&store), Err(Refusal::AwaitingBuyerReply));
    store.write(|tx| discard(tx, id)).expect("discards");
    assert!(check(&store).is_ok());
}

#[test]
fn a_reasons_draft_shows_which_reason_it_goes_through() {
    let (_dir, store, lead) = setup();
    let choice = GuideChoice {
        option_id: "REQUEST_BILLING_INFO".into(),
        template_id: Some("TEMPLATE___REQUEST_BILLING_INFO___MLA".into()),
    };
    store
        .write(|tx| enqueue(tx, lead, "", &[], Some(&choice), now()))
        .expect("queues");
    store
        .write(|tx| enqueue(tx, lead, "Hola", &[], None, now()))
        .expect("queues");
    let shown = store.read(|c| unsent_for_lead(c, lead)).expect("lists");
    assert_eq!(
        shown[0].guide_option_id.as_deref(),
        Some("REQUEST_BILLING_INFO")
    );
    assert_eq!(shown[1].guide_option_id, None);
}

#[test]
fn a_post_records_what_proves_it_and_sending_again_forgets_it() {
    let (_dir, store, lead) = setup();
    let id = store
        .write(|tx| enqueue(tx, lead, "Hola", &[], None, now()))
        .expect("queues");
    let posted = now() + chrono::Duration::minutes(7);
    store
        .write(|tx| {
            start_posting(
                tx,
                id,
                &Posting {
                    after_meli_id: Some("m-9"),
                    posted_at: Some(posted),
                    posted_text: Some("Hola"),
                },
                now(),
            )?;
            transition(tx, id, OutboxState::Ambiguous, Some("timeout"), None, now())?;
            count_confirm_read(tx, id)
        })
        .expect("posts");
    let queued = store.read(|c| get(c, id)).expect("reads");
    assert_eq!(queued.state, OutboxState::Ambiguous);
    assert_eq!(queued.confirm_reads, 1);
    assert_eq!(queued.unknown_since, Some(now()));
    assert_eq!(queued.posted_text.as_deref(), Some("Hola"));
    let shown = store
        .write(|tx| {
            transition(tx, id, OutboxState::NotConfirmed, None, None, now())?;
            assert!(
                due(tx)?.is_empty(),
                "a not-confirmed draft waits for the seller"
            );
            resend(tx, id, now())
        })
        .expect("sends again");
    assert_eq!(shown.state, OutboxState::Pending);
    let queued = store.read(|c| get(c, id)).expect("reads");
    assert_eq!(
        (
            queued.confirm_reads,
            queued.unknown_since,
            queued.posted_text
        ),
        (0, None, None)
    );
    store
        .write(|tx| {
            transition(tx, id, OutboxState::Sending, None, None, now())?;
            transition(tx, id, OutboxState::Ambiguous, None, None, now())?;
            transition(tx, id, OutboxState::NotConfirmed, None, None, now())?;
            discard(tx, id)
        })
        .expect("discards a not-confirmed draft");
}
