//! Where a person stopped reading a timeline (Mastodon's markers): `home` (a post id) and
//! `notifications` (a notification id, which also sets what counts as unread).

use super::DomainResult;
use super::validate::FieldErrors;
use crate::db::models::local_user::LocalUserId;
use crate::db::models::marker::{Marker, TIMELINES};
use crate::db::{DbConn, DbPool, DbResult, now};

/// The person's markers of these timelines (unknown names and unset markers left out).
pub async fn get(conn: &mut DbConn, user: LocalUserId, timelines: &[String]) -> DbResult<Vec<Marker>> {
    let mut out = Vec::new();
    for &timeline in TIMELINES {
        if timelines.iter().any(|t| t == timeline)
            && let Some(marker) = Marker::get(conn, user, timeline).await?
        {
            out.push(marker);
        }
    }
    Ok(out)
}

/// The field a timeline's id is sent in, for error messages.
fn field(timeline: &str) -> &'static str {
    match timeline {
        "home" => "home[last_read_id]",
        _ => "notifications[last_read_id]",
    }
}

/// Sets the markers of the timelines given (`(timeline, last_read_id)`); each set bumps the
/// marker's version. Unknown timelines are ignored, as Mastodon does; an id that is not a
/// number refuses the whole request and changes nothing.
pub async fn set(pool: &DbPool, user: LocalUserId, updates: &[(String, String)]) -> DomainResult<Vec<Marker>> {
    let mut errors = FieldErrors::default();
    let mut parsed = Vec::new();
    for (timeline, id) in updates {
        let Some(&timeline) = TIMELINES.iter().find(|t| **t == timeline.as_str()) else { continue };
        match id.trim().parse::<i64>() {
            Ok(id) if id >= 0 => parsed.push((timeline, id)),
            _ => errors.add(field(timeline), "error-marker-id"),
        }
    }
    errors.into_result()?;
    let mut tx = pool.begin().await?;
    let at = now();
    let mut out = Vec::with_capacity(parsed.len());
    for (timeline, id) in parsed {
        out.push(Marker::set(&mut tx, user, timeline, id, at).await?);
    }
    tx.commit().await?;
    Ok(out)
}
