//! The action guide, and every row of the seed's error table produced by a real scenario.

use meli::models::{MessageStatus, OptionId, OptionKind, OptionRequest};
use meli::MeliError;
use meli_sim::{FaultKind, FaultRule, LogisticType, NewSale, SELLER_MLA, SELLER_MLB};

use crate::support::*;

async fn me2_sale(sim: &meli_sim::Simulator) -> i64 {
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLA).logistic(LogisticType::DropOff))
        .expect("sale");
    sale.conversation_id as i64
}

fn other(text: &str) -> OptionRequest {
    OptionRequest::free_text(OptionId::OtherReason, text)
}

#[tokio::test]
async fn options_caps_and_sending_a_template() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let (client, _) = connected(&sim);
    let guide = client.action_guide(pack).await.expect("options");
    let billing = guide
        .options
        .iter()
        .find(|o| o.id == OptionId::RequestBillingInfo)
        .expect("billing option");
    assert_eq!(billing.kind, Some(OptionKind::Template));
    assert!(billing.is_usable());
    let other_option = guide
        .options
        .iter()
        .find(|o| o.id == OptionId::OtherReason)
        .expect("OTHER");
    assert_eq!(other_option.char_limit, Some(350));

    let caps = client.caps_available(pack).await.expect("caps");
    assert!(caps
        .iter()
        .any(|c| c.option_id == OptionId::RequestBillingInfo && c.cap_available == Some(1)));

    let template = billing.templates[0].id.clone();
    let sent = client
        .interactive()
        .send_option(
            pack,
            &OptionRequest::template(OptionId::RequestBillingInfo, template),
        )
        .await
        .expect("sent");
    assert_eq!(sent.status, Some(MessageStatus::Available));
    assert!(sent.to_user_id().is_some());
    let caps = client.caps_available(pack).await.expect("caps");
    let billing_cap = caps
        .iter()
        .find(|c| c.option_id == OptionId::RequestBillingInfo)
        .expect("cap");
    assert_eq!(billing_cap.cap_available, Some(0));
}

#[tokio::test]
async fn free_text_with_contact_data_comes_back_moderated() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let (client, _) = connected(&sim);
    let sent = client
        .send_option(
            pack,
            &other("Escribime al 11 5555-1234 o a juan@example.com"),
        )
        .await
        .expect("sent");
    assert_eq!(sent.status, Some(MessageStatus::Moderated));
    assert!(sent.message_moderation.and_then(|m| m.reason).is_some());
}

/// What happened to a fresh Mercado Envíos sale before the seller picks a reason.
#[derive(Debug, Clone, Copy)]
enum Before {
    Nothing,
    /// The seller already used the reason here (one message each).
    SellerUsedOther,
    BuyerWrote,
    Blocked,
    Excepted,
    BuyerDeactivated,
}

/// One row of the published error table: the situation, the reason the seller sends, and the
/// error the client makes of Mercado Libre's answer.
struct Row {
    before: Before,
    request: fn() -> OptionRequest,
    code: &'static str,
}

const ROWS: &[Row] = &[
    Row {
        before: Before::Nothing,
        request: || other(&"x".repeat(351)),
        code: "text_too_long",
    },
    Row {
        before: Before::SellerUsedOther,
        request: || other("¿Me confirmás?"),
        code: "cap_exhausted",
    },
    Row {
        before: Before::BuyerWrote,
        request: || other("Hola"),
        code: "open_conversation",
    },
    Row {
        before: Before::Nothing,
        request: || OptionRequest::free_text(OptionId::Other("SEND_GIFT".into()), "hola"),
        code: "invalid_option",
    },
    Row {
        before: Before::Blocked,
        request: || other("Hola"),
        code: "conversation_blocked",
    },
    Row {
        before: Before::Nothing,
        request: || OptionRequest::template(OptionId::RequestBillingInfo, "TEMPLATE___NOPE___1"),
        code: "invalid_template",
    },
    Row {
        before: Before::Excepted,
        request: || other("Hola"),
        code: "excepted_case",
    },
    Row {
        before: Before::BuyerDeactivated,
        request: || other("Hola"),
        code: "buyer_unavailable",
    },
];

#[tokio::test]
async fn every_row_of_the_error_table() {
    let sim = sim().await;
    let (client, _) = connected(&sim);
    for row in ROWS {
        let pack = me2_sale(&sim).await;
        let control = sim.control();
        match row.before {
            Before::Nothing => {}
            Before::SellerUsedOther => {
                client
                    .send_option(pack, &other("Hola, ¿qué color preferís?"))
                    .await
                    .expect("the first message");
            }
            Before::BuyerWrote => control
                .buyer_writes(pack as u64, "Hola, una consulta", None)
                .map(drop)
                .expect("buyer writes"),
            Before::Blocked => control
                .block_conversation(pack as u64, "blocked_by_mediation")
                .expect("block"),
            Before::Excepted => control
                .set_flags(pack as u64, Some(true), None)
                .expect("flag"),
            Before::BuyerDeactivated => control
                .set_flags(pack as u64, None, Some(true))
                .expect("flag"),
        }
        let err = client
            .send_option(pack, &(row.request)())
            .await
            .expect_err(row.code);
        assert_eq!(err.code(), row.code, "{:?}: {err:?}", row.before);
    }
}

#[tokio::test]
async fn row_locked_409() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let (client, _) = connected(&sim);
    let guide = client.action_guide(pack).await.expect("options");
    let billing = guide
        .options
        .iter()
        .find(|o| o.id == OptionId::RequestBillingInfo)
        .expect("billing");
    // Two valid options at once on the same sale: whichever arrives second meets the lock.
    let first = other("Hola, ¿qué talle?");
    let second = OptionRequest::template(
        OptionId::RequestBillingInfo,
        billing.templates[0].id.clone(),
    );
    let (a, b) = tokio::join!(
        client.send_option(pack, &first),
        client.send_option(pack, &second)
    );
    let conflicts = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Err(MeliError::Conflict { .. })))
        .count();
    assert_eq!(conflicts, 1, "{a:?} / {b:?}");
    assert!(a.is_ok() || b.is_ok());
}

#[tokio::test]
async fn row_pack_of_another_seller() {
    let sim = sim().await;
    let sale = sim
        .control()
        .create_sale(NewSale::new(SELLER_MLB).logistic(LogisticType::DropOff))
        .expect("sale");
    let (client, _) = connected(&sim);
    let err = client
        .send_option(sale.conversation_id as i64, &other("Hola"))
        .await
        .expect_err("not ours");
    match err {
        MeliError::Forbidden { reason } => assert!(
            reason.contains(&sale.conversation_id.to_string()),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    let err = client
        .action_guide(sale.conversation_id as i64)
        .await
        .expect_err("not ours");
    assert_eq!(err.code(), "forbidden");
}

#[tokio::test]
async fn row_internal_error_leaves_the_outcome_unknown_and_is_not_retried() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let path = format!("/messages/action_guide/packs/{pack}/option");
    sim.control()
        .inject_fault(FaultRule::next(1, &path, FaultKind::ServerError));
    let (client, _) = connected(&sim);
    let err = client
        .send_option(pack, &other("Hola"))
        .await
        .expect_err("500");
    assert!(
        matches!(err, MeliError::SendOutcomeUnknown { .. }),
        "{err:?}"
    );
    let sends = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.path == path)
        .count();
    assert_eq!(sends, 1, "a send is never retried blindly");
}

#[tokio::test]
async fn row_too_many_requests_is_not_retried_for_a_send() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let path = format!("/messages/action_guide/packs/{pack}/option");
    sim.control().inject_fault(FaultRule::next(
        1,
        &path,
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
    ));
    let (client, _) = connected(&sim);
    let err = client
        .send_option(pack, &other("Hola"))
        .await
        .expect_err("429");
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(1)));
    assert!(err.is_transient());
    client
        .send_option(pack, &other("Hola"))
        .await
        .expect("sent on the caller's retry");
}
