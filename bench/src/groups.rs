//! The group the read benchmarks measure: "tuin", an open, public interest group of anna's,
//! whose members are every remote person seeded (anna's followers), as the inbox's Join
//! handling stores them.

use anyhow::Context;
use diesel_async::SimpleAsyncConnection;

/// Makes the group, anna its administrator (as `POST /api/buurt/v1/groups` does).
pub async fn seed_group(state: &buurt::state::AppState) -> anyhow::Result<()> {
    use buurt::db::models::local_user::Account;
    let anna = {
        let mut conn = state.pool.get().await?;
        Account::by_username(&mut conn, "anna").await?.context("anna is missing")?
    };
    let new = buurt::domain::groups::NewGroup {
        name: "tuin".into(),
        display_name: "De Buurttuin".into(),
        summary: "Samen tuinieren achter het buurthuis.".into(),
        kind: "interest".into(),
        openness: "open".into(),
        content: "public".into(),
        posting: "members".into(),
        org_type: String::new(),
    };
    buurt::domain::groups::create(state, &anna, &new).await.map_err(|e| anyhow::anyhow!("group: {e}"))?;
    Ok(())
}

/// Makes every remote person a member of the group (one statement).
pub async fn seed_members(state: &buurt::state::AppState) -> anyhow::Result<()> {
    let now = buurt::db::now().to_string();
    let sql = format!(
        "INSERT INTO membership (group_id, member_id, role, state, ap_id, invited_by, message, created_at, updated_at) \
         SELECT g.id, a.id, 'member', 'accepted', a.ap_id || '/join/tuin', NULL, '', '{now}', '{now}' \
         FROM actor a, actor g WHERE g.username = 'tuin' AND g.local AND NOT a.local AND a.kind = 'person'"
    );
    let mut conn = state.pool.get().await?;
    let conn = &mut conn;
    buurt::dispatch!(conn, c => c.batch_execute(&sql).await).context("seeding members")?;
    Ok(())
}
