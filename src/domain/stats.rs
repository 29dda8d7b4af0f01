//! Counts the instance reports about itself (NodeInfo, the instance API, the home page).

use chrono::TimeDelta;

use super::DomainResult;
use crate::db::DbPool;
use crate::db::models::local_user::LocalUser;

#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub users: i64,
    pub active_month: i64,
    pub active_halfyear: i64,
    pub local_posts: i64,
}

pub async fn usage(pool: &DbPool) -> DomainResult<Usage> {
    let mut conn = pool.get().await?;
    let now = crate::db::now();
    Ok(Usage {
        users: LocalUser::count_active_since(&mut conn, None).await?,
        active_month: LocalUser::count_active_since(&mut conn, Some(now - TimeDelta::days(30))).await?,
        active_halfyear: LocalUser::count_active_since(&mut conn, Some(now - TimeDelta::days(182))).await?,
        local_posts: crate::db::models::actor_count::ActorCount::local_posts(&mut conn).await?,
    })
}
