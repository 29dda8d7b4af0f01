//! The moderation log the read benchmarks measure: decisions about anna's posts, a fifth of
//! them in the group "tuin", a seventh undone — rows as `domain::moderation` records them (the
//! log reads only these).

use anyhow::Context;

/// Records `count` decisions about anna's newest posts (and her account when she has fewer).
pub async fn seed_decisions(state: &buurt::state::AppState, count: usize) -> anyhow::Result<()> {
    use buurt::db::models::local_user::Account;
    use buurt::db::models::moderation_action::{ActionInsert, ActionKind, Ground, ModerationAction};
    use buurt::db::models::post::{PostView, TimelineQuery};
    let mut conn = state.pool.write().await?;
    let anna = Account::by_username(&mut conn, "anna").await?.context("anna is missing")?;
    let tuin = buurt::domain::groups::local(&mut conn, &state.settings, "tuin").await?.context("tuin is missing")?;
    let query = TimelineQuery { author: Some(anna.actor.id), limit: count as i64, ..Default::default() };
    let posts: Vec<_> = PostView::timeline(&mut conn, &query).await?.into_iter().map(|v| v.post).collect();
    let grounds = [Ground::Spam, Ground::Harassment, Ground::Terms, Ground::Privacy, Ground::Illegal];
    for i in 0..count {
        let post = posts.get(i).map(|p| p.id);
        let ground = grounds[i % grounds.len()];
        let form = ActionInsert {
            kind: if post.is_some() { ActionKind::HidePost } else { ActionKind::SilenceAccount }.as_str(),
            moderator_id: Some(anna.actor.id),
            target_actor_id: Some(anna.actor.id),
            post_id: post,
            group_id: (i % 5 == 0).then_some(tuin.actor.id),
            report_id: None,
            ground: ground.as_str(),
            law: (ground == Ground::Illegal).then_some("Art. 261 Wetboek van Strafrecht"),
            facts: "Vastgelegd voor de benchmark.",
            ends_at: None,
            created_at: buurt::db::now(),
        };
        let action = ModerationAction::insert(&mut conn, &form).await?;
        if i % 7 == 0 {
            ModerationAction::reverse(&mut conn, action.id, anna.actor.id, "Teruggedraaid voor de benchmark.").await?;
        }
    }
    Ok(())
}
