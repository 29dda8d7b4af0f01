//! `push_subscription`: where an app wants web push for the notifications of the account its
//! access token belongs to (Mastodon's `/api/v1/push/subscription`), one per access token.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use crate::db::schema::push_subscription;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = push_subscription)]
pub struct PushSubscription {
    pub id: i64,
    pub oauth_token_id: i64,
    pub actor_id: ActorId,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    /// A JSON object of Mastodon notification types and booleans.
    pub alerts: String,
    pub policy: String,
    /// The access token, sealed with the instance's key (`domain::push`).
    pub token_sealed: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = push_subscription)]
pub struct PushSubscriptionInsert {
    pub oauth_token_id: i64,
    pub actor_id: ActorId,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub alerts: String,
    pub policy: String,
    pub token_sealed: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl PushSubscription {
    /// Stores the token's subscription, replacing the one it had.
    pub async fn upsert(conn: &mut DbConn, form: &PushSubscriptionInsert) -> DbResult<PushSubscription> {
        dispatch!(conn, c => diesel::insert_into(push_subscription::table)
            .values(form)
            .on_conflict(push_subscription::oauth_token_id)
            .do_update()
            .set(form)
            .returning(PushSubscription::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn by_token(conn: &mut DbConn, oauth_token_id: i64) -> DbResult<Option<PushSubscription>> {
        dispatch!(conn, c => push_subscription::table
            .filter(push_subscription::oauth_token_id.eq(oauth_token_id))
            .select(PushSubscription::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<PushSubscription>> {
        dispatch!(conn, c => push_subscription::table
            .find(id)
            .select(PushSubscription::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// The actors with at least one subscription: who [`crate::domain::push`] may have to tell
    /// of a notification to many.
    pub async fn subscribed_actors(conn: &mut DbConn) -> DbResult<std::collections::HashSet<ActorId>> {
        let ids: Vec<ActorId> = dispatch!(conn, c => push_subscription::table
            .select(push_subscription::actor_id)
            .distinct()
            .load(c)
            .await)?;
        Ok(ids.into_iter().collect())
    }

    /// Every subscription of a local person's actor (one index range).
    pub async fn of_actor(conn: &mut DbConn, actor_id: ActorId) -> DbResult<Vec<PushSubscription>> {
        dispatch!(conn, c => push_subscription::table
            .filter(push_subscription::actor_id.eq(actor_id))
            .select(PushSubscription::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Changes what the token's subscription alerts on; false when the token has none.
    pub async fn set_alerts(
        conn: &mut DbConn,
        oauth_token_id: i64,
        alerts: &str,
        policy: &str,
        at: chrono::NaiveDateTime,
    ) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::update(
            push_subscription::table.filter(push_subscription::oauth_token_id.eq(oauth_token_id)),
        )
        .set((
            push_subscription::alerts.eq(alerts),
            push_subscription::policy.eq(policy),
            push_subscription::updated_at.eq(at),
        ))
        .execute(c)
        .await)?;
        Ok(n > 0)
    }

    pub async fn delete_of_token(conn: &mut DbConn, oauth_token_id: i64) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(
            push_subscription::table.filter(push_subscription::oauth_token_id.eq(oauth_token_id)),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
    }

    /// Forgets a subscription the push service no longer knows; only if it still points at
    /// `endpoint` (the app may have subscribed anew meanwhile).
    pub async fn delete_gone(conn: &mut DbConn, id: i64, endpoint: &str) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(
            push_subscription::table
                .filter(push_subscription::id.eq(id))
                .filter(push_subscription::endpoint.eq(endpoint)),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
    }
}
