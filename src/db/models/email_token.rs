//! `email_token`: single-use links sent by e-mail (address confirmation, password reset, e-mail
//! change). Only a SHA-256 hash of the token is stored; the link in the mail carries the token.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::LocalUserId;
use crate::db::schema::email_token;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// What a token is for; a token of one purpose never works for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms the account's address (at registration, or later from the settings).
    Confirm,
    /// Sets a new password without the old one.
    Reset,
    /// Moves the account to the address in the token's `email`.
    ChangeEmail,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Confirm => "confirm",
            Purpose::Reset => "reset",
            Purpose::ChangeEmail => "change_email",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_token)]
pub struct EmailToken {
    pub id: i64,
    pub local_user_id: LocalUserId,
    pub purpose: String,
    pub token_hash: String,
    /// The address being confirmed (confirmation, e-mail change).
    pub email: Option<String>,
    pub expires_at: chrono::NaiveDateTime,
    pub used_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = email_token)]
pub struct EmailTokenInsert<'a> {
    pub local_user_id: LocalUserId,
    pub purpose: &'a str,
    pub token_hash: &'a str,
    pub email: Option<&'a str>,
    pub expires_at: chrono::NaiveDateTime,
    pub created_at: chrono::NaiveDateTime,
}

impl EmailToken {
    pub async fn insert(conn: &mut DbConn, form: &EmailTokenInsert<'_>) -> DbResult<EmailToken> {
        dispatch!(conn, c => diesel::insert_into(email_token::table).values(form).returning(EmailToken::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    /// The token with this hash and purpose, used or not (to tell why a link no longer works).
    pub async fn find(conn: &mut DbConn, purpose: Purpose, token_hash: &str) -> DbResult<Option<EmailToken>> {
        dispatch!(conn, c => email_token::table
            .filter(email_token::token_hash.eq(token_hash))
            .filter(email_token::purpose.eq(purpose.as_str()))
            .select(EmailToken::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Marks the token used if it is unused and unexpired; returns it then, else `None`. One
    /// statement, so two requests with the same link cannot both use it.
    pub async fn take(
        conn: &mut DbConn,
        purpose: Purpose,
        token_hash: &str,
        now: chrono::NaiveDateTime,
    ) -> DbResult<Option<EmailToken>> {
        dispatch!(conn, c => diesel::update(
            email_token::table
                .filter(email_token::token_hash.eq(token_hash))
                .filter(email_token::purpose.eq(purpose.as_str()))
                .filter(email_token::used_at.is_null())
                .filter(email_token::expires_at.gt(now)),
        )
        .set(email_token::used_at.eq(now))
        .returning(EmailToken::as_returning())
        .get_result(c)
        .await
        .optional())
        .map_err(Into::into)
    }

    /// Forgets tokens that expired before `before` (hourly housekeeping). Kept a while after
    /// expiring, so that a late click is told "expired" rather than "not right".
    pub async fn delete_expired(conn: &mut DbConn, before: chrono::NaiveDateTime) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(email_token::table.filter(email_token::expires_at.le(before))).execute(c).await)
            .map_err(Into::into)
    }

    /// Marks every unused token of a person for `purpose` used: a new reset link, or a reset
    /// done, makes the older links stop working.
    pub async fn void_unused(
        conn: &mut DbConn,
        user: LocalUserId,
        purpose: Purpose,
        now: chrono::NaiveDateTime,
    ) -> DbResult<usize> {
        dispatch!(conn, c => diesel::update(
            email_token::table
                .filter(email_token::local_user_id.eq(user))
                .filter(email_token::purpose.eq(purpose.as_str()))
                .filter(email_token::used_at.is_null()),
        )
        .set(email_token::used_at.eq(now))
        .execute(c)
        .await)
        .map_err(Into::into)
    }
}
