//! Which path goes where, on the API listener and on the auth listener.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::{middleware, Router};

use crate::state::Shared;
use crate::{
    action_guide, attachments, control_http, messages, oauth, orders, questions, server, sites,
    users,
};

/// Attachments may be 25 MB; leave room for the multipart framing so the size rule, not the
/// body limit, answers a file just over it.
const UPLOAD_BODY_LIMIT: usize = 27 * 1024 * 1024;

pub fn api(shared: Arc<Shared>) -> Router {
    let limited = Router::new()
        .route("/users/me", get(users::me))
        .route("/users/{id}", get(users::by_id))
        .route("/orders/search", get(orders::search))
        .route("/orders/{id}", get(orders::by_id))
        .route("/packs/{id}", get(orders::pack))
        .route("/shipments/{id}", get(orders::shipment))
        .route(
            "/messages/packs/{pack_id}/sellers/{seller_id}",
            get(messages::list).post(messages::send),
        )
        .route(
            "/messages/attachments",
            post(attachments::upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/messages/attachments/{id}", get(attachments::download))
        .route("/messages/unread", get(messages::unread))
        .route("/messages/{message_id}", get(messages::by_id))
        .route(
            "/messages/unread/packs/{pack_id}/sellers/{seller_id}",
            get(messages::unread_by_resource),
        )
        .route(
            "/messages/action_guide/packs/{pack_id}",
            get(action_guide::options),
        )
        .route(
            "/messages/action_guide/packs/{pack_id}/caps_available",
            get(action_guide::caps),
        )
        .route(
            "/messages/action_guide/packs/{pack_id}/option",
            post(action_guide::send_option),
        )
        .route("/questions/search", get(questions::api::search))
        .route(
            "/my/received_questions/search",
            get(questions::api::received),
        )
        .route("/questions/{id}", get(questions::api::by_id))
        .route("/answers", post(questions::api::answer))
        .route(
            "/users/{user_id}/questions_blacklist",
            get(questions::api::blacklist).post(questions::api::block),
        )
        .route(
            "/users/{user_id}/questions_blacklist/{blocked_id}",
            delete(questions::api::unblock),
        )
        .route(
            "/users/{user_id}/questions/response_time",
            get(questions::api::response_time_of),
        )
        .route("/items", get(questions::items::multiget))
        .route("/items/{id}", get(questions::items::by_id))
        .route("/sites", get(sites::list))
        .route("/sites/{id}", get(sites::by_id))
        .route("/currencies/{id}", get(sites::currency))
        .route(
            "/users/{user_id}/applications/{app_id}",
            delete(sites::revoke_grant),
        )
        .route_layer(middleware::from_fn_with_state(
            shared.clone(),
            server::endless_paging,
        ))
        .route_layer(middleware::from_fn_with_state(
            shared.clone(),
            server::messages_permission,
        ))
        .route_layer(middleware::from_fn_with_state(
            shared.clone(),
            server::limit_rate,
        ));
    // The token endpoint is not part of the messaging rate limits.
    // Nor are pictures: Mercado Libre serves them from its image host, without a token.
    let api = limited
        .route("/oauth/token", post(oauth::token))
        .route("/pictures/{name}", get(questions::pictures::serve))
        .fallback(server::not_found)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            server::inject_faults,
        ))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            server::log_requests,
        ));
    api.merge(control_http::routes()).with_state(shared)
}

pub fn auth(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/authorization",
            get(oauth::authorization_page).post(oauth::authorization_decision),
        )
        .with_state(shared)
}
