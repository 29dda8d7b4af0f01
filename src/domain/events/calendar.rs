//! A resident's own agenda: the events they answered, of the groups they belong to and of the
//! organisers they follow. Private: its page is theirs only, and its iCalendar feed lives at a
//! secret address (a random 192-bit token of which only the SHA-256 is kept) that making a new
//! one revokes.

use super::{AGENDA_MAX, EventView, views};
use crate::db::models::calendar_feed::CalendarFeed;
use crate::db::models::event::{Event, Filter};
use crate::db::models::local_user::Account;
use crate::db::now;
use crate::domain::DomainResult;
use crate::domain::accounts::token_hash;
use crate::state::AppState;

/// The coming events of `account`'s agenda, soonest first.
pub async fn mine(state: &AppState, account: &Account) -> DomainResult<Vec<EventView>> {
    let mut conn = state.pool.get().await?;
    let filter = Filter { mine: Some(account.actor.id), ..Default::default() };
    let events = Event::upcoming(&mut conn, filter, now(), None, AGENDA_MAX).await?;
    views(&mut conn, events).await
}

/// Makes a new secret feed address for `account` (the old one stops working); returns its token.
pub async fn new_feed(state: &AppState, account: &Account) -> DomainResult<String> {
    let token = crate::util::tokens::random_token(24);
    let mut tx = state.pool.begin().await?;
    CalendarFeed::set(&mut tx, account.user.id, &token_hash(&token), now()).await?;
    tx.commit().await?;
    Ok(token)
}

/// Whether `account` has a feed address.
pub async fn has_feed(state: &AppState, account: &Account) -> DomainResult<bool> {
    let mut conn = state.pool.get().await?;
    Ok(CalendarFeed::exists(&mut conn, account.user.id).await?)
}

/// The agenda a feed token opens (`None`: no such feed, or a revoked one).
pub async fn by_feed(state: &AppState, token: &str) -> DomainResult<Option<(Account, Vec<EventView>)>> {
    let account = {
        let mut conn = state.pool.get().await?;
        let Some(user) = CalendarFeed::owner(&mut conn, &token_hash(token)).await? else { return Ok(None) };
        let Some(account) = Account::by_id(&mut conn, user).await? else { return Ok(None) };
        account
    };
    if account.actor.deleted || account.actor.suspended_at.is_some() {
        return Ok(None);
    }
    let events = mine(state, &account).await?;
    Ok(Some((account, events)))
}
