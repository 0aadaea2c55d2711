use super::files::tests::{JPEG, PDF, PNG};
use super::*;
use SystemStage::*;

fn paid() -> LeadFacts {
    LeadFacts {
        stage: Paid,
        source: SourceState::Connected,
    }
}

/// A conversation where the buyer wrote last.
fn buyer_wrote() -> ConversationFacts {
    ConversationFacts::from_messages([(Author::Buyer, true)])
}

fn empty() -> ConversationFacts {
    ConversationFacts::from_messages([])
}

fn text(t: &str) -> Draft {
    Draft {
        text: t.to_owned(),
        ..Draft::default()
    }
}

fn with_files(t: &str, files: &[(&str, &[u8])]) -> Draft {
    Draft {
        text: t.to_owned(),
        files: files
            .iter()
            .map(|(n, b)| DraftFile::inspect(n, b))
            .collect(),
        guide: None,
    }
}

fn guide(options: Vec<GuideOption>) -> ConversationFacts {
    ConversationFacts {
        action_guide: ActionGuide::Required { options },
        ..empty()
    }
}

fn other(cap: u32) -> GuideOption {
    GuideOption {
        id: "OTHER".into(),
        enabled: true,
        kind: OptionKind::FreeText { char_limit: 350 },
        cap_available: cap,
    }
}

fn billing(cap: u32) -> GuideOption {
    GuideOption {
        id: "REQUEST_BILLING_INFO".into(),
        enabled: true,
        kind: OptionKind::Template {
            template_ids: vec!["TEMPLATE___REQUEST_BILLING_INFO___1".into()],
            texts: Default::default(),
            needs_values: Vec::new(),
        },
        cap_available: cap,
    }
}

fn choose(option: &str, template: Option<&str>, t: &str) -> Draft {
    Draft {
        text: t.to_owned(),
        files: vec![],
        guide: Some(GuideChoice {
            option_id: option.into(),
            template_id: template.map(str::to_owned),
        }),
    }
}

fn code(result: Result<SendPlan, Refusal>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(refusal) => refusal.code(),
    }
}

fn plain() -> SendPlan {
    SendPlan {
        route: Route::Messages,
        send_files: false,
        held_back: None,
    }
}

#[test]
fn a_reply_to_a_paid_lead_goes_as_a_normal_message() {
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &text("¡Gracias por tu compra!")),
        Ok(plain())
    );
}

#[test]
fn unpaid_leads_are_refused_until_payment_is_confirmed() {
    let draft = text("Hola");
    for stage in [PaymentRequired, PaymentInProcess] {
        let lead = LeadFacts {
            stage,
            source: SourceState::Connected,
        };
        let refusal = may_send(&lead, &buyer_wrote(), &draft).expect_err("refused");
        assert_eq!(refusal, Refusal::PaymentNotConfirmed { stage });
        assert_eq!(refusal.to_string(), "Lead payment is not confirmed");
    }
    assert_eq!(
        code(may_send(&paid(), &buyer_wrote(), &draft)),
        "ok",
        "passes once paid"
    );
}

#[test]
fn disabled_source_is_refused_until_reconnected() {
    let lead = LeadFacts {
        stage: Paid,
        source: SourceState::Disabled,
    };
    let refusal = may_send(&lead, &buyer_wrote(), &text("Hola")).expect_err("refused");
    assert_eq!(refusal.to_string(), "Lead source disabled");
    assert_eq!(code(may_send(&paid(), &buyer_wrote(), &text("Hola"))), "ok");
}

#[test]
fn source_disabled_wins_over_every_other_reason() {
    let lead = LeadFacts {
        stage: PaymentRequired,
        source: SourceState::Disabled,
    };
    assert_eq!(
        code(may_send(&lead, &empty(), &text(""))),
        "source_disabled"
    );
}

#[test]
fn cancelled_sales_cannot_start_a_conversation_but_may_continue_one() {
    for stage in [Canceled, Invalid] {
        let lead = LeadFacts {
            stage,
            source: SourceState::Connected,
        };
        assert_eq!(
            may_send(&lead, &empty(), &text("Hola")),
            Err(Refusal::OrderCancelled { stage })
        );
        assert_eq!(code(may_send(&lead, &buyer_wrote(), &text("Hola"))), "ok");
    }
}

#[test]
fn blocked_conversation_carries_mercado_libre_substatus_and_clears() {
    let mut conversation = buyer_wrote();
    conversation.blocked = Some(Some("blocked_by_mediation".into()));
    assert_eq!(
        may_send(&paid(), &conversation, &text("Hola")),
        Err(Refusal::ConversationBlocked {
            substatus: Some("blocked_by_mediation".into())
        })
    );
    conversation.blocked = Some(None);
    assert_eq!(
        may_send(&paid(), &conversation, &text("Hola")),
        Err(Refusal::ConversationBlocked { substatus: None })
    );
    conversation.blocked = None;
    assert_eq!(code(may_send(&paid(), &conversation, &text("Hola"))), "ok");
}

#[test]
fn seller_waits_for_the_buyer_after_writing_then_may_write_again() {
    let waiting = ConversationFacts::from_messages([(Author::Buyer, true), (Author::Seller, true)]);
    assert_eq!(
        may_send(&paid(), &waiting, &text("¿Recibiste?")),
        Err(Refusal::AwaitingBuyerReply)
    );
    let answered = ConversationFacts::from_messages([
        (Author::Buyer, true),
        (Author::Seller, true),
        (Author::Buyer, true),
    ]);
    assert_eq!(
        code(may_send(&paid(), &answered, &text("¿Recibiste?"))),
        "ok"
    );
}

#[test]
fn a_moderated_seller_message_does_not_make_the_seller_wait() {
    let moderated =
        ConversationFacts::from_messages([(Author::Buyer, true), (Author::Seller, false)]);
    assert_eq!(moderated.last_author, Some(Author::Buyer));
    assert!(!moderated.is_empty);
    assert_eq!(
        code(may_send(&paid(), &moderated, &text("Perdón, de nuevo"))),
        "ok"
    );
}

#[test]
fn empty_text_is_refused_and_passes_once_written() {
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &text("   \n")),
        Err(Refusal::TextEmpty)
    );
    assert_eq!(code(may_send(&paid(), &buyer_wrote(), &text("ok"))), "ok");
}

#[test]
fn text_limit_is_350_characters_not_bytes() {
    let exactly = "ç".repeat(350);
    assert_eq!(exactly.len(), 700);
    assert_eq!(
        code(may_send(&paid(), &buyer_wrote(), &text(&exactly))),
        "ok"
    );
    let over = "🙂".repeat(351);
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &text(&over)),
        Err(Refusal::TextTooLong {
            chars: 351,
            max: 350
        })
    );
}

#[test]
fn characters_outside_latin1_and_emoji_are_refused() {
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &text("Total: 10 €")),
        Err(Refusal::TextCharset {
            character: "€".into()
        })
    );
    assert_eq!(
        code(may_send(&paid(), &buyer_wrote(), &text("Total: 10 EUR 👍"))),
        "ok"
    );
}

#[test]
fn a_quick_reply_variable_left_unfilled_is_refused_until_completed() {
    assert_eq!(
        may_send(
            &paid(),
            &buyer_wrote(),
            &text("Tu seguimiento: {tracking_number}")
        ),
        Err(Refusal::VariableUnfilled {
            variable: crate::rules::QuickReplyVariable::TrackingNumber
        })
    );
    assert_eq!(
        code(may_send(
            &paid(),
            &buyer_wrote(),
            &text("Tu seguimiento: AR123456789")
        )),
        "ok"
    );
}

#[test]
fn file_only_first_message_is_refused_and_passes_once_a_text_is_added() {
    let files_only = with_files("", &[("foto.jpg", JPEG)]);
    assert_eq!(
        may_send(&paid(), &empty(), &files_only),
        Err(Refusal::FileOnlyFirstMessage)
    );
    let with_text = with_files("Te envío la foto", &[("foto.jpg", JPEG)]);
    assert_eq!(
        may_send(&paid(), &empty(), &with_text),
        Ok(SendPlan {
            route: Route::Messages,
            send_files: false,
            held_back: Some(HeldBack::FirstMessage)
        })
    );
}

#[test]
fn files_go_with_later_messages_and_alone() {
    let files_only = with_files("", &[("foto.jpg", JPEG), ("factura.pdf", PDF)]);
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &files_only),
        Ok(SendPlan {
            route: Route::Messages,
            send_files: true,
            held_back: None
        })
    );
}

#[test]
fn file_type_is_checked_by_content_and_passes_once_replaced() {
    let fake = with_files("mirá", &[("foto.png", b"MZ\x90\x00 not a png")]);
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &fake),
        Err(Refusal::FileType {
            file: "foto.png".into()
        })
    );
    let exe = with_files("mirá", &[("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00")]);
    assert_eq!(code(may_send(&paid(), &buyer_wrote(), &exe)), "file_type");
    let real = with_files(
        "mirá",
        &[("foto.png", PNG), ("notas.txt", "línea".as_bytes())],
    );
    assert_eq!(code(may_send(&paid(), &buyer_wrote(), &real)), "ok");
}

#[test]
fn files_over_25_mb_are_refused_and_exactly_25_mb_pass() {
    let mut draft = with_files("adjunto", &[("factura.pdf", PDF)]);
    draft.files[0].size = files::MAX_FILE_BYTES + 1;
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &draft),
        Err(Refusal::FileTooLarge {
            file: "factura.pdf".into(),
            size: 26_214_401,
            max: 26_214_400
        })
    );
    draft.files[0].size = 25 * 1024 * 1024;
    assert_eq!(code(may_send(&paid(), &buyer_wrote(), &draft)), "ok");
}

#[test]
fn too_many_files_and_bad_names_are_refused() {
    let many: Vec<(&str, &[u8])> = (0..26).map(|_| ("a.jpg", JPEG)).collect();
    assert_eq!(
        may_send(&paid(), &buyer_wrote(), &with_files("x", &many)),
        Err(Refusal::TooManyFiles { count: 26, max: 25 })
    );
    assert_eq!(
        code(may_send(
            &paid(),
            &buyer_wrote(),
            &with_files("x", &many[..25])
        )),
        "ok"
    );
    assert_eq!(
        code(may_send(
            &paid(),
            &buyer_wrote(),
            &with_files("x", &[("../a.jpg", JPEG)])
        )),
        "file_name"
    );
}

#[test]
fn seller_starting_must_choose_a_reason_where_required() {
    let conversation = guide(vec![other(1)]);
    assert_eq!(
        may_send(&paid(), &conversation, &text("Hola")),
        Err(Refusal::ActionGuideRequired)
    );
    let plan = may_send(
        &paid(),
        &conversation,
        &choose("OTHER", None, "Hola, ¿qué color preferís?"),
    )
    .expect("allowed");
    assert_eq!(
        plan.route,
        Route::ActionGuide(GuideChoice {
            option_id: "OTHER".into(),
            template_id: None
        })
    );
}

#[test]
fn once_the_buyer_writes_the_reason_is_no_longer_needed() {
    let mut conversation = guide(vec![other(1)]);
    conversation.buyer_has_written = true;
    conversation.is_empty = false;
    conversation.last_author = Some(Author::Buyer);
    assert_eq!(code(may_send(&paid(), &conversation, &text("Hola"))), "ok");
    assert_eq!(
        may_send(&paid(), &conversation, &choose("OTHER", None, "Hola")),
        Err(Refusal::ActionGuideNotAllowed)
    );
}

#[test]
fn choosing_a_reason_where_none_is_required_is_refused() {
    assert_eq!(
        may_send(&paid(), &empty(), &choose("OTHER", None, "Hola")),
        Err(Refusal::ActionGuideNotAllowed)
    );
}

#[test]
fn exhausted_cap_is_refused_until_mercado_libre_gives_more() {
    let draft = choose("OTHER", None, "Hola");
    assert_eq!(
        may_send(&paid(), &guide(vec![other(0)]), &draft),
        Err(Refusal::CapExhausted {
            option_id: "OTHER".into()
        })
    );
    assert_eq!(
        code(may_send(&paid(), &guide(vec![other(1)]), &draft)),
        "ok"
    );
}

#[test]
fn unknown_or_disabled_options_are_unavailable() {
    let draft = choose("SEND_INVOICE_LINK", None, "link");
    assert_eq!(
        code(may_send(&paid(), &guide(vec![other(1)]), &draft)),
        "option_unavailable"
    );
    let mut disabled = other(1);
    disabled.enabled = false;
    assert_eq!(
        code(may_send(
            &paid(),
            &guide(vec![disabled]),
            &choose("OTHER", None, "x")
        )),
        "option_unavailable"
    );
}

#[test]
fn a_template_that_takes_values_is_refused_until_they_can_be_filled() {
    let promise = GuideOption {
        id: "DELIVERY_PROMISE".into(),
        enabled: true,
        kind: OptionKind::Template {
            template_ids: vec!["TEMPLATE___DELIVERY_PROMISE___1".into()],
            texts: Default::default(),
            needs_values: vec!["TEMPLATE___DELIVERY_PROMISE___1".into()],
        },
        cap_available: 1,
    };
    let conversation = guide(vec![promise, billing(1)]);
    assert_eq!(
        code(may_send(
            &paid(),
            &conversation,
            &choose(
                "DELIVERY_PROMISE",
                Some("TEMPLATE___DELIVERY_PROMISE___1"),
                ""
            )
        )),
        "template_needs_values"
    );
    assert_eq!(
        code(may_send(
            &paid(),
            &conversation,
            &choose(
                "REQUEST_BILLING_INFO",
                Some("TEMPLATE___REQUEST_BILLING_INFO___1"),
                ""
            )
        )),
        "ok"
    );
}

#[test]
fn template_options_need_a_listed_template_and_no_text_of_their_own() {
    let conversation = guide(vec![billing(1)]);
    assert_eq!(
        code(may_send(
            &paid(),
            &conversation,
            &choose("REQUEST_BILLING_INFO", None, "")
        )),
        "template_required"
    );
    assert_eq!(
        code(may_send(
            &paid(),
            &conversation,
            &choose("REQUEST_BILLING_INFO", Some("TEMPLATE_X"), "")
        )),
        "template_required"
    );
    let template = Some("TEMPLATE___REQUEST_BILLING_INFO___1");
    assert_eq!(
        code(may_send(
            &paid(),
            &conversation,
            &choose("REQUEST_BILLING_INFO", template, "mi texto")
        )),
        "template_text_fixed"
    );
    assert_eq!(
        code(may_send(
            &paid(),
            &conversation,
            &choose("REQUEST_BILLING_INFO", template, "")
        )),
        "ok"
    );
}

#[test]
fn free_text_reasons_keep_their_char_limit_and_need_text() {
    let mut short = other(1);
    short.kind = OptionKind::FreeText { char_limit: 10 };
    let conversation = guide(vec![short]);
    assert_eq!(
        may_send(
            &paid(),
            &conversation,
            &choose("OTHER", None, "once chars!")
        ),
        Err(Refusal::TextTooLong { chars: 11, max: 10 })
    );
    assert_eq!(
        code(may_send(
            &paid(),
            &conversation,
            &choose("OTHER", None, "diez chars")
        )),
        "ok"
    );
    let mut draft = choose("OTHER", None, "");
    draft.files = vec![DraftFile::inspect("foto.jpg", JPEG)];
    assert_eq!(code(may_send(&paid(), &conversation, &draft)), "text_empty");
}

#[test]
fn files_with_a_reason_stay_in_the_draft() {
    let mut draft = choose("OTHER", None, "Hola");
    draft.files = vec![DraftFile::inspect("foto.jpg", JPEG)];
    let plan = may_send(&paid(), &guide(vec![other(1)]), &draft).expect("text may go");
    assert!(!plan.send_files);
    assert_eq!(plan.held_back, Some(HeldBack::FirstMessage));
}

#[test]
fn after_a_reason_was_used_the_seller_waits_for_the_buyer() {
    let mut conversation = guide(vec![other(0)]);
    conversation.is_empty = false;
    conversation.last_author = Some(Author::Seller);
    assert_eq!(
        may_send(&paid(), &conversation, &choose("OTHER", None, "¿Hola?")),
        Err(Refusal::AwaitingBuyerReply)
    );
}

#[test]
fn facts_from_messages() {
    let facts = ConversationFacts::from_messages([(Author::Seller, true)]);
    assert!(!facts.is_empty);
    assert!(!facts.buyer_has_written);
    assert_eq!(facts.last_author, Some(Author::Seller));
    assert!(empty().is_empty);
    assert_eq!(empty().last_author, None);
}
