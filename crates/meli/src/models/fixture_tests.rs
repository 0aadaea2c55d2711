//! Every published payload in `shared/meli-fixtures/` parses into its model with the right values.

use chrono::{TimeZone, Utc};

use super::*;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../../shared/meli-fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_file_is_covered_by_a_test_here() {
    let dir = format!(
        "{}/../../../shared/meli-fixtures",
        env!("CARGO_MANIFEST_DIR")
    );
    let this = include_str!("fixture_tests.rs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 19, "{names:?}");
    for n in names {
        // The sites mock is covered in `site.rs`.
        if n == "sites_phpsdk_mock.json" {
            continue;
        }
        assert!(this.contains(&format!("\"{n}\"")), "no test parses {n}");
    }
}

#[test]
fn token_response() {
    let t: Token = parse("token_response.json");
    assert_eq!(
        t.access_token.expose(),
        "APP_USR-123456-090515-8cc4448aac10d5105474e1351-1234567"
    );
    assert_eq!(t.token_type.as_deref(), Some("bearer"));
    assert_eq!(t.expires_in, Some(10800));
    assert_eq!(t.scope.as_deref(), Some("offline_access read write"));
    assert_eq!(t.user_id, Some(1234567));
    assert_eq!(
        t.refresh_token.as_ref().map(|r| r.expose()),
        Some("TG-5b9032b4e23464aed1f959f-1234567")
    );
}

#[test]
fn oauth_error_invalid_grant() {
    let e: ApiError = parse("oauth_error_invalid_grant.json");
    assert_eq!(e.error_code(), Some("invalid_grant"));
    assert_eq!(e.status(), Some(400));
    assert!(e
        .text()
        .expect("description")
        .starts_with("Error validating grant"));
}

#[test]
fn users_me() {
    let u: User = parse("users_me.json");
    assert_eq!(u.id, 202593498);
    assert_eq!(u.nickname.as_deref(), Some("TETE2870021"));
    assert_eq!(u.country_id.as_deref(), Some("AR"));
    assert_eq!(u.site_id.as_deref(), Some("MLA"));
    assert_eq!(u.email.as_deref(), Some("test_user_50698062@testuser.com"));
    assert_eq!(u.display_name().as_deref(), Some("Test Test"));
    assert_eq!(
        u.tags,
        vec!["real_estate_agency", "test_user", "user_info_verified"]
    );
    assert_eq!(
        u.registration_date,
        Some(
            Utc.with_ymd_and_hms(2016, 1, 6, 15, 31, 42)
                .single()
                .expect("date")
        )
    );
    assert_eq!(
        u.address.as_ref().and_then(|a| a.city.as_deref()),
        Some("Palermo")
    );
    assert_eq!(
        u.status.as_ref().and_then(|s| s.site_status.as_deref()),
        Some("active")
    );
    assert_eq!(
        u.raw["credit"]["credit_level_id"], "MLA1",
        "raw JSON is kept"
    );
}

#[test]
fn users_public() {
    let u: User = parse("users_public.json");
    assert_eq!(u.id, 202593498);
    assert_eq!(u.first_name, None);
    assert_eq!(u.email, None);
    assert_eq!(u.display_name().as_deref(), Some("TETE2870021"));
    assert_eq!(
        u.seller_reputation
            .as_ref()
            .and_then(|r| r.level_id.clone()),
        None
    );
}

#[test]
fn orders_search() {
    let s: OrderSearch = parse("orders_search.json");
    assert_eq!(s.paging.total, Some(1));
    assert_eq!(s.paging.limit, Some(50));
    assert_eq!(
        s.sort.as_ref().and_then(|x| x.id.as_deref()),
        Some("date_asc")
    );
    let o = &s.results[0];
    assert_eq!(o.id, 2032217210);
    assert_eq!(o.status, Some(OrderStatus::Paid));
    assert_eq!(o.pack_id, None);
    assert_eq!(
        o.conversation_id(),
        2032217210,
        "a lone order stands in for its pack"
    );
    assert_eq!(o.buyer_id(), Some(89660613));
    assert_eq!(
        o.seller.as_ref().and_then(|s| s.nickname.as_deref()),
        Some("VENDASDKMB")
    );
    assert_eq!(o.shipment_id(), Some(27968238880));
    assert_eq!(o.total_amount, Some(129.95));
    assert_eq!(o.currency_id.as_deref(), Some("BRL"));
    assert_eq!(o.tags, vec!["delivered", "paid"]);
    assert_eq!(o.order_items[0].item.id.as_deref(), Some("MLB1054990648"));
    assert_eq!(o.order_items[0].quantity, Some(1));
    assert_eq!(o.payments[0].id, Some(4792155710));
    assert_eq!(o.payments[0].status.as_deref(), Some("approved"));
    assert_eq!(
        o.date_created,
        Some(
            Utc.with_ymd_and_hms(2019, 5, 22, 7, 51, 5)
                .single()
                .expect("date")
        )
    );
    assert_eq!(
        o.date_last_updated.map(|d| d.timestamp_millis()),
        Some(
            Utc.with_ymd_and_hms(2020, 2, 14, 2, 55, 49)
                .single()
                .expect("date")
                .timestamp_millis()
                + 811
        )
    );
    assert_eq!(
        o.raw["buying_mode"], "buy_equals_pay",
        "raw JSON is kept for nested orders too"
    );
}

#[test]
fn pack() {
    let p: Pack = parse("pack.json");
    assert_eq!(p.id, 2000006181551917);
    assert_eq!(p.status, Some(PackStatus::Released));
    assert_eq!(p.order_ids(), vec![2000009047722568, 2000009047707726]);
    assert_eq!(p.buyer_id(), Some(1944693439));
    assert_eq!(p.shipment.map(|s| s.id), Some(43729529445));
    assert_eq!(
        p.date_created,
        Some(
            Utc.with_ymd_and_hms(2024, 8, 15, 21, 38, 30)
                .single()
                .expect("date")
        ),
        "offsets without a colon (-0400) parse"
    );
}

#[test]
fn messages_by_pack_with_attachment() {
    let m: PackMessages = parse("messages_by_pack_with_attachment.json");
    assert_eq!(m.paging.total, Some(31));
    assert_eq!(m.paging.offset, Some(1));
    let status = m.conversation_status.as_ref().expect("status");
    assert_eq!(status.status, Some(ConversationState::Active));
    assert!(!status.is_blocked());
    assert_eq!(status.substatus, None);
    let msg = &m.messages[0];
    assert_eq!(msg.id, "2c92808469fea23a0169febf14580001");
    assert_eq!(msg.site_id.as_deref(), Some("MLM"));
    assert_eq!(msg.from_user_id(), Some(415458330), "string user ids parse");
    assert_eq!(
        msg.from.as_ref().and_then(|f| f.name.as_deref()),
        Some("Juan Pablo Robledo")
    );
    assert_eq!(
        msg.status,
        Some(MessageStatus::InModeration),
        "upper case statuses parse"
    );
    assert_eq!(msg.text.as_deref(), Some("Test message ToUserId"));
    assert!(msg.message_date.read.is_some());
    assert_eq!(
        msg.message_moderation
            .as_ref()
            .and_then(|x| x.status.clone()),
        Some(ModerationStatus::NonModerated)
    );
    let att = &msg.message_attachments[0];
    assert_eq!(
        att.filename,
        "415460047_a96d8dea-38cd-4402-938e-80a1c134fc5d.pdf"
    );
    assert_eq!(
        att.original_filename.as_deref(),
        Some("Ayuda-Memoria-Arduino-ELINSI.pdf")
    );
    assert_eq!(att.size, Some(225677));
    assert_eq!(
        att.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(msg.message_resources[0].name.as_deref(), Some("packs"));
    assert_eq!(msg.raw["client_id"], 123);
}

#[test]
fn message_send_request() {
    let v: serde_json::Value = parse("message_send_request.json");
    let to = super::de::id_from_value(&v["to"]["user_id"]);
    assert_eq!(to, Some(3037675074), "the MLB agent id, as a string");
    let ours = crate::client::SendMessage {
        from: 415458330,
        to: 3037675074,
        text: "¡Hola! Tu paquete fue despachado.".into(),
        attachments: vec!["415460047_a96d8dea-38cd-4402-938e-80a1c134fc5d.pdf".into()],
    };
    assert_eq!(ours.body(), v, "the client sends the published shape");
}

#[test]
fn message_send_error_blocked() {
    let e: ApiError = parse("message_send_error_blocked.json");
    assert_eq!(e.status(), Some(403));
    assert_eq!(e.error_code(), Some("forbidden"));
    assert_eq!(
        e.text(),
        Some("blocked_conversation_send_message_forbidden")
    );
}

#[test]
fn message_sent_response() {
    let m: Message = parse("message_sent_response.json");
    assert_eq!(m.id, "94353d192b9640e8b1ed3c77aa406f39");
    assert_eq!(m.to_user_id(), Some(618491100));
    assert_eq!(
        m.to.as_ref().and_then(|t| t.name.as_deref()),
        Some("Test Test")
    );
    assert_eq!(m.status, Some(MessageStatus::Available));
    assert_eq!(m.message_date.notified, None);
    assert!(m.message_date.available.is_some());
    let moderation = m.message_moderation.expect("moderation");
    assert_eq!(moderation.status, Some(ModerationStatus::Clean));
    assert_eq!(moderation.reason, None);
    assert!(m.message_attachments.is_empty());
}

#[test]
fn message_sent_moderated_response() {
    let m: Message = parse("message_sent_moderated_response.json");
    assert_eq!(m.status, Some(MessageStatus::Moderated));
    assert_eq!(m.message_date.available, None);
    let moderation = m.message_moderation.expect("moderation");
    assert_eq!(moderation.status, Some(ModerationStatus::Rejected));
    assert_eq!(moderation.reason.as_deref(), Some("out_of_place_language"));
    assert_eq!(moderation.source.as_deref(), Some("online"));
}

#[test]
fn action_guide_caps_available() {
    let caps: Vec<OptionCap> = parse("action_guide_caps_available.json");
    assert_eq!(caps.len(), 5);
    assert_eq!(caps[0].option_id, OptionId::RequestVariants);
    assert_eq!(caps[3].option_id, OptionId::DeliveryPromise);
    assert_eq!(caps[4].option_id, OptionId::OtherReason);
    assert!(caps.iter().all(|c| c.cap_available == Some(1)));
}

#[test]
fn action_guide_option_request_other() {
    let r: OptionRequest = parse("action_guide_option_request_other.json");
    assert_eq!(r.option_id, OptionId::OtherReason);
    assert_eq!(
        r.text.as_deref(),
        Some("Cómo estás María, estaría necesitando de...")
    );
    let ours = OptionRequest::free_text(
        OptionId::OtherReason,
        "Cómo estás María, estaría necesitando de...",
    );
    assert_eq!(
        serde_json::to_value(&ours).expect("serializes"),
        serde_json::from_str::<serde_json::Value>(&fixture(
            "action_guide_option_request_other.json"
        ))
        .expect("json"),
        "the client sends the published shape"
    );
}

#[test]
fn action_guide_error_excepted_case() {
    let e: ApiError = parse("action_guide_error_excepted_case.json");
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.error_code(), Some("bad_request"));
    assert_eq!(e.cause_text().as_deref(), Some("blocked_by_excepted_case"));
}

#[test]
fn attachment_upload_response() {
    let a: UploadedAttachment = parse("attachment_upload_response.json");
    assert_eq!(a.id, "210438685_59f0f034-db1b-4ea6-8c5e-1d34e2092482.jpg");
}

#[test]
fn unread_role_seller() {
    let u: Unread = parse("unread_role_seller.json");
    assert_eq!(u.user_id, Some(378136913));
    assert_eq!(u.results[0].count, Some(1));
    assert_eq!(u.results[0].pack_id(), Some(1977056109));
}

#[test]
fn notification_orders_v2() {
    let n: Notification = parse("notification_orders_v2.json");
    assert_eq!(n.topic, "orders_v2");
    assert_eq!(n.resource, "/orders/2195160686");
    assert_eq!(n.resource_id(), Some(2195160686));
    assert_eq!(n.user_id, Some(468424240));
    assert_eq!(n.application_id, Some(5503910054141466));
    assert_eq!(n.attempts, Some(1));
    assert!(
        n.sent > n.received,
        "sent {:?} received {:?}",
        n.sent,
        n.received
    );
}

#[test]
fn error_429_too_many_requests() {
    let e: ApiError = parse("error_429_too_many_requests.json");
    assert_eq!(e.status(), Some(429));
    assert_eq!(e.error_code(), Some("too_many_requests"));
    assert_eq!(e.cause_text(), None);
}

#[test]
fn error_403_forbidden_access_denied() {
    let e: ApiError = parse("error_403_forbidden_access_denied.json");
    assert_eq!(e.status(), Some(403));
    assert_eq!(e.error_code(), Some("access_denied"));
    assert_eq!(e.code.as_deref(), Some("FORBIDDEN"));
}
