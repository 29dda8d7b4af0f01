//! Client API credentials: registered apps, access tokens and authorization codes. Tokens and
//! codes are stored only as SHA-256 hashes.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::{Account, LocalUserId};
use crate::db::schema::{actor, local_user, oauth_app, oauth_code, oauth_token};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_app)]
pub struct OauthApp {
    pub id: i64,
    pub client_id: String,
    pub client_secret: String,
    pub name: String,
    pub website: Option<String>,
    /// Newline-separated.
    pub redirect_uris: String,
    /// Space-separated.
    pub scopes: String,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = oauth_app)]
pub struct OauthAppInsert<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub name: &'a str,
    pub website: Option<&'a str>,
    pub redirect_uris: &'a str,
    pub scopes: &'a str,
    pub created_at: chrono::NaiveDateTime,
}

impl OauthApp {
    pub async fn insert(conn: &mut DbConn, form: &OauthAppInsert<'_>) -> DbResult<OauthApp> {
        dispatch!(conn, c => diesel::insert_into(oauth_app::table).values(form).returning(OauthApp::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    pub async fn by_client_id(conn: &mut DbConn, client_id: &str) -> DbResult<Option<OauthApp>> {
        dispatch!(conn, c => oauth_app::table.filter(oauth_app::client_id.eq(client_id)).select(OauthApp::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_token)]
pub struct OauthToken {
    pub id: i64,
    pub token_hash: String,
    pub app_id: Option<i64>,
    pub local_user_id: Option<LocalUserId>,
    pub name: String,
    pub scopes: String,
    pub created_at: chrono::NaiveDateTime,
    pub last_used_at: Option<chrono::NaiveDateTime>,
}

impl OauthToken {
    pub async fn insert(
        conn: &mut DbConn,
        token_hash: &str,
        app_id: Option<i64>,
        user: Option<LocalUserId>,
        name: &str,
        scopes: &str,
        now: chrono::NaiveDateTime,
    ) -> DbResult<OauthToken> {
        let row = (
            oauth_token::token_hash.eq(token_hash),
            oauth_token::app_id.eq(app_id),
            oauth_token::local_user_id.eq(user),
            oauth_token::name.eq(name),
            oauth_token::scopes.eq(scopes),
            oauth_token::created_at.eq(now),
        );
        dispatch!(conn, c => diesel::insert_into(oauth_token::table).values(row).returning(OauthToken::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    /// The token and, for a user token, its account.
    pub async fn find(conn: &mut DbConn, token_hash: &str) -> DbResult<Option<(OauthToken, Option<Account>)>> {
        let token: Option<OauthToken> = dispatch!(conn, c => oauth_token::table
            .filter(oauth_token::token_hash.eq(token_hash))
            .select(OauthToken::as_select())
            .first(c)
            .await
            .optional())?;
        let Some(token) = token else { return Ok(None) };
        let account = match token.local_user_id {
            Some(user) => dispatch!(conn, c => local_user::table
                .inner_join(actor::table)
                .filter(local_user::id.eq(user))
                .select(Account::as_select())
                .first(c)
                .await
                .optional())?,
            None => None,
        };
        Ok(Some((token, account)))
    }

    pub async fn delete_by_hash(conn: &mut DbConn, token_hash: &str) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(oauth_token::table.filter(oauth_token::token_hash.eq(token_hash))).execute(c).await)
            .map_err(Into::into)
    }

    /// Revokes every token of a person (after a password reset).
    pub async fn delete_for_user(conn: &mut DbConn, user: LocalUserId) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(oauth_token::table.filter(oauth_token::local_user_id.eq(user))).execute(c).await)
            .map_err(Into::into)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_code)]
pub struct OauthCode {
    pub code_hash: String,
    pub app_id: i64,
    pub local_user_id: LocalUserId,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub expires_at: chrono::NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = oauth_code)]
pub struct OauthCodeInsert<'a> {
    pub code_hash: &'a str,
    pub app_id: i64,
    pub local_user_id: LocalUserId,
    pub redirect_uri: &'a str,
    pub scopes: &'a str,
    pub code_challenge: Option<&'a str>,
    pub expires_at: chrono::NaiveDateTime,
}

impl OauthCode {
    pub async fn insert(conn: &mut DbConn, form: &OauthCodeInsert<'_>) -> DbResult<()> {
        dispatch!(conn, c => diesel::insert_into(oauth_code::table).values(form).execute(c).await)?;
        Ok(())
    }

    /// Takes a code out: a code works once.
    pub async fn take(conn: &mut DbConn, code_hash: &str) -> DbResult<Option<OauthCode>> {
        dispatch!(conn, c => diesel::delete(oauth_code::table.filter(oauth_code::code_hash.eq(code_hash)))
            .returning(OauthCode::as_returning())
            .get_result(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Drops the codes not yet exchanged of a person (after a password reset).
    pub async fn delete_for_user(conn: &mut DbConn, user: LocalUserId) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(oauth_code::table.filter(oauth_code::local_user_id.eq(user))).execute(c).await)
            .map_err(Into::into)
    }
}
