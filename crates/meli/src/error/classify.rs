//! From an HTTP status and an error body to a [`MeliError`] with a meaning. The documented
//! messages are matched first (the action guide reuses 403 and 400 for several meanings, and the
//! seed and the reference disagree on which `error` code goes with which message), then the status.

use std::time::Duration;

use super::MeliError;
use crate::models::ApiError;

const EXCERPT_CHARS: usize = 160;

const OAUTH_ERRORS: [&str; 7] = [
    "invalid_client",
    "invalid_scope",
    "invalid_request",
    "unsupported_grant_type",
    "unauthorized_client",
    "unauthorized_application",
    "invalid_operator_user_id",
];

/// The start of a body, on a character boundary, for errors and logs.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

pub(super) fn from_response(status: u16, retry_after: Option<Duration>, body: &[u8]) -> MeliError {
    let api: ApiError = serde_json::from_slice(body).unwrap_or_else(|_| ApiError {
        message: Some(excerpt(body)),
        ..ApiError::default()
    });
    let hay = api.haystack();
    let code = api.error_code().unwrap_or("").to_ascii_lowercase();
    let message = api.text().or(api.error_code()).unwrap_or("").to_owned();
    let has = |needle: &str| hay.contains(needle);

    if status == 429
        || matches!(
            code.as_str(),
            "too_many_requests" | "too_many_request" | "local_rate_limited"
        )
    {
        return MeliError::RateLimited { retry_after };
    }
    if code == "invalid_grant" {
        return MeliError::InvalidGrant {
            description: message,
        };
    }
    if OAUTH_ERRORS.contains(&code.as_str()) && api.error_description.is_some() {
        return MeliError::OAuth {
            error: code,
            description: message,
        };
    }
    if has("blocked_by_excepted_case") || has("excepted case") {
        return MeliError::ExceptedCase { message };
    }
    if status == 451 {
        return MeliError::BuyerUnavailable { message };
    }
    if status == 409 {
        return MeliError::Conflict { message };
    }
    if status == 422 || has("attachment key is invalid") {
        return MeliError::AttachmentInvalid { message };
    }
    if status == 413
        || matches!(code.as_str(), "invalid_file_type" | "file_too_large")
        || has("file name must")
    {
        return MeliError::AttachmentRejected { message };
    }
    if code == "invalid_question" {
        return MeliError::QuestionNotAnswerable { message };
    }
    if has("text is invalid") || has("too long") || has("unsupported characters") {
        return MeliError::TextTooLong { message };
    }
    if has("not allowed to execute the option") {
        return MeliError::CapExhausted { message };
    }
    if has("conversation_started_by_seller") || has("conversation_initiated_by_seller_limited") {
        return MeliError::ActionGuideRequired { message };
    }
    if has("this package has the conversation blocked") {
        return MeliError::OpenConversation { message };
    }
    if has("conversation is blocked")
        || has("blocked_conversation")
        || has("has not been yet delivered")
    {
        return MeliError::ConversationBlocked { message };
    }
    if has("option selected is not valid") {
        return MeliError::InvalidOption { message };
    }
    if has("template") && has("invalid") {
        return MeliError::InvalidTemplate { message };
    }
    match status {
        401 => MeliError::Unauthorized { message },
        403 => MeliError::Forbidden { reason: message },
        404 => MeliError::NotFound { message },
        400 => MeliError::BadRequest { message },
        500..=599 => MeliError::Server { status, message },
        _ => MeliError::Http { status, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn classify(status: u16, body: serde_json::Value) -> MeliError {
        from_response(status, None, body.to_string().as_bytes())
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../../shared/meli-fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    // The seed's action-guide error table, row by row, in the seed's own codes.
    fn ag(status: u16, error: &str, message: &str) -> MeliError {
        classify(
            status,
            json!({"cause": "", "error": error, "message": message, "status_code": status}),
        )
    }

    #[test]
    fn action_guide_text_too_long() {
        let e = ag(400, "bad_request", "The text is invalid");
        assert!(matches!(e, MeliError::TextTooLong { .. }), "{e:?}");
        assert_eq!(e.code(), "text_too_long");
    }

    #[test]
    fn action_guide_cap_exhausted() {
        let e = ag(
            403,
            "limit_exceeded",
            "You are not allowed to execute the option OTHER again",
        );
        assert!(matches!(e, MeliError::CapExhausted { .. }), "{e:?}");
        assert_eq!(e.code(), "cap_exhausted");
    }

    #[test]
    fn action_guide_open_conversation() {
        let e = ag(
            403,
            "forbidden",
            "This package has the conversation blocked, please check blocked messages",
        );
        assert!(matches!(e, MeliError::OpenConversation { .. }), "{e:?}");
        assert_eq!(e.code(), "open_conversation");
    }

    #[test]
    fn action_guide_invalid_option() {
        let e = ag(404, "not_found", "The option selected is not valid");
        assert!(matches!(e, MeliError::InvalidOption { .. }), "{e:?}");
        assert_eq!(e.code(), "invalid_option");
    }

    #[test]
    fn action_guide_lock_conflict() {
        let e = ag(
            409,
            "conflict",
            "There is another request locking this operation",
        );
        assert!(matches!(e, MeliError::Conflict { .. }), "{e:?}");
        assert!(e.is_transient());
        assert_eq!(e.code(), "conflict");
    }

    #[test]
    fn action_guide_conversation_blocked() {
        let e = ag(403, "forbidden", "The conversation is blocked");
        assert!(matches!(e, MeliError::ConversationBlocked { .. }), "{e:?}");
        assert_eq!(e.code(), "conversation_blocked");
    }

    #[test]
    fn action_guide_pack_of_another_seller_is_forbidden_with_reason() {
        let e = ag(
            403,
            "forbidden",
            "You are not allowed to access the information of the pack 2000000000",
        );
        match e {
            MeliError::Forbidden { reason } => assert!(reason.contains("2000000000")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_refusal_of_one_resource_is_told_from_one_of_the_application() {
        for body in [
            json!({"message": "User access token invalid for resource 2000000000", "error": "forbidden", "status": 403, "cause": []}),
            json!({"cause": "", "error": "forbidden", "message": "You are not allowed to access the information of the pack 2000000000", "status_code": 403}),
            json!({"message": "The user has not access to the order", "error": "forbidden", "status": 403}),
        ] {
            let e = classify(403, body.clone());
            assert!(e.refuses_only_this_resource(), "{body}: {e:?}");
        }
        for body in [
            json!({"status": 403, "error": "access_denied", "message": "access to the requested resource is forbidden", "code": "FORBIDDEN"}),
            json!({"status": 403, "error": "Invalid scopes", "code": "FORBIDDEN"}),
            json!({"message": "forbidden", "error": "forbidden", "status": 403, "cause": []}),
        ] {
            let e = classify(403, body.clone());
            assert_eq!(e.code(), "forbidden", "{body}");
            assert!(!e.refuses_only_this_resource(), "{body}: {e:?}");
        }
        assert!(!classify(404, json!({"message": "x"})).refuses_only_this_resource());
    }

    #[test]
    fn action_guide_invalid_template() {
        let e = ag(
            400,
            "bad_request",
            "The template TEMPLATE___X___1 is invalid",
        );
        assert!(matches!(e, MeliError::InvalidTemplate { .. }), "{e:?}");
        assert_eq!(e.code(), "invalid_template");
    }

    #[test]
    fn action_guide_internal_error_is_server() {
        let e = ag(500, "internal_server_error", "Internal server error");
        assert!(matches!(e, MeliError::Server { status: 500, .. }), "{e:?}");
    }

    #[test]
    fn action_guide_too_many_request_is_rate_limited() {
        let e = from_response(
            429,
            Some(Duration::from_secs(3)),
            br#"{"error":"too_many_request","status_code":429}"#,
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(e.code(), "rate_limited");
    }

    #[test]
    fn action_guide_buyer_deactivated_is_451() {
        let e = ag(451, "unavailable_for_legal_reasons", "Unavailable");
        assert!(matches!(e, MeliError::BuyerUnavailable { .. }), "{e:?}");
        assert_eq!(e.code(), "buyer_unavailable");
    }

    #[test]
    fn action_guide_excepted_case_fixture() {
        let e = from_response(400, None, &fixture("action_guide_error_excepted_case.json"));
        assert!(matches!(e, MeliError::ExceptedCase { .. }), "{e:?}");
        assert_eq!(e.code(), "excepted_case");
    }

    #[test]
    fn messaging_blocked_fixture() {
        let e = from_response(403, None, &fixture("message_send_error_blocked.json"));
        assert!(matches!(e, MeliError::ConversationBlocked { .. }), "{e:?}");
    }

    #[test]
    fn messaging_seller_may_not_start_on_mercado_envios_2() {
        let e = classify(
            403,
            json!({"status_code": 403, "code": "forbidden", "message": "blocked_by_conversation_started_by_seller"}),
        );
        assert!(matches!(e, MeliError::ActionGuideRequired { .. }), "{e:?}");
        assert_eq!(e.code(), "action_guide_required");
        let e = classify(
            403,
            json!({"status_code": 403, "code": "forbidden", "message": "Unable to send the message, the purchase is Mercado Envíos Full and has not been yet delivered"}),
        );
        assert!(matches!(e, MeliError::ConversationBlocked { .. }), "{e:?}");
    }

    #[test]
    fn messaging_text_too_long() {
        let e = classify(
            400,
            json!({"message": "The message content is too long, max characters allowed are 350", "error": "bad_request", "status": 400, "cause": []}),
        );
        assert!(matches!(e, MeliError::TextTooLong { .. }), "{e:?}");
    }

    #[test]
    fn messaging_attachment_invalid_is_422() {
        let e = classify(
            422,
            json!({"message": "Attachment key is invalid or not found", "error": "unprocessable_entity", "status": 422}),
        );
        assert!(matches!(e, MeliError::AttachmentInvalid { .. }), "{e:?}");
        assert_eq!(e.code(), "attachment_invalid");
    }

    #[test]
    fn uploads_refused_for_type_size_or_name() {
        let e = classify(
            400,
            json!({"message": "Invalid file type, allowed types are JPG, PNG, PDF and TXT", "error": "invalid_file_type", "status": 400, "cause": []}),
        );
        assert_eq!(e.code(), "attachment_rejected", "{e:?}");
        let e = classify(
            413,
            json!({"message": "The file exceeds the maximum size allowed of 25 MB", "error": "file_too_large", "status": 413}),
        );
        assert_eq!(e.code(), "attachment_rejected", "{e:?}");
        let e = from_response(413, None, b"<html>Request Entity Too Large</html>");
        assert_eq!(e.code(), "attachment_rejected", "{e:?}");
    }

    #[test]
    fn oauth_invalid_grant_fixture() {
        let e = from_response(400, None, &fixture("oauth_error_invalid_grant.json"));
        match &e {
            MeliError::InvalidGrant { description } => {
                assert!(description.contains("already used"))
            }
            other => panic!("{other:?}"),
        }
        assert!(e.needs_reconnect());
    }

    #[test]
    fn oauth_other_errors_keep_their_code() {
        let e = classify(
            400,
            json!({"error": "invalid_client", "error_description": "invalid client_id", "status": 400}),
        );
        match e {
            MeliError::OAuth { error, description } => {
                assert_eq!(error, "invalid_client");
                assert_eq!(description, "invalid client_id");
            }
            other => panic!("{other:?}"),
        }
        let e = classify(429, json!({"error": "local_rate_limited", "status": 429}));
        assert_eq!(e.code(), "rate_limited");
    }

    #[test]
    fn standard_errors_map_by_status() {
        let e = from_response(429, None, &fixture("error_429_too_many_requests.json"));
        assert!(matches!(e, MeliError::RateLimited { retry_after: None }));
        let e = from_response(
            403,
            None,
            &fixture("error_403_forbidden_access_denied.json"),
        );
        match e {
            MeliError::Forbidden { reason } => {
                assert_eq!(reason, "access to the requested resource is forbidden")
            }
            other => panic!("{other:?}"),
        }
        let e = classify(
            401,
            json!({"message": "invalid_token", "cause": [], "error": "not_found", "status": 401}),
        );
        assert!(matches!(e, MeliError::Unauthorized { .. }), "{e:?}");
        let e = classify(
            404,
            json!({"message": "Order do not exists", "error": "not_found", "status": 404}),
        );
        assert_eq!(e.code(), "not_found");
        let e = classify(
            403,
            json!({"status": 403, "error": "Invalid scopes", "code": "FORBIDDEN"}),
        );
        match e {
            MeliError::Forbidden { reason } => assert_eq!(reason, "Invalid scopes"),
            other => panic!("{other:?}"),
        }
        let e = classify(
            400,
            json!({"message": "Invalid limit param", "error": "bad_request", "status": 400}),
        );
        assert_eq!(e.code(), "bad_request");
        let e = classify(418, json!({}));
        assert!(matches!(e, MeliError::Http { status: 418, .. }));
    }

    #[test]
    fn a_non_json_body_still_classifies_by_status_with_a_short_excerpt() {
        let body = "<html>".repeat(500);
        let e = from_response(502, None, body.as_bytes());
        match e {
            MeliError::Server { status, message } => {
                assert_eq!(status, 502);
                assert!(
                    message.chars().count() <= EXCERPT_CHARS + 1,
                    "{}",
                    message.len()
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn excerpt_cuts_on_a_character_boundary() {
        let body = "ñ".repeat(400);
        let ex = excerpt(body.as_bytes());
        assert_eq!(ex.chars().count(), EXCERPT_CHARS + 1);
        assert!(ex.ends_with('…'));
        assert_eq!(excerpt(b"{\"id\": 1"), "{\"id\": 1");
    }
}
