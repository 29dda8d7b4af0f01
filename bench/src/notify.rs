//! Notify: one cause that concerns many local people — a post to the 10,000 local followers of
//! an actor — written as one notification each by `notify_many` (one `INSERT … SELECT` with
//! every person's preferences applied in SQL), in one transaction as a cause would, timed.
//! The followers are seeded directly in the database as Buurt stores them (actor, local_user,
//! accepted follow); a tenth of them turned the kind off, another tenth chose e-mail.

use std::time::Duration;

use anyhow::Context;
use diesel_async::SimpleAsyncConnection;

use crate::Ctx;
use crate::server::{Backend, Server};
use crate::stats;

/// Rows per INSERT while seeding.
const BATCH: usize = 1000;

pub struct NotifyResult {
    pub backend: Backend,
    pub followers: usize,
    /// Notifications written per round (the followers who did not turn the kind off).
    pub written: usize,
    /// Each round's time, begin to commit.
    pub rounds: Vec<Duration>,
}

impl NotifyResult {
    pub fn row(&self) -> String {
        let worst = self.rounds.iter().max().copied().unwrap_or_default();
        let times: Vec<String> = self.rounds.iter().map(|d| stats::ms(*d)).collect();
        format!(
            "| {} | {} | {} | {} | {} | {} |",
            self.backend.label(),
            self.followers,
            self.written,
            times.join(", "),
            stats::ms(worst),
            if worst <= Duration::from_secs(2) { "✅" } else { "❌" },
        )
    }

    pub const HEADER: &'static str = "| backend | local followers | notifications per round | rounds (begin to commit) | worst | target ≤ 2 s |\n|---|---|---|---|---|---|";
}

async fn exec(state: &buurt::state::AppState, sql: &str) -> anyhow::Result<()> {
    let mut conn = state.pool.get().await?;
    let conn = &mut conn;
    buurt::dispatch!(conn, c => c.batch_execute(sql).await).context("seeding")?;
    Ok(())
}

pub async fn run(ctx: &Ctx, backend: Backend, followers: usize, rounds: usize) -> anyhow::Result<NotifyResult> {
    use buurt::db::models::local_user::Account;
    use buurt::db::models::notification::Audience;
    use buurt::domain::notifications::{Notice, kinds, notify_many};
    eprintln!("== notify_many to {followers} local followers on {}", backend.label());
    let server = Server::start(ctx, backend).await?;
    let state = server.admin_state().await?;
    let token = server.seed_people(&state, &["anna".to_string()]).await?;
    let post = server.post_status(&token, "Nieuws voor iedereen die volgt").await?;
    let post_id: i64 = post["id"].as_str().context("post id")?.parse()?;
    let anna = {
        let mut conn = state.pool.get().await?;
        Account::by_username(&mut conn, "anna").await?.context("anna is missing")?
    };
    let domain = &state.settings.instance.domain;
    let base = state.base_url.to_string();
    let now = buurt::db::now();
    let started = tokio::time::Instant::now();
    for start in (0..followers).step_by(BATCH) {
        let (lo, hi) = (start, (start + BATCH).min(followers));
        let actors: Vec<String> = (lo..hi)
            .map(|i| {
                format!(
                    "('{base}/u/buur{i}', 'person', 'buur{i}', 'buur{i}', '{domain}', 'Buur {i}', '', NULL, NULL, \
                     '{base}/u/buur{i}/inbox', '{base}/inbox', NULL, '{base}/u/buur{i}/followers', NULL, NULL, \
                     false, true, true, false, NULL, '{now}', '{now}', NULL, NULL, NULL)"
                )
            })
            .collect();
        let names: Vec<String> = (lo..hi).map(|i| format!("'buur{i}'")).collect();
        let sql = format!(
            "BEGIN;\n\
             INSERT INTO actor (ap_id, kind, username, name_key, domain, display_name, summary, url, icon_url, \
             inbox_url, shared_inbox_url, outbox_url, followers_url, public_key, private_key, \
             manually_approves_followers, discoverable, local, deleted, instance_id, published, updated_at, \
             last_fetched_at, image_url, place_id) VALUES\n{actors};\n\
             INSERT INTO local_user (actor_id, email, password_hash, role, status, language, registration_reason, \
             invite_id, created_at, updated_at, last_login_at, email_confirmed_at) \
             SELECT id, name_key || '@bench.example', 'x', 'member', 'active', NULL, NULL, NULL, published, published, \
             NULL, published FROM actor WHERE local AND name_key IN ({names});\n\
             INSERT INTO follow (ap_id, follower_id, target_id, accepted, created_at) \
             SELECT ap_id || '/follows/anna', id, {anna}, true, published FROM actor WHERE local AND name_key IN ({names});\n\
             COMMIT;",
            actors = actors.join(",\n"),
            names = names.join(", "),
            anna = anna.actor.id.0,
        );
        exec(&state, &sql).await?;
    }
    // A tenth turned mentions off, another tenth wants them by e-mail (the default); a tenth
    // chose a daily digest for anna in particular.
    exec(
        &state,
        &format!(
            "BEGIN;\n\
             INSERT INTO notification_preference (local_user_id, kind, scope, channel) \
             SELECT id, 'mention', '', CASE WHEN id % 10 = 0 THEN 'off' ELSE 'email' END FROM local_user \
             WHERE id % 10 IN (0, 1);\n\
             INSERT INTO notification_preference (local_user_id, kind, scope, channel) \
             SELECT id, 'mention', '{base}/u/anna', 'daily' FROM local_user WHERE id % 10 = 2;\n\
             COMMIT;"
        ),
    )
    .await?;
    if backend == Backend::Postgres {
        exec(&state, "VACUUM ANALYZE").await?;
    }
    eprintln!("   seeded in {:.1} s", started.elapsed().as_secs_f64());

    let mut times = Vec::new();
    let mut written = 0;
    for round in 0..rounds {
        let notice = Notice {
            subject: Some(format!("{base}/u/anna")),
            ..Notice::new(&kinds::MENTION, anna.actor.id, Some(anna.actor.id))
                .post(buurt::db::models::post::PostId(post_id))
        };
        let started = tokio::time::Instant::now();
        let mut tx = state.pool.begin().await?;
        written = notify_many(&mut tx, Audience::FollowersOf(anna.actor.id), notice)
            .await
            .map_err(|e| anyhow::anyhow!("notify_many: {e}"))?;
        tx.commit().await?;
        let took = started.elapsed();
        eprintln!("   round {round}: {written} notifications in {}", stats::ms(took));
        times.push(took);
    }
    let expected = followers - followers.div_ceil(10).min(followers);
    if written.abs_diff(expected) > 1 {
        anyhow::bail!("notify_many wrote {written} notifications; about {expected} expected");
    }
    state.pool.close();
    server.stop().await?;
    Ok(NotifyResult { backend, followers, written, rounds: times })
}
