//! The notifications API (`GET /api/v1/notifications`) as an app reads it: anna's own
//! notifications with her token — per person, so never served from the public cache. `reads`
//! and `growth` measure it beside their other endpoints (`--endpoint "notifications api"`).

use anyhow::Context;
use diesel_async::SimpleAsyncConnection;

use crate::Ctx;
use crate::reads::Endpoint;
use crate::server::Server;

pub const NAME: &str = "notifications API";

/// Whether `--endpoint` asks for it.
fn wanted(ctx: &Ctx) -> bool {
    ctx.endpoints.is_empty() || ctx.endpoints.iter().any(|n| NAME.to_lowercase().contains(n))
}

/// Gives anna `count` notifications — likes of her posts by her followers, as Buurt stores
/// them (grouped per post), so a page shows accounts and statuses — and returns the endpoint
/// with a token of hers; `None` when `--endpoint` leaves it out.
pub async fn endpoint(ctx: &Ctx, server: &Server, count: usize) -> anyhow::Result<Option<Endpoint>> {
    use buurt::db::models::local_user::Account;
    use buurt::domain::notifications::kinds::FAVOURITE;
    if !wanted(ctx) {
        return Ok(None);
    }
    let state = server.admin_state().await?;
    let anna = {
        let mut conn = state.pool.get().await?;
        Account::by_username(&mut conn, "anna").await?.context("anna is missing")?
    };
    let token = buurt::domain::oauth::admin_token(&state.pool, &anna, "bench notifications")
        .await
        .map_err(|e| anyhow::anyhow!("token: {e}"))?;
    // One statement: each of her followers liked each of her posts, as many as asked for.
    let sql = format!(
        "INSERT INTO notification (recipient_id, kind, from_actor_id, post_id, subject, group_key, channel, created_at) \
         SELECT {id}, '{kind}', f.follower_id, p.id, NULL, '{kind}:post:' || p.id, '{channel}', '{now}' \
         FROM follow f, post p WHERE f.target_id = {id} AND f.accepted AND p.author_id = {id} LIMIT {count}",
        id = anna.actor.id.0,
        kind = FAVOURITE.name,
        channel = FAVOURITE.default.as_str(),
        now = buurt::db::now(),
    );
    {
        let mut conn = state.pool.get().await?;
        let conn = &mut conn;
        buurt::dispatch!(conn, c => c.batch_execute(&sql).await).context("seeding notifications")?;
    }
    state.pool.close();
    let header = format!("Authorization: Bearer {token}");
    Ok(Some(Endpoint { name: NAME, path: "/api/v1/notifications".into(), header: Some(header), html: false }))
}
