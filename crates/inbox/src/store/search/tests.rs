use super::*;
use crate::incoming::IncomingConversation;
use crate::store::testing::{api_conversation, api_message, api_order, now, temp_store, SELLER};
use crate::store::{accounts, leads, messages, orders, Store};

/// Two accounts; account A has pack 500 (mate, bombilla) with a conversation, account B an
/// order for yerba.
fn setup() -> (tempfile::TempDir, Store, i64, i64) {
    let (dir, store) = temp_store();
    let (a, b) = store
        .write(|tx| {
            let a = accounts::connect(tx, SELLER, "MLA", None, now())?;
            let b = accounts::connect(tx, SELLER, "MLB", None, now())?;
            orders::apply_page(
                tx,
                a,
                &[
                    api_order(
                        2000009047722568,
                        Some(2000006181551917),
                        "paid",
                        "Mate de calabaza imperial",
                    ),
                    api_order(
                        2000009047707726,
                        Some(2000006181551917),
                        "paid",
                        "Bombilla de alpaca",
                    ),
                ],
                now(),
            )?;
            orders::apply_page(
                tx,
                b,
                &[api_order(77, None, "paid", "Erva-mate chimarrão")],
                now(),
            )?;
            let lead = leads::find(tx, a, 2000006181551917)?.expect("lead");
            let conversation = IncomingConversation::from_api(
                &api_conversation(vec![
                    api_message(
                        "m1",
                        true,
                        "Hola, ¿la información del envío? \"urgente\" * NEAR - ok",
                        1,
                    ),
                    api_message("m2", false, "El envío sale mañana por la mañana", 2),
                    api_message("m3", true, "Gracias, el envío llegó", 3),
                ]),
                SELLER,
            );
            messages::apply_page(tx, lead, &conversation)?;
            Ok((a, b))
        })
        .expect("setup");
    (dir, store, a, b)
}

fn run(store: &Store, input: &str, account: Option<i64>) -> SearchResults {
    store
        .read(|c| search(c, input, account, None))
        .expect("searches")
}

#[test]
fn messages_are_found_newest_first_with_marked_snippets() {
    let (_dir, store, _a, _b) = setup();
    let results = run(&store, "envío", None);
    let ids: Vec<_> = results
        .messages
        .iter()
        .filter_map(|h| h.message_id.clone())
        .collect();
    assert_eq!(ids, ["m3", "m2", "m1"]);
    assert!(
        results.messages[0].snippet.contains("\u{2}envío\u{3}"),
        "{}",
        results.messages[0].snippet
    );
    assert_eq!(results.messages[0].lead_name, "2000006181551917");
    assert_eq!(results.messages[0].buyer.as_deref(), Some("María Pérez"));
}

#[test]
fn diacritics_are_ignored() {
    let (_dir, store, _a, _b) = setup();
    assert_eq!(run(&store, "informacion", None).messages.len(), 1);
    assert_eq!(run(&store, "ENVIO", None).messages.len(), 3);
}

#[test]
fn leads_are_found_by_buyer_numbers_and_items() {
    let (_dir, store, a, b) = setup();
    for input in [
        "María",
        "maria perez",
        "comprador_test",
        "2000006181551917",
        "20000090477",
        "calabaza",
        "alpaca",
    ] {
        let results = run(&store, input, Some(a));
        assert_eq!(results.leads.len(), 1, "{input}");
        assert!(
            results.leads[0].snippet.contains('\u{2}'),
            "{input}: {}",
            results.leads[0].snippet
        );
    }
    let yerba = run(&store, "chimarrao", None);
    assert_eq!(yerba.leads.len(), 1);
    assert_eq!(yerba.leads[0].account_id, b);
}

#[test]
fn search_is_per_account_or_across_all() {
    let (_dir, store, a, b) = setup();
    assert_eq!(run(&store, "mate", None).leads.len(), 2);
    assert_eq!(run(&store, "mate", Some(a)).leads.len(), 1);
    assert_eq!(run(&store, "mate", Some(b)).leads.len(), 1);
    assert_eq!(run(&store, "envío", Some(b)).messages.len(), 0);
}

#[test]
fn anything_pasted_searches_or_finds_nothing_never_fails() {
    let (_dir, store, _a, _b) = setup();
    let long = "envío ".repeat(5_000);
    let inputs = [
        "a\u{0}b",
        "\u{0}",
        "envío\u{0}",
        "\u{7}\u{1b}[31mrojo\u{1b}[0m",
        "tab\there\r\nnext",
        "\u{feff}envío",
        "envi\u{301}o",
        "\u{200b}\u{200d}",
        "[envío]",
        "{envío}",
        "envío)",
        "envío\\",
        "\"envío",
        "envío\"\"",
        "🙂 envío 🙂",
        "𝔢𝔫𝔳í𝔬",
        "ＥＮＶÍＯ",
        "e*n*v*í*o",
        "col:umn:",
        "+envío",
        "NOT",
        "AND OR NOT NEAR",
        "%_%",
        "\u{2028}\u{2029}",
        long.as_str(),
    ];
    for input in inputs {
        let results = store.read(|c| search(c, input, None, None));
        assert!(results.is_ok(), "{input:?}: {results:?}");
        let board = store.read(|c| {
            crate::store::board::board(
                c,
                None,
                &crate::ipc::BoardFilter {
                    text: input.to_owned(),
                    ..Default::default()
                },
                30,
            )
        });
        assert!(board.is_ok(), "board filter {input:?}: {board:?}");
    }
}

#[test]
fn fts_syntax_in_user_input_is_plain_text() {
    let (_dir, store, _a, _b) = setup();
    for input in [
        "\"urgente\"",
        "\"",
        "*",
        "NEAR",
        "NEAR(envío llegó)",
        "-",
        "- ok",
        "envío -llegó",
        "envío OR nada",
        "envío AND",
        "text:envío",
        "(",
        "^envío",
        "' OR 1=1 --",
        "",
        "   ",
    ] {
        let results = store.read(|c| search(c, input, None, None));
        assert!(results.is_ok(), "{input:?}: {results:?}");
    }
    assert_eq!(run(&store, "\"urgente\"", None).messages.len(), 1);
    assert_eq!(
        run(&store, "envío -llegó", None).messages.len(),
        1,
        "'-' is not NOT"
    );
    assert_eq!(
        run(&store, "envío OR nada", None).messages.len(),
        0,
        "OR is a word"
    );
    assert_eq!(run(&store, "*", None).messages.len(), 0);
}

#[test]
fn fts_query_quotes_every_word() {
    assert_eq!(
        fts_query("a\"b NEAR", Prefix::LastIfLong).as_deref(),
        Some("\"a\"\"b\" \"NEAR\"*")
    );
    assert_eq!(
        fts_query("hola mundo", Prefix::None).as_deref(),
        Some("\"hola\" \"mundo\"")
    );
    assert_eq!(
        fts_query("hola yo", Prefix::LastIfLong).as_deref(),
        Some("\"hola\" \"yo\"")
    );
    assert_eq!(
        fts_query("12 34", Prefix::Every).as_deref(),
        Some("\"12\"* \"34\"*")
    );
    assert_eq!(fts_query(" * - ", Prefix::Every), None);
}

#[test]
fn message_hits_page_by_cursor() {
    let (_dir, store, a, _b) = setup();
    let lead = store
        .read(|c| Ok(leads::find(c, a, 2000006181551917)?.expect("lead")))
        .expect("lead");
    let many = (0..60)
        .map(|i| {
            api_message(
                &format!("x{i}"),
                i % 2 == 0,
                &format!("pedido número {i}"),
                10 + i,
            )
        })
        .collect();
    store
        .write(|tx| {
            messages::apply_page(
                tx,
                lead,
                &IncomingConversation::from_api(&api_conversation(many), SELLER),
            )
        })
        .expect("messages");
    let first = run(&store, "pedido", None);
    assert_eq!(first.messages.len(), 50);
    assert_eq!(first.messages[0].message_id.as_deref(), Some("x59"));
    let second = store
        .read(|c| search(c, "pedido", None, first.next_cursor.as_deref()))
        .expect("searches");
    assert_eq!(second.messages.len(), 10);
    assert_eq!(second.messages[9].message_id.as_deref(), Some("x0"));
    assert!(
        second.leads.is_empty(),
        "lead hits come with the first page only"
    );
    assert_eq!(second.next_cursor, None);
}

#[test]
fn lead_hits_come_newest_sale_first_without_sorting() {
    let (_dir, store) = crate::store::testing::temp_store();
    let account = store
        .write(|tx| accounts::connect(tx, SELLER, "MLA", None, now()))
        .expect("account");
    let page: Vec<_> = ["2026-01-05", "2026-03-01", "2026-02-10"]
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let mut order = api_order(i as i64 + 1, None, "paid", "Mate");
            order["date_created"] = format!("{day}T10:00:00.000-03:00").into();
            order
        })
        .collect();
    store
        .write(|tx| orders::apply_page(tx, account, &page, now()))
        .expect("orders");
    let names: Vec<_> = run(&store, "mate", None)
        .leads
        .into_iter()
        .map(|h| h.lead_name)
        .collect();
    assert_eq!(names, ["2", "3", "1"]);
    let plan: Vec<String> = store
        .read(|c| {
            let mut stmt = c.prepare(
                "EXPLAIN QUERY PLAN SELECT l.id FROM leads_fts f JOIN leads l ON l.search_key = f.rowid
                 WHERE leads_fts MATCH 'mate' ORDER BY f.rowid DESC LIMIT 20",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .expect("plan");
    assert!(
        plan.iter().all(|line| !line.contains("TEMP B-TREE")),
        "{plan:?}"
    );
}

#[test]
fn a_word_still_being_typed_matches_as_a_prefix() {
    let (_dir, store, _a, _b) = setup();
    let partial = run(&store, "envi", None);
    assert_eq!(partial.messages.len(), 3, "envío, envío, envío");
    assert_eq!(run(&store, "lleg", None).messages.len(), 1, "llegó");
    assert_eq!(
        run(&store, "ll", None).messages.len(),
        0,
        "two letters are not a prefix"
    );
}

#[test]
fn whole_words_filling_a_page_keep_whole_word_mode_across_pages() {
    let (_dir, store, a, _b) = setup();
    let lead = store
        .read(|c| Ok(leads::find(c, a, 2000006181551917)?.expect("lead")))
        .expect("lead");
    let mut many: Vec<_> = (0..55)
        .map(|i| api_message(&format!("w{i}"), true, "pedido listo", 10 + i))
        .collect();
    // newer than all of them, matching only as a prefix
    many.push(api_message("p1", true, "pedidos varios", 100));
    store
        .write(|tx| {
            messages::apply_page(
                tx,
                lead,
                &IncomingConversation::from_api(&api_conversation(many), SELLER),
            )
        })
        .expect("messages");
    let first = run(&store, "pedido", None);
    assert_eq!(first.messages.len(), 50);
    assert_eq!(
        first.messages[0].message_id.as_deref(),
        Some("w54"),
        "whole word first"
    );
    let cursor = first.next_cursor.expect("more");
    assert!(cursor.starts_with("w:"), "{cursor}");
    let second = store
        .read(|c| search(c, "pedido", None, Some(&cursor)))
        .expect("searches");
    assert_eq!(second.messages.len(), 5);
    for bad in ["x", "q:1", "w:x", "12"] {
        let err = store
            .read(|c| search(c, "pedido", None, Some(bad)))
            .expect_err("bad");
        assert_eq!(err.code(), "invalid_input", "{bad}");
    }
}
