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

#[tokio::test]
async fn row_text_too_long() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let (client, _) = connected(&sim);
    let err = client
        .send_option(pack, &other(&"x".repeat(351)))
        .await
        .expect_err("too long");
    assert!(matches!(err, MeliError::TextTooLong { .. }), "{err:?}");
}

#[tokio::test]
async fn row_cap_exhausted() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let (client, _) = connected(&sim);
    client
        .send_option(pack, &other("Hola, ¿qué color preferís?"))
        .await
        .expect("first");
    let err = client
        .send_option(pack, &other("¿Me confirmás?"))
        .await
        .expect_err("second");
    assert!(matches!(err, MeliError::CapExhausted { .. }), "{err:?}");
}

#[tokio::test]
async fn row_open_conversation() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    sim.control()
        .buyer_writes(pack as u64, "Hola, una consulta", None)
        .expect("buyer writes");
    let (client, _) = connected(&sim);
    let err = client
        .send_option(pack, &other("Hola"))
        .await
        .expect_err("open conversation");
    assert!(matches!(err, MeliError::OpenConversation { .. }), "{err:?}");
}

#[tokio::test]
async fn row_invalid_option() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let (client, _) = connected(&sim);
    let request = OptionRequest::free_text(OptionId::Other("SEND_GIFT".into()), "hola");
    let err = client
        .send_option(pack, &request)
        .await
        .expect_err("unknown option");
    assert!(matches!(err, MeliError::InvalidOption { .. }), "{err:?}");
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
async fn row_conversation_blocked() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    sim.control()
        .block_conversation(pack as u64, "blocked_by_mediation")
        .expect("block");
    let (client, _) = connected(&sim);
    let err = client
        .send_option(pack, &other("Hola"))
        .await
        .expect_err("blocked");
    assert!(
        matches!(err, MeliError::ConversationBlocked { .. }),
        "{err:?}"
    );
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
async fn row_invalid_template() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    let (client, _) = connected(&sim);
    let request = OptionRequest::template(OptionId::RequestBillingInfo, "TEMPLATE___NOPE___1");
    let err = client
        .send_option(pack, &request)
        .await
        .expect_err("bad template");
    assert!(matches!(err, MeliError::InvalidTemplate { .. }), "{err:?}");
}

#[tokio::test]
async fn row_excepted_case() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    sim.control()
        .set_flags(pack as u64, Some(true), None)
        .expect("flag");
    let (client, _) = connected(&sim);
    let err = client
        .send_option(pack, &other("Hola"))
        .await
        .expect_err("excepted");
    assert!(matches!(err, MeliError::ExceptedCase { .. }), "{err:?}");
}

#[tokio::test]
async fn row_buyer_deactivated_451() {
    let sim = sim().await;
    let pack = me2_sale(&sim).await;
    sim.control()
        .set_flags(pack as u64, None, Some(true))
        .expect("flag");
    let (client, _) = connected(&sim);
    let err = client
        .send_option(pack, &other("Hola"))
        .await
        .expect_err("deactivated");
    assert!(matches!(err, MeliError::BuyerUnavailable { .. }), "{err:?}");
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
