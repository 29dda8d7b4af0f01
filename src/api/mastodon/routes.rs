//! Every route of the Mastodon-shaped API in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, patch, post};

use super::{
    accounts, blocks, grouped_notifications, instance, markers, media, notifications, oauth, push, reports, statuses,
    threads,
};
use crate::state::AppState;

pub fn router(settings: &crate::config::Settings) -> Router<AppState> {
    let uploads = DefaultBodyLimit::max(crate::media::upload_body_limit(settings));
    let router = if settings.push.enabled {
        Router::new().route(
            "/api/v1/push/subscription",
            post(push::create).get(push::get).put(push::update).delete(push::delete),
        )
    } else {
        Router::new()
    };
    router
        .route("/api/v1/media", post(media::upload).layer(uploads))
        .route("/api/v2/media", post(media::upload).layer(uploads))
        .route("/api/v1/media/{id}", get(media::get).put(media::update))
        .route("/api/v1/accounts/update_credentials", patch(accounts::update_credentials).layer(uploads))
        .route("/.well-known/oauth-authorization-server", get(oauth::metadata))
        .route("/api/v1/apps", post(oauth::create_app))
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke))
        .route("/api/v1/instance", get(instance::v1))
        .route("/api/v2/instance", get(instance::v2))
        .route("/api/v1/instance/domain_blocks", get(instance::domain_blocks))
        .route("/api/v1/accounts/verify_credentials", get(accounts::verify_credentials))
        .route("/api/v1/accounts/lookup", get(accounts::lookup))
        .route("/api/v1/accounts/relationships", get(accounts::relationships))
        .route("/api/v1/accounts/{id}", get(accounts::get))
        .route("/api/v1/accounts/{id}/statuses", get(accounts::statuses))
        .route("/api/v1/accounts/{id}/followers", get(accounts::followers))
        .route("/api/v1/accounts/{id}/following", get(accounts::following))
        .route("/api/v1/accounts/{id}/follow", post(accounts::follow))
        .route("/api/v1/accounts/{id}/unfollow", post(accounts::unfollow))
        .route("/api/v1/accounts/{id}/block", post(blocks::block))
        .route("/api/v1/accounts/{id}/unblock", post(blocks::unblock))
        .route("/api/v1/accounts/{id}/mute", post(blocks::mute))
        .route("/api/v1/accounts/{id}/unmute", post(blocks::unmute))
        .route("/api/v1/blocks", get(blocks::list_blocks))
        .route("/api/v1/mutes", get(blocks::list_mutes))
        .route(
            "/api/v1/domain_blocks",
            get(blocks::list_domains).post(blocks::block_domain).delete(blocks::unblock_domain),
        )
        .route("/api/v2/search", get(accounts::search))
        .route("/api/v1/statuses", post(statuses::create))
        .route("/api/v1/statuses/{id}", get(statuses::get).delete(statuses::delete).put(statuses::edit))
        .route("/api/v1/statuses/{id}/context", get(threads::context))
        .route("/api/v1/statuses/{id}/favourited_by", get(threads::favourited_by))
        .route("/api/v1/statuses/{id}/reblogged_by", get(threads::reblogged_by))
        .route("/api/v1/statuses/{id}/favourite", post(statuses::favourite))
        .route("/api/v1/statuses/{id}/unfavourite", post(statuses::unfavourite))
        .route("/api/v1/statuses/{id}/reblog", post(statuses::reblog))
        .route("/api/v1/statuses/{id}/unreblog", post(statuses::unreblog))
        .route("/api/v1/timelines/home", get(statuses::home))
        .route("/api/v1/timelines/public", get(statuses::public))
        .route("/api/v1/notifications", get(notifications::list))
        .route("/api/v1/notifications/clear", post(notifications::clear))
        .route("/api/v1/notifications/unread_count", get(notifications::unread_count))
        .route("/api/v1/notifications/{id}", get(notifications::get))
        .route("/api/v1/notifications/{id}/dismiss", post(notifications::dismiss))
        .route("/api/v2/notifications", get(grouped_notifications::list))
        .route("/api/v2/notifications/unread_count", get(grouped_notifications::unread_count))
        .route("/api/v2/notifications/{group_key}", get(grouped_notifications::get))
        .route("/api/v2/notifications/{group_key}/dismiss", post(grouped_notifications::dismiss))
        .route("/api/v1/markers", get(markers::get).post(markers::set))
        .route("/api/v1/reports", post(reports::create))
        .method_not_allowed_fallback(crate::api::error::method_not_allowed)
}
