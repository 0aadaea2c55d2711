//! Variations the fixtures do not show but Part A §7 promises to survive.

use serde_json::json;

use super::*;

#[test]
fn ids_as_strings_and_statuses_in_upper_case() {
    let o: Order = serde_json::from_value(json!({
        "id": "2000003508419013",
        "status": "PAID",
        "pack_id": "2000006181551917",
        "buyer": {"id": "3037675074"},
        "total_amount": "99.5"
    }))
    .expect("parses");
    assert_eq!(o.id, 2000003508419013);
    assert_eq!(o.status, Some(OrderStatus::Paid));
    assert_eq!(o.conversation_id(), 2000006181551917);
    assert_eq!(o.buyer_id(), Some(3037675074));
    assert_eq!(o.total_amount, Some(99.5));
}

#[test]
fn unknown_enum_values_are_kept() {
    let o: Order =
        serde_json::from_value(json!({"id": 1, "status": "Teleported"})).expect("parses");
    assert_eq!(o.status, Some(OrderStatus::Other("Teleported".into())));
    assert_eq!(o.status.as_ref().map(|s| s.as_str()), Some("Teleported"));
    let m: Message = serde_json::from_value(json!({"id": 7, "status": 3})).expect("parses");
    assert_eq!(m.id, "7", "numeric message ids become strings");
    assert_eq!(m.status, Some(MessageStatus::Other("3".into())));
    let c: OptionCap =
        serde_json::from_value(json!({"option_id": "SEND_GIFT", "cap_available": "0"}))
            .expect("parses");
    assert_eq!(c.option_id, OptionId::Other("SEND_GIFT".into()));
    assert_eq!(c.cap_available, Some(0));
}

#[test]
fn nulls_and_missing_fields_become_empty() {
    let o: Order = serde_json::from_value(json!({
        "id": 5, "order_items": null, "payments": null, "tags": null, "buyer": null,
        "date_created": null, "date_closed": "not a date", "shipping": {"id": null}
    }))
    .expect("parses");
    assert!(o.order_items.is_empty() && o.payments.is_empty() && o.tags.is_empty());
    assert_eq!(o.buyer_id(), None);
    assert_eq!(o.date_closed, None, "a bad date does not lose the order");
    assert_eq!(o.shipment_id(), None);
    let m: PackMessages = serde_json::from_value(json!({
        "paging": null, "conversation_status": null,
        "messages": [{"id": "a", "message_date": null, "message_attachments": null, "text": {"plain": "hola"}}]
    }))
    .expect("parses");
    assert_eq!(m.paging, Paging::default());
    assert_eq!(m.messages[0].text.as_deref(), Some("hola"));
    assert!(m.messages[0].message_attachments.is_empty());
    let s: OrderSearch = serde_json::from_value(json!({})).expect("an empty page parses");
    assert!(s.results.is_empty());
}

#[test]
fn extra_fields_are_ignored_but_kept_in_raw() {
    let p: Pack =
        serde_json::from_value(json!({"id": 9, "family_pack_id": 77, "status": "FILLING"}))
            .expect("parses");
    assert_eq!(p.status, Some(PackStatus::Filling));
    assert_eq!(p.raw["family_pack_id"], 77);
}

#[test]
fn user_ids_need_64_bits() {
    let u: User = serde_json::from_value(json!({"id": 9_007_199_254_740_993_i64})).expect("parses");
    assert_eq!(u.id, 9_007_199_254_740_993);
    let u: User = serde_json::from_value(json!({"id": "3037675074"})).expect("parses");
    assert_eq!(u.id, 3037675074);
    assert!(
        serde_json::from_value::<User>(json!({"nickname": "x"})).is_err(),
        "a user needs an id"
    );
}

#[test]
fn a_blocked_conversation_reports_its_substatus() {
    let m: PackMessages = serde_json::from_value(json!({
        "conversation_status": {"status": "BLOCKED", "substatus": "blocked_by_payment"}, "messages": []
    }))
    .expect("parses");
    let cs = m.conversation_status.expect("status");
    assert!(cs.is_blocked());
    assert_eq!(cs.substatus.as_deref(), Some("blocked_by_payment"));
}

#[test]
fn api_error_cause_may_be_a_list_of_objects() {
    let e: ApiError = serde_json::from_value(json!({
        "message": "x", "status": "400", "cause": [{"code": "item.price.invalid", "message": "bad"}]
    }))
    .expect("parses");
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.cause_text().as_deref(), Some("item.price.invalid"));
}

#[test]
fn known_values_serialize_in_the_api_spelling() {
    assert_eq!(
        serde_json::to_value(OrderStatus::PaymentRequired).expect("ser"),
        json!("payment_required")
    );
    assert_eq!(
        serde_json::to_value(OptionId::RequestBillingInfo).expect("ser"),
        json!("REQUEST_BILLING_INFO")
    );
    assert_eq!(OptionId::parse("other"), OptionId::OtherReason);
}

#[test]
fn order_context_and_cancel_detail() {
    let o: Order = serde_json::from_value(json!({
        "id": 1,
        "context": {"channel": "marketplace", "site": "MLA", "flows": ["supermarket"]},
        "cancel_detail": {"group": "buyer", "code": "1010", "description": "Buyer cancelled",
                          "requested_by": "buyer", "date": "2026-01-02T10:00:00.000-03:00"}
    }))
    .expect("parses");
    let context = o.context.expect("context");
    assert_eq!(context.flows, vec!["supermarket"]);
    let cancel = o.cancel_detail.expect("cancel detail");
    assert_eq!(cancel.requested_by.as_deref(), Some("buyer"));
    assert_eq!(
        cancel.date.map(|d| d.to_rfc3339()),
        Some("2026-01-02T13:00:00+00:00".into())
    );
    let o: Order = serde_json::from_value(json!({"id": 1, "context": null, "cancel_detail": null}))
        .expect("nulls");
    assert_eq!(o.context, None);
}
