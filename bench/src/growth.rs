//! Growth: the reads and the inbox of `reads` and `inbox` against databases that hold 1k, 10k
//! and 100k stored posts and followers of the person whose endpoints are read (anna). Each
//! size gets a fresh Buurt, seeded directly in its database with the rows Buurt itself stores
//! (remote follower actors on many instances `fNNNNN.growth.test` that are never contacted,
//! their instances and accepted follows; anna's public posts), checked through Buurt's own
//! endpoints before anything is measured. Throughput should stay within 20% of the smallest
//! size's: queries use indexes, nothing counts or walks all rows.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{Context, bail};
use diesel_async::SimpleAsyncConnection;
use serde_json::Value;

use crate::Ctx;
use crate::inbox::{self, Timed};
use crate::reads::{self, ReadResult};
use crate::remote::Remote;
use crate::server::{Backend, Server};
use crate::stats;

/// Rows per INSERT (and per transaction) while seeding.
const BATCH: usize = 1000;
/// Remote followers per fake instance.
const FOLLOWERS_PER_INSTANCE: usize = 5;
/// Minutes between two of anna's posts (100k posts reach back about two years).
const POST_EVERY_MINUTES: u64 = 10;

pub struct SizeResult {
    pub backend: Backend,
    pub size: usize,
    pub seed_time: Duration,
    pub reads: Vec<ReadResult>,
    /// None when the inbox run failed (the reason is on stderr).
    pub inbox: Option<Timed>,
}

/// Threads in the group "tuin" at `size` posts and followers.
fn threads(size: usize) -> usize {
    (size / 10).max(4)
}

/// Within 20% of the first (smallest) size.
fn within(first: f64, value: f64) -> bool {
    value >= first * 0.8
}

fn size_label(size: usize) -> String {
    if size >= 1000 && size.is_multiple_of(1000) { format!("{}k", size / 1000) } else { size.to_string() }
}

/// One Markdown table per backend: req/s per endpoint and size, each against the first size,
/// then the inbox's accepted/s; below it the seeding times.
pub fn report(results: &[SizeResult]) -> String {
    let mut out = String::new();
    let mut backends: Vec<Backend> = results.iter().map(|r| r.backend).collect();
    backends.dedup();
    for backend in backends {
        let rows: Vec<&SizeResult> = results.iter().filter(|r| r.backend == backend).collect();
        let Some(first) = rows.first() else { continue };
        let _ = writeln!(out, "#### {}\n", backend.label());
        let sizes: Vec<String> = rows.iter().map(|r| size_label(r.size)).collect();
        let _ = writeln!(
            out,
            "| endpoint (req/s) | {} | {} vs {} |\n|---|{}---|",
            sizes.join(" | "),
            sizes.last().map_or("", String::as_str),
            sizes[0],
            "---|".repeat(sizes.len())
        );
        let mut line = |name: &str, values: Vec<f64>| {
            let base = values[0];
            let cells: Vec<String> = values
                .iter()
                .enumerate()
                .map(
                    |(i, v)| {
                        if i == 0 { format!("{v:.0}") } else { format!("{v:.0} ({:+.0}%)", (v / base - 1.0) * 100.0) }
                    },
                )
                .collect();
            let last = values.last().copied().unwrap_or(base);
            let mark = if values.iter().all(|v| within(base, *v)) { "✅" } else { "❌" };
            let _ = writeln!(out, "| {name} | {} | {:+.0}% {mark} |", cells.join(" | "), (last / base - 1.0) * 100.0);
        };
        for (i, read) in first.reads.iter().enumerate() {
            let values = rows.iter().map(|r| r.reads.get(i).map_or(0.0, |x| x.wrk.requests_per_sec)).collect();
            line(read.endpoint, values);
        }
        line("inbox (accepted/s)", rows.iter().map(|r| r.inbox.as_ref().map_or(0.0, |i| i.per_sec)).collect());
        let _ = writeln!(out);
        let p99: Vec<String> = rows
            .iter()
            .map(|r| {
                let worst = r.reads.iter().max_by_key(|x| x.wrk.p99);
                format!(
                    "{}: {}",
                    size_label(r.size),
                    worst.map_or("–".into(), |w| format!("{} ({})", stats::ms(w.wrk.p99), w.endpoint))
                )
            })
            .collect();
        let _ = writeln!(out, "Worst read p99: {}.", p99.join("; "));
        let inbox: Vec<String> = rows
            .iter()
            .map(|r| match &r.inbox {
                Some(i) => format!(
                    "{}: p50 {}, p99 {}, {} not 202",
                    size_label(r.size),
                    stats::ms(i.p50),
                    stats::ms(i.p99),
                    i.failed
                ),
                None => format!("{}: failed (see stderr)", size_label(r.size)),
            })
            .collect();
        let _ = writeln!(out, "Inbox: {}.", inbox.join("; "));
        let errors: u64 = rows.iter().flat_map(|r| r.reads.iter()).map(|x| x.wrk.errors).sum();
        let _ = writeln!(out, "Read errors (non-2xx or socket) over all sizes: {errors}.");
        let seeds: Vec<String> =
            rows.iter().map(|r| format!("{}: {:.1} s", size_label(r.size), r.seed_time.as_secs_f64())).collect();
        let _ = writeln!(out, "Seeding (not part of the result): {}.\n", seeds.join("; "));
    }
    out
}

pub async fn run(
    ctx: &Ctx,
    backend: Backend,
    sizes: &[usize],
    (activities, actors, senders): (usize, usize, usize),
    results: &mut Vec<SizeResult>,
) -> anyhow::Result<()> {
    for &size in sizes {
        eprintln!("== growth at {size} posts and followers on {}", backend.label());
        let remote = Remote::start(inbox::INSTANCES, false).await?;
        let server = Server::start(ctx, backend).await?;
        remote.set_buurt(&server.url(""));
        let state = server.admin_state().await?;
        server.seed_people(&state, &["anna".to_string()]).await?;
        crate::groups::seed_group(&state).await?;
        crate::groups::seed_welcome(&state).await?;
        // The inbox's posts are by p00: posts by anna would go out to her seeded followers.
        let token = server.seed_people(&state, &inbox::people()).await?;
        let started = tokio::time::Instant::now();
        seed(&state, &server.url(""), size, remote.public_pem()).await?;
        // The group grows with the rest: a tenth as many threads as anna has posts, about ten
        // posts each, and every remote person a member.
        let discussions = crate::groups::seed_discussions(&server, &state, threads(size)).await?;
        crate::groups::seed_members(&state).await?;
        // The moderation log grows too: a decision for every tenth post.
        crate::moderation::seed_decisions(&state, (size / 10).max(reads::DECISIONS)).await?;
        // The agenda grows too: the group's own events and `size` events from elsewhere.
        crate::events::seed_made(&state, crate::events::MADE).await?;
        crate::events::seed_rows(&state, size).await?;
        // A database that grew to this size has been vacuumed and analysed by autovacuum
        // (PostgreSQL); Buurt never runs ANALYZE on SQLite, so SQLite is left as it is.
        if backend == Backend::Postgres {
            exec(&state, "VACUUM ANALYZE").await?;
        }
        let seed_time = started.elapsed();
        state.pool.close();
        eprintln!("   seeded in {:.1} s", seed_time.as_secs_f64());
        check_seed(&server, size, discussions.local_posts).await?;

        let mut reads = Vec::new();
        let mut all = reads::endpoints(ctx, &server).await?;
        all.extend(crate::notifications_api::endpoint(ctx, &server, size).await?);
        all.extend(crate::threads::endpoints(ctx, &server).await?);
        all.extend(crate::groups::endpoints(ctx, &server, threads(size)).await?);
        all.extend(crate::events::endpoints(ctx, &server).await?);
        for endpoint in all {
            let result = reads::measure(&server, backend, &endpoint, ctx.duration, ctx.connections).await?;
            eprintln!("   {size}: {}", result.row());
            reads.push(result);
        }

        // Requests wrk left queued finish before the inbox run starts.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let timed = match inbox_run(&server, &remote, &token, activities, actors, senders).await {
            Ok(t) => {
                eprintln!(
                    "   {size}: inbox {:.0}/s, p50 {}, p99 {}, {} not 202",
                    t.per_sec,
                    stats::ms(t.p50),
                    stats::ms(t.p99),
                    t.failed
                );
                Some(t)
            }
            Err(e) => {
                eprintln!("   {size}: the inbox run failed: {e:#}");
                None
            }
        };
        check_not_contacted(&server).await?;
        server.stop().await?;
        results.push(SizeResult { backend, size, seed_time, reads, inbox: timed });
    }
    Ok(())
}

async fn inbox_run(
    server: &Server,
    remote: &Remote,
    token: &str,
    activities: usize,
    actors: usize,
    senders: usize,
) -> anyhow::Result<Timed> {
    let prepared = inbox::prepare(server, remote, token, actors).await?;
    inbox::timed(server, remote, &prepared, activities, actors, senders).await
}

/// A SQL string literal.
pub(crate) fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A timestamp as both backends store it: `NaiveDateTime`'s display, `2026-11-29 10:00:00.123`.
pub(crate) fn ts(t: impl std::fmt::Display) -> String {
    q(&t.to_string())
}

pub(crate) async fn exec(state: &buurt::state::AppState, sql: &str) -> anyhow::Result<()> {
    let mut conn = state.pool.get().await?;
    let conn = &mut conn;
    buurt::dispatch!(conn, c => c.batch_execute(sql).await).with_context(|| {
        let head: String = sql.chars().take(300).collect();
        format!("seeding: {head}…")
    })?;
    Ok(())
}

/// Fills the database: `size` remote followers of anna (five per instance) with their
/// instances and accepted follows, and `size` public posts of anna, as Buurt stores them.
async fn seed(state: &buurt::state::AppState, base_url: &str, size: usize, public_pem: &str) -> anyhow::Result<()> {
    use buurt::db::models::local_user::Account;
    let anna = {
        let mut conn = state.pool.get().await?;
        Account::by_username(&mut conn, "anna").await?.context("anna is missing")?.actor.id.0
    };
    let now = buurt::db::now();
    let instances = size.div_ceil(FOLLOWERS_PER_INSTANCE);
    let host = |i: usize| format!("f{i:05}.growth.test");

    // Instances, as `Instance::get_or_create` makes them when an actor is first seen.
    for chunk in (0..instances).collect::<Vec<_>>().chunks(BATCH) {
        let mut sql =
            String::from("BEGIN;\nINSERT INTO instance (domain, software, version, created_at, updated_at) VALUES\n");
        let rows: Vec<String> = chunk
            .iter()
            .map(|&i| {
                let t = ts(now - Duration::from_secs(60 * (instances - i) as u64));
                format!("({}, NULL, NULL, {t}, {t})", q(&host(i)))
            })
            .collect();
        sql.push_str(&rows.join(",\n"));
        sql.push_str(";\nCOMMIT;");
        exec(state, &sql).await?;
    }

    // Remote persons, as `DbActor::from_json` stores a fetched actor.
    for chunk in (0..size).collect::<Vec<_>>().chunks(BATCH) {
        let mut sql = String::from(
            "BEGIN;\nINSERT INTO actor (ap_id, kind, username, name_key, domain, display_name, summary, url, icon_url, \
             inbox_url, shared_inbox_url, outbox_url, followers_url, public_key, private_key, \
             manually_approves_followers, discoverable, local, deleted, instance_id, published, updated_at, \
             last_fetched_at, image_url, place_id) VALUES\n",
        );
        let rows: Vec<String> = chunk
            .iter()
            .map(|&i| {
                let domain = host(i / FOLLOWERS_PER_INSTANCE);
                let username = format!("Buur{i}");
                let id = format!("https://{domain}/users/{username}");
                let t = ts(now - Duration::from_secs(60 * (size - i) as u64));
                format!(
                    "({}, 'person', {}, {}, {}, {}, {}, {}, NULL, {}, {}, {}, {}, {}, NULL, false, true, false, false, \
                     (SELECT id FROM instance WHERE domain = {}), {t}, {t}, {t}, NULL, NULL)",
                    q(&id),
                    q(&username),
                    q(&username.to_lowercase()),
                    q(&domain),
                    q(&format!("Buur {i}")),
                    q(&format!("<p>Woont in de wijk, fietst graag. ({i})</p>")),
                    q(&format!("https://{domain}/@{username}")),
                    q(&format!("{id}/inbox")),
                    q(&format!("https://{domain}/inbox")),
                    q(&format!("{id}/outbox")),
                    q(&format!("{id}/followers")),
                    q(public_pem),
                    q(&domain),
                )
            })
            .collect();
        sql.push_str(&rows.join(",\n"));
        sql.push_str(";\nCOMMIT;");
        exec(state, &sql).await?;
    }

    // Their accepted follows of anna, as the inbox's Follow handling stores them.
    for start in (0..size).step_by(BATCH) {
        let (lo, hi) = (start, (start + BATCH).min(size));
        let names: Vec<String> =
            (lo..hi).map(|i| q(&format!("https://{}/users/Buur{i}", host(i / FOLLOWERS_PER_INSTANCE)))).collect();
        let sql = format!(
            "BEGIN;\nINSERT INTO follow (ap_id, follower_id, target_id, accepted, created_at) \
             SELECT ap_id || '/follows/1', id, {anna}, true, published FROM actor WHERE ap_id IN ({}) ORDER BY id;\nCOMMIT;",
            names.join(", ")
        );
        exec(state, &sql).await?;
    }

    // Anna's public notes, as `create_post` stores them: inserted under a placeholder id, then
    // given their URL, which carries the row id.
    let placeholder = format!("{base_url}/p/new-growth-");
    for chunk in (0..size).collect::<Vec<_>>().chunks(BATCH) {
        let mut sql = String::from(
            "BEGIN;\nINSERT INTO post (ap_id, author_id, kind, name, content, summary, sensitive, language, \
             in_reply_to, url, visibility, local, deleted, published, updated_at) VALUES\n",
        );
        let rows: Vec<String> = chunk
            .iter()
            .map(|&i| {
                let text = format!(
                    "Bericht {i} over de buurt: de bibliotheek is zaterdag open van tien tot vier.\nWie helpt er mee met de geveltuinen?"
                );
                let t = ts(now - Duration::from_secs(60 * POST_EVERY_MINUTES * (size - i) as u64));
                format!(
                    "({}, {anna}, 'note', NULL, {}, NULL, false, NULL, NULL, NULL, 'public', true, false, {t}, NULL)",
                    q(&format!("{placeholder}{i}")),
                    q(&buurt::util::html::text_to_html(&text)),
                )
            })
            .collect();
        sql.push_str(&rows.join(",\n"));
        let _ = write!(
            sql,
            ";\nUPDATE post SET ap_id = {} || id WHERE ap_id LIKE {};\nCOMMIT;",
            q(&format!("{base_url}/p/")),
            q(&format!("{placeholder}%"))
        );
        exec(state, &sql).await?;
    }

    Ok(())
}

async fn get_json(server: &Server, path: &str, accept: &str) -> anyhow::Result<Value> {
    let response = server.http.get(server.url(path)).header("accept", accept).send().await?;
    let status = response.status();
    if !status.is_success() {
        bail!("{path} answers {status}");
    }
    Ok(response.json().await?)
}

/// The seed as Buurt reports it: anna's followers and outbox, NodeInfo's local posts (besides
/// anna's `size` posts, her welcome in the group and the group's `in_group` other local posts).
async fn check_seed(server: &Server, size: usize, in_group: usize) -> anyhow::Result<()> {
    let ap = "application/activity+json";
    let followers = get_json(server, "/u/anna/followers", ap).await?;
    let outbox = get_json(server, "/u/anna/outbox", ap).await?;
    let page = get_json(server, "/u/anna/followers?page=true", ap).await?;
    let nodeinfo = get_json(server, "/nodeinfo/2.1", "application/json").await?;
    let seen = (
        followers["totalItems"].as_u64(),
        outbox["totalItems"].as_u64(),
        nodeinfo["usage"]["localPosts"].as_u64(),
        page["orderedItems"].as_array().map(Vec::len),
    );
    let (posts, local) = (size as u64 + 1, (size + 1 + in_group) as u64);
    let want = (Some(size as u64), Some(posts), Some(local), Some(size.min(20)));
    if seen != want {
        bail!(
            "the seed as Buurt sees it (followers, outbox, local posts, first followers page): {seen:?}, expected {want:?}"
        );
    }
    let first = outbox["orderedItems"][0]["object"]["id"].as_str().unwrap_or_default();
    if !first.starts_with(&server.url("/p/")) {
        bail!("anna's newest post has id {first:?}");
    }
    let page_ok = get_json(server, &first.replace(&server.url(""), ""), ap).await?;
    if page_ok["type"] != "Note" {
        bail!("{first} is not served as a Note");
    }
    eprintln!("   checked: {size} followers, {size} posts in the outbox and in NodeInfo");
    Ok(())
}

/// No delivery was queued for, and no delivery state made about, the seeded instances.
async fn check_not_contacted(server: &Server) -> anyhow::Result<()> {
    let state = server.admin_state().await?;
    let sql = "SELECT COUNT(*) AS n FROM delivery d JOIN instance i ON i.id = d.instance_id \
               WHERE i.domain LIKE '%.growth.test' UNION ALL SELECT COUNT(*) AS n FROM delivery_target t \
               JOIN instance i ON i.id = t.instance_id WHERE i.domain LIKE '%.growth.test'";
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = state.pool.get().await?;
    let conn = &mut conn;
    let rows: Vec<N> = buurt::dispatch!(conn, c => diesel_async::RunQueryDsl::load(diesel::sql_query(sql), c).await)?;
    state.pool.close();
    if rows.iter().any(|r| r.n != 0) {
        bail!("deliveries to the seeded instances were queued: {:?}", rows.iter().map(|r| r.n).collect::<Vec<_>>());
    }
    Ok(())
}
