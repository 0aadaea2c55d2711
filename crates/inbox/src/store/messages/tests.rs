use super::*;
use crate::incoming::IncomingConversation;
use crate::rules::{may_send, Draft, Refusal};
use crate::store::testing::{
    api_conversation, api_message, api_order, at_minute, now, temp_store, SELLER,
};
use crate::store::{accounts, conversation, orders, Store};

fn setup() -> (tempfile::TempDir, Store, i64) {
    let (dir, store) = temp_store();
    let lead = store
        .write(|tx| {
            let account = accounts::connect(tx, SELLER, "MLA", None, now())?;
            orders::apply_page(
                tx,
                account,
                &[api_order(1, Some(500), "paid", "Mate")],
                now(),
            )?;
            Ok(leads::find(tx, account, 500)?.expect("lead"))
        })
        .expect("setup");
    (dir, store, lead)
}

fn page(messages: Vec<serde_json::Value>) -> IncomingConversation {
    IncomingConversation::from_api(&api_conversation(messages), SELLER)
}

fn apply(store: &Store, lead: i64, messages: Vec<serde_json::Value>) -> MessagesOutcome {
    store
        .write(|tx| apply_page(tx, lead, &page(messages)))
        .expect("applies")
}

fn lead_row(store: &Store, lead: i64) -> (i64, Option<String>, bool, Option<i64>) {
    store
        .read(|c| {
            Ok(c.query_row(
                "SELECT unread_count, last_message_excerpt, last_from_buyer, archived_at FROM leads WHERE id = ?1",
                [lead],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?)
        })
        .expect("reads")
}

#[test]
fn replaying_a_conversation_page_changes_nothing() {
    let (_dir, store, lead) = setup();
    let messages = vec![
        api_message("m1", true, "Hola, ¿cuándo llega?", 1),
        api_message("m2", false, "Mañana", 2),
    ];
    let first = apply(&store, lead, messages.clone());
    assert_eq!(first.added, 2);
    assert_eq!(first.new_from_buyer, 1);
    let (outcome, writes) = store
        .write(|tx| {
            let start = tx.total_changes();
            let outcome = apply_page(tx, lead, &page(messages))?;
            Ok((outcome, tx.total_changes() - start))
        })
        .expect("replays");
    assert_eq!(outcome, MessagesOutcome::default());
    assert_eq!(writes, 0);
}

#[test]
fn a_buyer_message_is_unread_until_the_chat_is_opened() {
    let (_dir, store, lead) = setup();
    apply(
        &store,
        lead,
        vec![api_message("m1", true, "¿Tenés   en\nrojo?", 1)],
    );
    assert_eq!(
        lead_row(&store, lead),
        (1, Some("¿Tenés en rojo?".into()), true, None)
    );
    assert!(store
        .write(|tx| conversation::mark_read(tx, lead))
        .expect("marks"));
    assert_eq!(lead_row(&store, lead).0, 0);
    assert!(
        !store
            .write(|tx| conversation::mark_read(tx, lead))
            .expect("marks"),
        "idempotent"
    );
    let chat = store
        .read(|c| conversation::page(c, lead, None, 50))
        .expect("page");
    assert!(chat.messages[0].read);
    // A replay of the same page must not make it unread again.
    apply(
        &store,
        lead,
        vec![api_message("m1", true, "¿Tenés   en\nrojo?", 1)],
    );
    assert_eq!(lead_row(&store, lead).0, 0);
    apply(&store, lead, vec![api_message("m2", true, "¿Hola?", 3)]);
    assert_eq!(lead_row(&store, lead).0, 1);
}

#[test]
fn seller_messages_written_on_mercado_libre_appear_and_clear_waiting() {
    let (_dir, store, lead) = setup();
    apply(&store, lead, vec![api_message("m1", true, "Hola", 1)]);
    assert!(lead_row(&store, lead).2, "waiting for the seller");
    apply(
        &store,
        lead,
        vec![api_message("m2", false, "¡Hola! Ya sale", 2)],
    );
    let (_, excerpt, waiting, _) = lead_row(&store, lead);
    assert_eq!(excerpt.as_deref(), Some("¡Hola! Ya sale"));
    assert!(!waiting);
}

#[test]
fn an_archived_lead_returns_when_the_buyer_writes_again_with_its_history() {
    let (_dir, store, lead) = setup();
    apply(&store, lead, vec![api_message("m1", true, "Hola", -60)]);
    store
        .write(|tx| leads::archive(tx, lead, now()))
        .expect("archives");
    apply(&store, lead, vec![api_message("m1", true, "Hola", -60)]);
    assert!(
        lead_row(&store, lead).3.is_some(),
        "old messages do not reopen"
    );
    apply(
        &store,
        lead,
        vec![api_message("m2", true, "¿Sigue disponible?", 5)],
    );
    assert_eq!(lead_row(&store, lead).3, None);
    let chat = store
        .read(|c| conversation::page(c, lead, None, 50))
        .expect("page");
    assert_eq!(chat.messages.len(), 2, "history kept");
}

#[test]
fn raw_json_is_kept_once_and_restored_whole() {
    let (_dir, store, lead) = setup();
    let message = api_message("m1", true, "Texto único", 1);
    apply(&store, lead, vec![message.clone()]);
    let (stored_raw, account): (Vec<u8>, i64) = store
        .read(|c| {
            Ok(
                c.query_row("SELECT raw_packed, account_id FROM messages", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?,
            )
        })
        .expect("reads");
    let columns = crate::store::raw::MessageColumns { id: "", text: "" };
    let unpacked = crate::store::raw::unpack_message(&stored_raw, columns).expect("unpacks");
    assert_eq!(
        unpacked.get("text"),
        Some(&serde_json::Value::String(String::new())),
        "the text lives only in its column"
    );
    assert_eq!(
        unpacked.get("id"),
        Some(&serde_json::Value::String(String::new())),
        "the id lives only in its column"
    );
    assert!(
        stored_raw.len() * 2 < message.to_string().len(),
        "kept compressed: {} bytes",
        stored_raw.len()
    );
    let restored = store
        .read(|c| raw_json(c, account, "m1"))
        .expect("reads")
        .expect("exists");
    assert_eq!(restored, message);
}

#[test]
fn highlight_markers_are_stripped_from_message_text() {
    let (_dir, store, lead) = setup();
    apply(
        &store,
        lead,
        vec![api_message("m1", true, "a\u{2}b\u{3}c", 1)],
    );
    let chat = store
        .read(|c| conversation::page(c, lead, None, 50))
        .expect("page");
    assert_eq!(chat.messages[0].text, "abc");
}

#[test]
fn messages_in_the_same_millisecond_keep_distinct_time_ordered_seqs() {
    let (_dir, store, lead) = setup();
    apply(
        &store,
        lead,
        // Newest first, as Mercado Libre lists them.
        vec![
            api_message("b", true, "dos", 1),
            api_message("a", true, "uno", 1),
        ],
    );
    apply(&store, lead, vec![api_message("c", true, "antes", 0)]);
    let chat = store
        .read(|c| conversation::page(c, lead, None, 50))
        .expect("page");
    let texts: Vec<_> = chat.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["antes", "uno", "dos"]);
}

#[test]
fn conversation_pages_by_keyset_oldest_first_within_a_page() {
    let (_dir, store, lead) = setup();
    let messages = (0..120)
        .map(|i| api_message(&format!("m{i}"), i % 2 == 0, &format!("mensaje {i}"), i))
        .collect();
    apply(&store, lead, messages);
    let newest = store
        .read(|c| conversation::page(c, lead, None, 50))
        .expect("page");
    assert_eq!(newest.messages.len(), 50);
    assert_eq!(newest.messages[0].text, "mensaje 70");
    assert_eq!(newest.messages[49].text, "mensaje 119");
    let older = store
        .read(|c| conversation::page(c, lead, newest.older_cursor.as_deref(), 50))
        .expect("page");
    assert_eq!(older.messages[0].text, "mensaje 20");
    let oldest = store
        .read(|c| conversation::page(c, lead, older.older_cursor.as_deref(), 50))
        .expect("page");
    assert_eq!(oldest.messages.len(), 20);
    assert_eq!(oldest.older_cursor, None);
    let bad = store
        .read(|c| conversation::page(c, lead, Some("x"), 50))
        .expect_err("bad cursor");
    assert_eq!(bad.code(), "invalid_input");
}

#[test]
fn attachments_metadata_is_stored_for_the_chat() {
    let (_dir, store, lead) = setup();
    let mut message = api_message("m1", true, "Foto", 1);
    message["message_attachments"] = serde_json::json!([{
        "filename": "415460047_a96d8dea.jpg", "original_filename": "../../etc/passwd.jpg",
        "type": "image/jpeg", "size": 1234
    }]);
    apply(&store, lead, vec![message.clone()]);
    apply(&store, lead, vec![message]);
    let chat = store
        .read(|c| conversation::page(c, lead, None, 50))
        .expect("page");
    let attachments = &chat.messages[0].attachments;
    assert_eq!(attachments.len(), 1);
    assert_eq!(
        attachments[0].original_name.as_deref(),
        Some("../../etc/passwd.jpg")
    );
    assert!(!attachments[0].downloaded);
    let name = store
        .write(|tx| {
            crate::store::attachments::set_downloaded(
                tx,
                attachments[0].id,
                &crate::rules::FileContent::Jpeg,
            )
        })
        .expect("records");
    assert_eq!(name, format!("att-{}.jpg", attachments[0].id));
}

#[test]
fn send_facts_follow_the_conversation() {
    let (_dir, store, lead) = setup();
    let draft = Draft {
        text: "¡Gracias!".into(),
        ..Draft::default()
    };
    let check = |store: &Store| {
        let (lead_facts, conversation_facts) = store
            .read(|c| conversation::send_facts(c, lead))
            .expect("facts");
        may_send(&lead_facts, &conversation_facts, &draft)
    };
    assert!(check(&store).is_ok(), "a paid lead, nobody wrote yet");
    apply(
        &store,
        lead,
        vec![api_message("m1", false, "Hola, gracias por comprar", 1)],
    );
    assert_eq!(check(&store), Err(Refusal::AwaitingBuyerReply));
    apply(&store, lead, vec![api_message("m2", true, "De nada", 2)]);
    assert!(check(&store).is_ok(), "the buyer answered");

    let mut blocked = api_conversation(vec![]);
    blocked["conversation_status"] =
        serde_json::json!({"status": "blocked", "substatus": "blocked_by_mediation"});
    store
        .write(|tx| apply_page(tx, lead, &IncomingConversation::from_api(&blocked, SELLER)))
        .expect("applies");
    assert_eq!(
        check(&store),
        Err(Refusal::ConversationBlocked {
            substatus: Some("blocked_by_mediation".into())
        })
    );

    store
        .write(|tx| apply_page(tx, lead, &page(vec![])))
        .expect("unblocks");
    let account = store
        .read(|c| Ok(leads::load(c, lead)?.account_id))
        .expect("account");
    store
        .write(|tx| accounts::disable(tx, account, at_minute(5)))
        .expect("disables");
    assert_eq!(check(&store), Err(Refusal::SourceDisabled));
    store
        .write(|tx| accounts::connect(tx, SELLER, "MLA", None, at_minute(6)).map(|_| ()))
        .expect("reconnects");
    assert!(check(&store).is_ok());
}

#[test]
fn messages_of_the_same_millisecond_keep_the_order_they_were_written() {
    let (_dir, store, lead) = setup();
    // Newest first, as Mercado Libre lists them; all three in one millisecond.
    apply(
        &store,
        lead,
        vec![
            api_message("c", true, "tercero", 1),
            api_message("b", true, "segundo", 1),
            api_message("a", true, "primero", 1),
        ],
    );
    let shown: Vec<String> = store
        .read(|c| conversation::page(c, lead, None, 50))
        .expect("page")
        .messages
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert_eq!(shown, ["primero", "segundo", "tercero"]);
}

/// An import batch stores chats that go back and forth in time and holds their search rows
/// for one sorted run at the end. A chat read twice in the batch with a text that changed
/// meanwhile leaves the index matching the messages: the new text found, the old one gone.
#[test]
fn a_batch_indexes_its_chats_once_in_order_and_stays_consistent() {
    let (_dir, store) = temp_store();
    let leads = store
        .write(|tx| {
            let account = accounts::connect(tx, SELLER, "MLA", None, now())?;
            let mut leads = Vec::new();
            for (order, pack) in [(1, 500), (2, 501), (3, 502)] {
                orders::apply_page(
                    tx,
                    account,
                    &[api_order(order, Some(pack), "paid", "Mate")],
                    now(),
                )?;
                leads.push(leads::find(tx, account, pack)?.expect("lead"));
            }
            Ok(leads)
        })
        .expect("setup");
    let segments_before: i64 = store
        .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM messages_fts_data", [], |r| r.get(0))?))
        .expect("segments");
    store
        .write(|tx| {
            let mut index = IndexLater::default();
            let chat = |id: &str, text: &str, minute| api_message(id, true, text, minute);
            let newest = page(vec![
                chat("a1", "calabaza naranja", 40),
                chat("a2", "zapallo", 41),
            ]);
            apply_page_indexing_later(tx, leads[0], &newest, &mut index)?;
            let oldest = page(vec![chat("b1", "berenjena", 1), chat("b2", "pepino", 2)]);
            apply_page_indexing_later(tx, leads[1], &oldest, &mut index)?;
            // Held back, not indexed yet.
            let indexed: i64 = tx.query_row(
                "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'berenjena'",
                [],
                |r| r.get(0),
            )?;
            assert_eq!(indexed, 0);
            let edited = page(vec![
                chat("a1", "calabaza verde", 40),
                chat("a2", "zapallo", 41),
            ]);
            apply_page_indexing_later(tx, leads[0], &edited, &mut index)?;
            let middle = page(vec![chat("c1", "tomate", 20)]);
            apply_page_indexing_later(tx, leads[2], &middle, &mut index)?;
            index.flush(tx)
        })
        .expect("the batch");
    store
        .write(|tx| {
            tx.execute_batch(
                "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
            )?;
            Ok(())
        })
        .expect("the index matches the messages");
    store
        .read(|c| {
            let found = |query: &str| -> rusqlite::Result<Vec<String>> {
                let mut stmt = c.prepare(
                    "SELECT m.meli_id FROM messages_fts f JOIN messages m ON m.seq = f.rowid
                     WHERE messages_fts MATCH ?1 ORDER BY m.seq",
                )?;
                let ids = stmt.query_map([query], |r| r.get(0))?;
                ids.collect()
            };
            assert_eq!(found("verde")?, ["a1"]);
            assert!(found("naranja")?.is_empty());
            assert_eq!(
                found("berenjena OR pepino OR tomate OR zapallo")?,
                ["b1", "b2", "c1", "a2"]
            );
            Ok(())
        })
        .expect("searches");
    let segments_after: i64 = store
        .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM messages_fts_data", [], |r| r.get(0))?))
        .expect("segments");
    assert!(segments_after > segments_before);
}
