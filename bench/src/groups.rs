//! The group the read benchmarks measure: "tuin", an open, public interest group of anna's,
//! whose members are every remote person seeded (anna's followers), as the inbox's Join
//! handling stores them; and the neighbourhood "centrum" it belongs to, anna's home, imported
//! as `buurt admin import-neighbourhoods` does.

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
    let tuin = buurt::domain::groups::create(state, &anna, &new).await.map_err(|e| anyhow::anyhow!("group: {e}"))?;
    seed_neighbourhood(state, &anna, &tuin.actor).await
}

/// A neighbourhood of about a square kilometre with a boundary of 200 positions (a real
/// neighbourhood's boundary has hundreds), imported from GeoJSON in WGS 84; the group `tuin` is
/// in it and anna lives there.
async fn seed_neighbourhood(
    state: &buurt::state::AppState,
    anna: &buurt::db::models::local_user::Account,
    tuin: &buurt::db::models::actor::Actor,
) -> anyhow::Result<()> {
    use buurt::domain::neighbourhoods::{self, HomeChoice, import};
    let ring: Vec<[f64; 2]> = (0..=200)
        .map(|i| {
            let angle = f64::from(i % 200) / 200.0 * std::f64::consts::TAU;
            [4.92 + 0.008 * angle.cos(), 52.36 + 0.005 * angle.sin()]
        })
        .collect();
    let file = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"buurtcode": "BU03630000", "buurtnaam": "Centrum", "gemeentecode": "GM0363"},
        "geometry": {"type": "Polygon", "coordinates": [ring]}}]});
    import::import(&state.pool, &state.settings, &file.to_string(), &import::ImportOptions::default())
        .await
        .map_err(|e| anyhow::anyhow!("neighbourhood: {e}"))?;
    neighbourhoods::set_group_neighbourhood(state, anna, tuin, "centrum")
        .await
        .map_err(|e| anyhow::anyhow!("tuin's neighbourhood: {e}"))?;
    neighbourhoods::set_home(state, anna, &HomeChoice::Name("centrum".into()))
        .await
        .map_err(|e| anyhow::anyhow!("anna's home: {e}"))?;
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
