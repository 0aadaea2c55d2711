//! Sending through the outbox against the simulator: each refusal from a situation a seller
//! meets, the same draft passing once the situation clears, moderation kept, and a send
//! whose answer was lost settled by reading the conversation, never posted twice: with the
//! local clock minutes off, a text Mercado Libre normalised, a message listed late, a template
//! beside another seller message, and a crash between the post and its answer.

mod common;

use std::time::Duration;

use common::*;
use meli_sim::{FaultKind, FaultRule, LogisticType, NewSale, OrderStatus, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_clear_when_the_situation_does() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let unpaid = plain_sale(&sim, OrderStatus::PaymentRequired);
    let blocked = plain_sale(&sim, OrderStatus::Paid);
    let cancelled = plain_sale(&sim, OrderStatus::Cancelled);
    let me2 = sim
        .control()
        .create_sale(
            NewSale::new(MLA)
                .logistic(LogisticType::DropOff)
                .created_minutes_ago(5),
        )
        .expect("sale");
    sim.control()
        .block_conversation(blocked.conversation_id, "blocked_by_mediation")
        .expect("blocks");
    let account = connected(&sim, &inbox, MLA).await;
    let unpaid_lead = lead_of(&inbox, account, unpaid.conversation_id);
    let blocked_lead = lead_of(&inbox, account, blocked.conversation_id);
    let cancelled_lead = lead_of(&inbox, account, cancelled.conversation_id);
    let me2_lead = lead_of(&inbox, account, me2.conversation_id);
    let text = "Hola, gracias por tu compra";

    assert_eq!(
        refusal(&inbox, unpaid_lead, text).await.as_deref(),
        Some("payment_not_confirmed")
    );
    assert_eq!(
        refusal(&inbox, blocked_lead, text).await.as_deref(),
        Some("conversation_blocked")
    );
    assert_eq!(
        refusal(&inbox, cancelled_lead, text).await.as_deref(),
        Some("order_cancelled")
    );
    assert_eq!(
        refusal(&inbox, me2_lead, text).await.as_deref(),
        Some("action_guide_required")
    );
    let refused = inbox
        .send_draft(unpaid_lead, draft(text))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), "payment_not_confirmed");

    // The buyer pays; Mercado Libre unblocks; the ME2 buyer writes first. An unblocking shows
    // only in the chat itself, which polls read again every few minutes (and opening it, at once).
    sim.control()
        .advance_clock(inbox::sync::SyncConfig::default().recent_every);
    sim.control().buyer_pays(unpaid.order_ids[0]).expect("pays");
    sim.control()
        .unblock_conversation(blocked.conversation_id)
        .expect("unblocks");
    sim.control()
        .buyer_writes(me2.conversation_id, "¿Me confirmás el envío?", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    for lead in [unpaid_lead, blocked_lead, me2_lead] {
        assert_eq!(refusal(&inbox, lead, text).await, None, "lead {lead}");
    }

    // Sent once; then the seller waits for the buyer, until the buyer answers.
    inbox
        .send_draft(unpaid_lead, draft(text))
        .await
        .expect("queued");
    assert_eq!(
        refusal(&inbox, unpaid_lead, "¿Algo más?").await.as_deref(),
        Some("awaiting_buyer_reply")
    );
    sync_online(&inbox, account).await;
    assert_eq!(
        outbox_states(&inbox, unpaid_lead),
        [("sent".to_owned(), None)]
    );
    assert_eq!(buyer_sees(&sim, unpaid.conversation_id, text), 1);
    let chat = inbox.conversation(unpaid_lead, None).await.expect("chat");
    assert!(chat.outbox.is_empty());
    assert!(
        chat.messages
            .iter()
            .any(|m| !m.from_buyer && m.text == text),
        "{chat:#?}"
    );
    assert_eq!(
        refusal(&inbox, unpaid_lead, "¿Algo más?").await.as_deref(),
        Some("awaiting_buyer_reply")
    );
    sim.control()
        .buyer_writes(unpaid.conversation_id, "Perfecto", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    assert_eq!(refusal(&inbox, unpaid_lead, "¿Algo más?").await, None);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderation_is_kept_and_a_lost_answer_is_settled_by_reading() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let first = plain_sale(&sim, OrderStatus::Paid);
    let second = plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox, MLA).await;
    let first_lead = lead_of(&inbox, account, first.conversation_id);
    let second_lead = lead_of(&inbox, account, second.conversation_id);

    // Mercado Libre moderates personal data: the message keeps its status and reason.
    let moderated = "Escribime a ventas@tienda.com.ar";
    inbox
        .send_draft(first_lead, draft(moderated))
        .await
        .expect("queued");
    sync_online(&inbox, account).await;
    let chat = inbox.conversation(first_lead, None).await.expect("chat");
    let sent = chat
        .messages
        .iter()
        .find(|m| m.text == moderated)
        .expect("stored");
    let moderation = sent.moderation.as_ref().expect("moderation");
    assert_eq!(moderation.status, "rejected");
    assert_eq!(moderation.reason.as_deref(), Some("personal_data"));
    assert_eq!(buyer_sees(&sim, first.conversation_id, moderated), 0);
    // A moderated message never reached the buyer, so it does not make the seller wait.
    assert_eq!(
        refusal(&inbox, first_lead, "Te escribo por acá").await,
        None
    );

    // The post arrives but its answer is garbage: the conversation settles it, once.
    sim.control().inject_fault(
        FaultRule::next(1, "/messages/packs/", FaultKind::MalformedJson).for_method("POST"),
    );
    let text = "Ya despachamos tu paquete";
    inbox
        .send_draft(second_lead, draft(text))
        .await
        .expect("queued");
    sync_online(&inbox, account).await;
    assert_eq!(
        outbox_states(&inbox, second_lead),
        [("sent".to_owned(), None)]
    );
    assert_eq!(buyer_sees(&sim, second.conversation_id, text), 1);
    let posts = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/messages/packs/"))
        .count();
    assert_eq!(posts, 2, "one post per draft, none repeated");
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_starts_a_mercado_envios_sale_through_a_reason_to_communicate() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::demo()).await;
    let account = connected(&sim, &inbox, MLA).await;
    let conversation = sim
        .control()
        .landmark("needs_action_guide")
        .expect("landmark");
    let lead = lead_of(&inbox, account, conversation);
    let text = "Hola, ¿necesitás factura A o B?";
    assert_eq!(
        refusal(&inbox, lead, text).await.as_deref(),
        Some("action_guide_required")
    );

    // The sync stored the reasons Mercado Libre offers for this sale.
    let (_, facts) = inbox
        .store()
        .read(move |c| inbox::store::conversation::send_facts(c, lead))
        .expect("facts");
    let inbox::rules::ActionGuide::Required { options } = facts.action_guide else {
        panic!("the action guide is required: {:?}", facts.action_guide);
    };
    let other = options
        .iter()
        .find(|o| o.id == "OTHER" && o.enabled)
        .expect("a free-text reason");
    let mut with_reason = draft(text);
    with_reason.guide = Some(inbox::rules::GuideChoice {
        option_id: other.id.clone(),
        template_id: None,
    });
    let check = inbox
        .check_send(lead, with_reason.clone())
        .await
        .expect("check");
    assert_eq!(check.refusal, None);

    inbox.send_draft(lead, with_reason).await.expect("queued");
    sync_online(&inbox, account).await;
    assert_eq!(outbox_states(&inbox, lead), [("sent".to_owned(), None)]);
    let options_posted = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/option"))
        .count();
    assert_eq!(options_posted, 1);
    let chat = inbox.conversation(lead, None).await.expect("chat");
    assert!(chat
        .messages
        .iter()
        .any(|m| !m.from_buyer && m.text == text));
    // Now the buyer has to answer before anything more.
    assert_eq!(
        refusal(&inbox, lead, "¿Y?").await.as_deref(),
        Some("awaiting_buyer_reply")
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_reads_as_the_sites_text_and_a_cap_used_meanwhile_is_mercado_libres_refusal() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::demo()).await;
    let account = connected(&sim, &inbox, MLA).await;
    let conversation = sim
        .control()
        .landmark("needs_action_guide_flex")
        .expect("landmark");
    let lead = lead_of(&inbox, account, conversation);

    // The picker gets the template's text as Mercado Libre sends it on the seller's site (MLA).
    let options = inbox
        .action_guide(lead)
        .await
        .expect("guide")
        .expect("required");
    let billing = options
        .iter()
        .find(|o| o.id == "REQUEST_BILLING_INFO")
        .expect("billing reason");
    assert_eq!(billing.cap_available, 1);
    let promise = options
        .iter()
        .find(|o| o.id == "DELIVERY_PROMISE")
        .expect("Flex offers the delivery promise");
    assert!(
        promise.templates[0].needs_values,
        "its times cannot be filled here"
    );
    assert!(!billing.templates[0].needs_values);
    let template = billing.templates[0].clone();
    let text = template.text.clone().expect("the site's text");
    assert!(
        text.starts_with("Para adjuntarte la factura") && text.contains("\n- DNI"),
        "{text}"
    );

    // While the post is on its way, the cap is used elsewhere (Mercado Libre's site).
    let option_path = format!("/messages/action_guide/packs/{conversation}/option");
    sim.control().inject_fault(FaultRule {
        path_prefix: option_path.clone(),
        method: Some("POST".into()),
        kind: FaultKind::Slow { delay_ms: 1500 },
        times: Some(1),
        rate_percent: None,
    });
    let mut choice = draft("");
    choice.guide = Some(inbox::rules::GuideChoice {
        option_id: billing.id.clone(),
        template_id: Some(template.id.clone()),
    });
    inbox.send_draft(lead, choice).await.expect("queued");
    let watcher = {
        let (inbox, control) = (inbox.clone(), sim.control());
        tokio::spawn(async move {
            for _ in 0..1000 {
                let states = outbox_states(&inbox, lead);
                if states.iter().any(|(state, _)| state == "sending") {
                    control
                        .set_cap(conversation, "REQUEST_BILLING_INFO", 0)
                        .expect("cap");
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            false
        })
    };
    sync_online(&inbox, account).await;
    assert!(watcher.await.expect("watcher"), "the draft never went out");

    assert_eq!(
        outbox_states(&inbox, lead),
        [("failed".to_owned(), Some("cap_exhausted".to_owned()))]
    );
    let refused: Vec<_> = sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == option_path)
        .map(|r| r.status)
        .collect();
    assert_eq!(refused, [403], "Mercado Libre itself refused it");
    // The picker shows what is left: nothing for that reason.
    let options = inbox
        .action_guide(lead)
        .await
        .expect("guide")
        .expect("required");
    let billing = options
        .iter()
        .find(|o| o.id == "REQUEST_BILLING_INFO")
        .expect("billing reason");
    assert_eq!(billing.cap_available, 0);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_that_timed_out_after_leaving_is_settled_by_reading_and_goes_out_once() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Llega antes del viernes?", None)
        .expect("writes");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let mut config = client_config(&sim);
    config.timeout = Duration::from_millis(800);
    let store = std::sync::Arc::new(meli::auth::MemoryTokenStore::new(Some(issued(&sim, MLA))));
    let client = meli::Client::new(config, store).expect("client");
    // The app's own schedule: the first read 30 s after the outcome became unknown.
    let sync = inbox::sync::SyncConfig {
        confirm_reads: inbox::sync::SyncConfig::default().confirm_reads,
        ..sync_config()
    };
    let account = inbox
        .connect_with_client(client, sync)
        .await
        .expect("connects");
    sync_online(&inbox, account).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);

    // The post reaches Mercado Libre but the answer comes after the client gave up.
    sim.control().inject_fault(
        FaultRule::next(
            1,
            "/messages/packs/",
            FaultKind::LateAnswer { delay_ms: 1500 },
        )
        .for_method("POST"),
    );
    let text = "Sí, sale mañana";
    inbox.send_draft(lead, draft(text)).await.expect("queued");
    // (The send asked for a pass; this waits for one that started after it.)
    inbox.sync_and_wait(account).await.expect("engine runs");
    assert_eq!(
        outbox_states(&inbox, lead),
        [(
            "ambiguous".to_owned(),
            Some("send_outcome_unknown".to_owned())
        )]
    );
    assert_eq!(
        buyer_sees(&sim, sale.conversation_id, text),
        1,
        "it arrived"
    );
    // Too early to tell: nothing is posted again meanwhile.
    sync_online(&inbox, account).await;
    assert_eq!(outbox_states(&inbox, lead)[0].0, "ambiguous");

    // Later, the conversation shows whether it arrived; it is posted again only if not.
    sim.control().advance_clock(Duration::from_secs(60));
    sync_online(&inbox, account).await;
    sync_online(&inbox, account).await;
    assert_eq!(outbox_states(&inbox, lead)[0].0, "sent");
    assert_eq!(
        buyer_sees(&sim, sale.conversation_id, text),
        1,
        "exactly once"
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_queued_during_the_first_import_goes_out_before_the_import_ends() {
    let sim = sim(SimConfig::demo()).await;
    // Every conversation read is slow, so the first import takes seconds.
    sim.control().inject_fault(FaultRule {
        path_prefix: "/messages/packs/".into(),
        method: Some("GET".into()),
        kind: FaultKind::Slow { delay_ms: 120 },
        times: None,
        rate_percent: Some(100),
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = inbox
        .connect_with_client(client(&sim, MLA), sync_config())
        .await
        .expect("connects");
    let conversation = sim
        .control()
        .landmark("needs_action_guide")
        .expect("landmark");
    // Its conversation (paid, recent) is among the first the import reads.
    let mut lead = None;
    for _ in 0..300 {
        lead = inbox
            .store()
            .read(|c| inbox::store::leads::find(c, account, conversation as i64))
            .expect("reads");
        if let Some(id) = lead {
            if inbox.action_guide(id).await.expect("guide").is_some() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let lead = lead.expect("the lead was imported");
    let mut reason = draft("Hola, ¿te llegó bien la factura?");
    reason.guide = Some(inbox::rules::GuideChoice {
        option_id: "OTHER".into(),
        template_id: None,
    });
    inbox.send_draft(lead, reason).await.expect("queued");
    sync_online(&inbox, account).await;

    assert_eq!(outbox_states(&inbox, lead), [("sent".to_owned(), None)]);
    let log = sim.control().requests();
    let posted = log
        .iter()
        .position(|r| r.method == "POST" && r.path.ends_with("/option"))
        .expect("posted");
    let conversations_read = |log: &[meli_sim::LoggedRequest]| {
        log.iter()
            .filter(|r| r.method == "GET" && r.path.starts_with("/messages/packs/"))
            .map(|r| r.path.clone())
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    let (before, all) = (conversations_read(&log[..posted]), conversations_read(&log));
    assert!(
        before * 2 < all,
        "the draft waited for the import: {before} of {all} conversations read before it went"
    );
    inbox.stop_sync().await;
}

/// The inbox of a machine whose clock runs `offset` off Mercado Libre's.
fn skewed_inbox(
    sim: &meli_sim::Simulator,
    dir: &tempfile::TempDir,
    offset: chrono::Duration,
) -> inbox::Inbox {
    let control = sim.control();
    open_inbox(dir, std::sync::Arc::new(move || control.now() + offset))
}

/// Connects the MLA seller with a client that gives up on an answer after 800 ms (so a
/// `LateAnswer` fault leaves a send's outcome unknown).
async fn connect_impatient(sim: &meli_sim::Simulator, inbox: &inbox::Inbox) -> i64 {
    let mut config = client_config(sim);
    config.timeout = Duration::from_millis(800);
    let store = std::sync::Arc::new(meli::auth::MemoryTokenStore::new(Some(issued(sim, MLA))));
    let client = meli::Client::new(config, store).expect("client");
    let account = inbox
        .connect_with_client(client, sync_config())
        .await
        .expect("connects");
    sync_online(inbox, account).await;
    account
}

/// Posts of messages and of action-guide options the simulator received.
fn posts(sim: &meli_sim::Simulator) -> usize {
    sim.control()
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST"
                && r.path.starts_with("/messages/")
                && (r.path.contains("/sellers/") || r.path.ends_with("/option"))
        })
        .count()
}

/// Runs passes until the lead's only draft is in `state`; bounded by passes, not by time.
async fn until_outbox(inbox: &inbox::Inbox, account: i64, lead: i64, state: &str) {
    for _ in 0..30 {
        if outbox_states(inbox, lead).first().map(|(s, _)| s.as_str()) == Some(state) {
            return;
        }
        inbox.sync_and_wait(account).await.expect("engine runs");
    }
    panic!(
        "the draft never became {state}: {:?}",
        outbox_states(inbox, lead)
    );
}

/// Waits until the post whose answer came late is in the simulator's log (logged when its
/// answer leaves, or when its client went away), so counting posts sees it.
async fn late_post_logged(sim: &meli_sim::Simulator) {
    until_logged(sim, "the post whose answer was late", |log| {
        log.iter().any(|r| {
            r.method == "POST" && (r.fault.as_deref() == Some("late_answer") || r.status == 499)
        })
    })
    .await;
}

fn late_answer() -> FaultRule {
    FaultRule::next(
        1,
        "/messages/packs/",
        FaultKind::LateAnswer { delay_ms: 1500 },
    )
    .for_method("POST")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fast_clock_and_a_normalised_text_still_settle_a_lost_answer_once() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = skewed_inbox(&sim, &dir, chrono::Duration::minutes(5));
    let account = connect_impatient(&sim, &inbox).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);

    // Mercado Libre stores it with `\n` line ends and without the trailing spaces.
    sim.control().inject_fault(late_answer());
    let text = "Hola  \r\nSale mañana por la tarde.   \r\n";
    inbox.send_draft(lead, draft(text)).await.expect("queued");
    until_outbox(&inbox, account, lead, "sent").await;

    let listed = "Hola\nSale mañana por la tarde.";
    assert_eq!(buyer_sees(&sim, sale.conversation_id, listed), 1);
    late_post_logged(&sim).await;
    assert_eq!(posts(&sim), 1, "never posted twice");
    let chat = inbox.conversation(lead, None).await.expect("chat");
    assert!(chat.outbox.is_empty(), "{:?}", chat.outbox);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_clock_never_takes_an_older_message_for_the_draft_and_the_seller_decides() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let text = "¿Te llegó bien?";
    // The seller asked the same on Mercado Libre's site a minute ago; the buyer answered.
    sim.control()
        .seller_writes_on_site(sale.conversation_id, text)
        .expect("writes");
    sim.control().advance_clock(Duration::from_secs(60));
    sim.control()
        .buyer_writes(sale.conversation_id, "No todavía", None)
        .expect("writes");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = skewed_inbox(&sim, &dir, -chrono::Duration::minutes(5));
    let account = connect_impatient(&sim, &inbox).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);

    // The post fails with a 5xx before Mercado Libre stores anything.
    sim.control().inject_fault(
        FaultRule::next(1, "/messages/packs/", FaultKind::ServerError).for_method("POST"),
    );
    inbox.send_draft(lead, draft(text)).await.expect("queued");
    until_outbox(&inbox, account, lead, "not_confirmed").await;
    assert_eq!(posts(&sim), 1, "not posted again by itself");
    assert_eq!(
        buyer_sees(&sim, sale.conversation_id, text),
        1,
        "only the site's"
    );
    // More passes change nothing: it waits for the seller.
    sync_online(&inbox, account).await;
    assert_eq!(outbox_states(&inbox, lead)[0].0, "not_confirmed");
    assert_eq!(posts(&sim), 1);
    let chat = inbox.conversation(lead, None).await.expect("chat");
    assert_eq!(chat.outbox[0].state, inbox::ipc::OutboxState::NotConfirmed);
    // It may have reached the buyer, so a new message waits for the buyer as after any other.
    assert_eq!(
        refusal(&inbox, lead, "¿Lo recibiste?").await.as_deref(),
        Some("awaiting_buyer_reply")
    );

    // "Send again": posted once more, and this time it arrives.
    let id = chat.outbox[0].id;
    let item = inbox.resend_draft(id).await.expect("sends again");
    assert_eq!(item.state, inbox::ipc::OutboxState::Pending);
    until_outbox(&inbox, account, lead, "sent").await;
    assert_eq!(posts(&sim), 2);
    assert_eq!(buyer_sees(&sim, sale.conversation_id, text), 2);
    assert_eq!(
        inbox.resend_draft(id).await.expect_err("sent").code(),
        "invalid_input"
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_listed_late_is_found_at_the_second_read_and_a_discard_removes_a_draft() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = connect_impatient(&sim, &inbox).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);

    // Accepted, answered too late, and missing from the conversation's next listing.
    sim.control()
        .list_late(sale.conversation_id, 1)
        .expect("listing lag");
    sim.control().inject_fault(late_answer());
    let text = "Te lo despachamos hoy";
    inbox.send_draft(lead, draft(text)).await.expect("queued");
    until_outbox(&inbox, account, lead, "sent").await;
    let reads_without_it: i64 = inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT confirm_reads FROM outbox WHERE lead_id = ?1",
                [lead],
                |r| r.get(0),
            )?)
        })
        .expect("reads");
    assert_eq!(
        reads_without_it, 1,
        "missed by the first read, found by the second"
    );
    late_post_logged(&sim).await;
    assert_eq!(posts(&sim), 1, "never posted twice");
    assert_eq!(buyer_sees(&sim, sale.conversation_id, text), 1);

    // A draft the seller gives up on leaves the outbox.
    sim.control()
        .list_late(sale.conversation_id, 0)
        .expect("listed at once");
    sim.control()
        .buyer_writes(sale.conversation_id, "Gracias", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    sim.control().inject_fault(
        FaultRule::next(1, "/messages/packs/", FaultKind::ServerError).for_method("POST"),
    );
    inbox
        .send_draft(lead, draft("¿Algo más?"))
        .await
        .expect("queued");
    for _ in 0..30 {
        if outbox_states(&inbox, lead)
            .iter()
            .any(|(s, _)| s == "not_confirmed")
        {
            break;
        }
        inbox.sync_and_wait(account).await.expect("engine runs");
    }
    assert_eq!(
        refusal(&inbox, lead, "¿Hola?").await.as_deref(),
        Some("awaiting_buyer_reply"),
        "the unconfirmed draft counts as the seller's last word"
    );
    // Once the buyer writes after it, it no longer makes the seller wait.
    sim.control().advance_clock(Duration::from_secs(5));
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Me escribiste?", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    assert_eq!(refusal(&inbox, lead, "Sí, ¿algo más?").await, None);

    let chat = inbox.conversation(lead, None).await.expect("chat");
    let waiting = chat
        .outbox
        .iter()
        .find(|o| o.state == inbox::ipc::OutboxState::NotConfirmed)
        .expect("not confirmed");
    inbox.discard_draft(waiting.id).await.expect("discards");
    let chat = inbox.conversation(lead, None).await.expect("chat");
    assert!(chat.outbox.is_empty(), "{:?}", chat.outbox);
    assert_eq!(posts(&sim), 2);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_send_is_not_taken_for_another_seller_message() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::demo()).await;
    let account = connected(&sim, &inbox, MLA).await;
    let conversation = sim
        .control()
        .landmark("needs_action_guide")
        .expect("landmark");
    let lead = lead_of(&inbox, account, conversation);
    let options = inbox
        .action_guide(lead)
        .await
        .expect("guide")
        .expect("required");
    let billing = options
        .iter()
        .find(|o| o.id == "REQUEST_BILLING_INFO")
        .expect("billing reason");
    let mut choice = draft("");
    choice.guide = Some(inbox::rules::GuideChoice {
        option_id: billing.id.clone(),
        template_id: Some(billing.templates[0].id.clone()),
    });
    let option_path = format!("/messages/action_guide/packs/{conversation}/option");
    sim.control()
        .inject_fault(FaultRule::next(1, &option_path, FaultKind::ServerError).for_method("POST"));
    let before = posts(&sim);
    inbox.send_draft(lead, choice).await.expect("queued");
    inbox.sync_and_wait(account).await.expect("engine runs");
    assert_eq!(outbox_states(&inbox, lead)[0].0, "ambiguous");
    // Meanwhile the seller writes something else on Mercado Libre's site.
    sim.control()
        .seller_writes_on_site(conversation, "Te paso el seguimiento en un rato")
        .expect("writes");
    until_outbox(&inbox, account, lead, "not_confirmed").await;
    assert_eq!(posts(&sim) - before, 1, "not posted again by itself");
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_the_post_and_its_answer_is_reconciled_at_start_without_posting() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = connected(&sim, &inbox, MLA).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);

    // The post is stored, and its answer takes seconds: the app stops meanwhile.
    sim.control().inject_fault(
        FaultRule::next(
            1,
            "/messages/packs/",
            FaultKind::LateAnswer { delay_ms: 3_000 },
        )
        .for_method("POST"),
    );
    let text = "Mañana te llega";
    inbox.send_draft(lead, draft(text)).await.expect("queued");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while buyer_sees(&sim, sale.conversation_id, text) == 0
        || outbox_states(&inbox, lead)[0].0 != "sending"
    {
        assert!(std::time::Instant::now() < deadline, "never posted");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    inbox.stop_sync().await;
    drop(inbox);
    late_post_logged(&sim).await;
    assert_eq!(posts(&sim), 1);

    // The next start finds it "sending": it reads the conversation, never posts.
    let inbox = open_inbox(&dir, sim_clock(&sim));
    inbox
        .resume_account(account, client(&sim, MLA), sync_config())
        .await
        .expect("resumes");
    until_outbox(&inbox, account, lead, "sent").await;
    assert_eq!(posts(&sim), 1, "never posted again");
    assert_eq!(buyer_sees(&sim, sale.conversation_id, text), 1);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_to_a_post_with_a_file_is_settled_by_its_text_and_file() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    // (A first message cannot carry files: the buyer asks first.)
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Cómo viene embalado?", None)
        .expect("writes");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = connect_impatient(&sim, &inbox).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);
    let photo = dir.path().join("producto.png");
    std::fs::write(&photo, meli_sim::demo::TINY_PNG).expect("photo");

    sim.control().inject_fault(late_answer());
    let mut with_photo = draft("Así queda embalado");
    with_photo.files = vec![inbox::ipc::DraftFileDto {
        path: photo.display().to_string(),
        name: "producto.png".into(),
    }];
    inbox.send_draft(lead, with_photo).await.expect("queued");
    until_outbox(&inbox, account, lead, "sent").await;
    late_post_logged(&sim).await;
    assert_eq!(posts(&sim), 1, "never posted twice");
    let chat = inbox.conversation(lead, None).await.expect("chat");
    let sent = chat
        .messages
        .iter()
        .find(|m| m.text == "Así queda embalado")
        .expect("in the chat");
    assert_eq!(sent.attachments.len(), 1, "{sent:?}");
    assert_eq!(
        sent.attachments[0].original_name.as_deref(),
        Some("producto.png")
    );
    inbox.stop_sync().await;
}
