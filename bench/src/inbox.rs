//! Inbox ingestion: signed activities (Create(Note) mentioning local people, Like of local
//! posts, Follow of local people) from remote actors whose keys Buurt has cached, sent to the
//! shared inbox and to personal inboxes by concurrent senders. Beside it, in the same run:
//! the verification ceiling of Buurt's signature code on all cores, and the database ceiling —
//! the same kinds of rows written through Buurt's own inbox processing
//! (`buurt::apub::inbox::process`) without HTTP or signatures.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::remote::{self, Remote};
use crate::server::{Backend, Server};
use crate::stats::{self, RssSampler};
use crate::{Ctx, ceiling};

/// Remote instances the actors live on.
pub const INSTANCES: usize = 20;
/// Local people, half for the HTTP run and half for the database ceiling.
const PEOPLE: usize = 40;
/// Local posts, likewise split.
const POSTS: usize = 100;

pub struct InboxResult {
    pub backend: Backend,
    pub activities: usize,
    pub per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub failed: usize,
    pub verify_per_sec: f64,
    pub db_per_sec: f64,
    pub openssl: Option<(f64, f64)>,
    pub peak_rss_kib: u64,
    /// Domains the federation policy blocked during the timed run.
    pub blocked_domains: usize,
}

impl InboxResult {
    pub fn ceiling(&self) -> f64 {
        self.verify_per_sec.min(self.db_per_sec)
    }

    pub fn row(&self) -> String {
        let share = self.per_sec / self.ceiling();
        format!(
            "| {} | {} | {} | {:.0}/s | {} | {} | {} | {:.0}/s | {:.0}/s | {:.0}% {} | {} |",
            self.backend.label(),
            self.blocked_domains,
            self.activities,
            self.per_sec,
            stats::ms(self.p50),
            stats::ms(self.p99),
            self.failed,
            self.verify_per_sec,
            self.db_per_sec,
            share * 100.0,
            if share >= 0.7 { "✅" } else { "❌" },
            stats::mib(self.peak_rss_kib),
        )
    }

    pub const HEADER: &'static str = "| backend | blocked domains | activities | accepted/s | p50 | p99 | not 202 | verification ceiling | database ceiling | share of the lower (target ≥ 70%) | peak RSS |\n|---|---|---|---|---|---|---|---|---|---|---|";
}

/// Actor `a` of `actors`: `a0`… spread evenly over the instances.
fn actor_of(remote: &Remote, actors: usize, a: usize) -> String {
    remote.actor_url(a / (actors / INSTANCES).max(1) % INSTANCES, &format!("a{a}"))
}

/// What one remote actor sends as its `j`th activity: the same mix for every actor — per ten,
/// five Create(Note) mentioning someone, three Likes of distinct posts, two Follows of
/// distinct people. `half` 0 uses the first half of people and posts, 1 the second.
struct Plan<'a> {
    buurt: &'a str,
    people: &'a [String],
    posts: &'a [String],
    half: usize,
}

impl Plan<'_> {
    /// (kind, activity JSON, inbox URL) of activity `k` (actor `k % actors`).
    fn activity(&self, remote: &Remote, actors: usize, k: usize) -> (String, Value, String) {
        let (a, j) = (k % actors, k / actors);
        let actor = actor_of(remote, actors, a);
        let people = &self.people[self.half * PEOPLE / 2..(self.half + 1) * PEOPLE / 2];
        let posts = &self.posts[self.half * POSTS / 2..(self.half + 1) * POSTS / 2];
        let tag = format!("{}-{k}", self.half);
        let (kind, activity, addressee) = match j % 10 {
            0..5 => {
                let person = &people[(a + j) % people.len()];
                let person_url = format!("{}/u/{person}", self.buurt);
                let note = format!("{actor}/statuses/{tag}");
                let activity = json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": format!("{note}/activity"),
                    "type": "Create",
                    "actor": actor,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [person_url, format!("{actor}/followers")],
                    "object": {
                        "id": note,
                        "type": "Note",
                        "attributedTo": actor,
                        "content": format!("<p><span class=\"h-card\"><a href=\"{person_url}\" class=\"u-url mention\">@<span>{person}</span></a></span> Zullen we zaterdag samen de geveltuintjes doen? Ik neem de schoffels mee. ({tag})</p>"),
                        "published": "2026-11-29T10:00:00Z",
                        "to": ["https://www.w3.org/ns/activitystreams#Public"],
                        "cc": [person_url, format!("{actor}/followers")],
                        "tag": [{"type": "Mention", "href": person_url, "name": format!("@{person}")}],
                    },
                });
                ("Create", activity, person.clone())
            }
            5..8 => {
                let like = (j / 10) * 3 + (j % 10 - 5);
                let post = &posts[(a + like) % posts.len()];
                let activity = json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": format!("{actor}/likes/{tag}"),
                    "type": "Like",
                    "actor": actor,
                    "object": post,
                });
                ("Like", activity, "anna".to_string())
            }
            _ => {
                let follow = (j / 10) * 2 + (j % 10 - 8);
                let person = &people[(a + follow) % people.len()];
                let activity = json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": format!("{actor}/follows/{tag}"),
                    "type": "Follow",
                    "actor": actor,
                    "object": format!("{}/u/{person}", self.buurt),
                });
                ("Follow", activity, person.clone())
            }
        };
        let inbox = if k.is_multiple_of(2) {
            format!("{}/inbox", self.buurt)
        } else {
            format!("{}/u/{addressee}/inbox", self.buurt)
        };
        (kind.to_string(), activity, inbox)
    }
}

/// A Buurt made ready for the inbox run: the people (`p00`…) and posts the activities refer
/// to, and every actor's key cached.
pub struct Prepared {
    pub buurt: String,
    pub people: Vec<String>,
    pub posts: Vec<String>,
}

/// The people the activities address (`p00`…), to create with `Server::seed_people`.
pub fn people() -> Vec<String> {
    (0..PEOPLE).map(|i| format!("p{i:02}")).collect()
}

/// Posts `POSTS` statuses with `token` (their author's followers receive them) and warms the
/// key cache: every actor follows anna once (Buurt fetches and stores the actor), and its
/// Accept is awaited.
pub async fn prepare(server: &Server, remote: &Remote, token: &str, actors: usize) -> anyhow::Result<Prepared> {
    if actors < INSTANCES || !actors.is_multiple_of(INSTANCES) {
        bail!("--actors must be a multiple of {INSTANCES}");
    }
    let buurt = server.url("");
    let mut posts = Vec::with_capacity(POSTS);
    for i in 0..POSTS {
        let status =
            server.post_status(token, &format!("Bericht {i} over de buurt, met een zin of twee tekst.")).await?;
        posts.push(status["uri"].as_str().context("status without uri")?.to_string());
    }
    let anna = format!("{buurt}/u/anna");
    let warm = (0..actors)
        .map(|a| {
            let actor = actor_of(remote, actors, a);
            let body = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{actor}/follows/warm"),
                "type": "Follow", "actor": actor, "object": anna});
            (format!("{buurt}/u/anna/inbox"), actor, body.to_string().into_bytes())
        })
        .collect();
    let pem = remote.private_pem().to_string();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&pem, warm)).await??;
    let (sent, _) = remote::send_all(&server.http, Arc::new(signed), 16).await;
    let refused: Vec<Option<u16>> = sent.iter().filter(|s| s.status != Some(202)).map(|s| s.status).collect();
    if !refused.is_empty() {
        bail!(
            "warming the key cache failed: {} of {actors} not 202, e.g. {:?}\n{}",
            refused.len(),
            &refused[..refused.len().min(5)],
            server.log_tail()
        );
    }
    remote.wait_for("Accept", actors, Duration::from_secs(300)).await?;
    Ok(Prepared { buurt, people: people(), posts })
}

/// What the timed run over HTTP measured.
pub struct Timed {
    pub per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub failed: usize,
    pub peak_rss_kib: u64,
}

/// The timed run: `activities` of the first half's plan, signed before timing, sent by
/// `concurrency` senders.
pub async fn timed(
    server: &Server,
    remote: &Remote,
    prepared: &Prepared,
    activities: usize,
    actors: usize,
    concurrency: usize,
) -> anyhow::Result<Timed> {
    let plan = Plan { buurt: &prepared.buurt, people: &prepared.people, posts: &prepared.posts, half: 0 };
    let requests: Vec<(String, String, Vec<u8>)> = (0..activities)
        .map(|k| {
            let (_, activity, inbox) = plan.activity(remote, actors, k);
            let actor = activity["actor"].as_str().unwrap_or_default().to_string();
            (inbox, actor, activity.to_string().into_bytes())
        })
        .collect();
    let pem = remote.private_pem().to_string();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&pem, requests)).await??;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let sampler = RssSampler::start(server.pid()?);
    eprintln!("   sending {activities} activities over HTTP");
    let (sent, wall) = remote::send_all(&client, Arc::new(signed), concurrency).await;
    let peak_rss_kib = sampler.finish().await;
    let failed = sent.iter().filter(|s| s.status != Some(202)).count();
    if failed > 0 {
        let statuses: Vec<Option<u16>> =
            sent.iter().filter(|s| s.status != Some(202)).take(5).map(|s| s.status).collect();
        eprintln!("   {failed} activities not accepted, e.g. {statuses:?}\n{}", server.log_tail());
    }
    let mut latencies: Vec<Duration> = sent.iter().map(|s| s.latency).collect();
    latencies.sort();
    Ok(Timed {
        per_sec: (activities - failed) as f64 / wall.as_secs_f64(),
        p50: stats::percentile(&latencies, 50.0).unwrap_or_default(),
        p99: stats::percentile(&latencies, 99.0).unwrap_or_default(),
        failed,
        peak_rss_kib,
    })
}

pub async fn run(
    ctx: &Ctx,
    backend: Backend,
    activities: usize,
    actors: usize,
    concurrency: usize,
    blocked_domains: usize,
) -> anyhow::Result<InboxResult> {
    eprintln!(
        "== inbox ingestion of {activities} activities from {actors} actors on {}, {blocked_domains} domains blocked",
        backend.label()
    );
    if actors < INSTANCES || !actors.is_multiple_of(INSTANCES) {
        bail!("--actors must be a multiple of {INSTANCES}");
    }
    let remote = Remote::start(INSTANCES, false).await?;
    let mut server = Server::start(ctx, backend).await?;
    remote.set_buurt(&server.url(""));
    let state = server.admin_state().await?;
    let mut names = vec!["anna".to_string()];
    names.extend(people());
    let token = server.seed_people(&state, &names).await?;
    let prepared = prepare(&server, &remote, &token, actors).await?;

    // Ceilings. First signatures: Buurt's verify_rsa on all cores.
    let verify_per_sec =
        ceiling::verify_rate(remote.private_pem().to_string(), remote.public_pem().to_string(), ctx.ceiling_time)
            .await?;
    let openssl = ceiling::openssl_speed().await;
    // Then the database: the second half's activities through Buurt's inbox processing.
    let plan_db = Plan { buurt: &prepared.buurt, people: &prepared.people, posts: &prepared.posts, half: 1 };
    let mut actor_rows = Vec::with_capacity(actors);
    {
        let mut conn = state.pool.get().await?;
        for a in 0..actors {
            let url = actor_of(&remote, actors, a);
            let row = buurt::db::models::actor::Actor::by_ap_id(&mut conn, &url).await?;
            actor_rows.push(row.with_context(|| format!("{url} not stored by the warm-up"))?);
        }
    }
    let db_items: Vec<(usize, String, url::Url, Value)> = (0..activities)
        .map(|k| {
            let (kind, activity, _) = plan_db.activity(&remote, actors, k);
            let id = url::Url::parse(activity["id"].as_str().unwrap_or_default())?;
            Ok((k % actors, kind, id, activity))
        })
        .collect::<anyhow::Result<_>>()?;
    let db_per_sec = db_ceiling(&state, Arc::new(actor_rows), Arc::new(db_items), concurrency).await?;
    block_domains(&state, blocked_domains).await?;
    state.pool.close();
    // Its Follows made Accepts: let them go out before the timed run.
    let follows_b = (0..activities).filter(|k| (k / actors) % 10 >= 8).count();
    remote.wait_for("Accept", actors + follows_b, Duration::from_secs(600)).await?;

    // The server reads the federation policy at start: started again with or without a block
    // list alike, so the runs compare.
    server.restart().await?;
    // The run over HTTP: signed before timing.
    let t = timed(&server, &remote, &prepared, activities, actors, concurrency).await?;
    let result = InboxResult {
        backend,
        activities,
        per_sec: t.per_sec,
        p50: t.p50,
        p99: t.p99,
        failed: t.failed,
        verify_per_sec,
        db_per_sec,
        openssl,
        peak_rss_kib: t.peak_rss_kib,
        blocked_domains,
    };
    eprintln!("   {}", result.row());
    server.stop().await?;
    Ok(result)
}

/// Blocks `n` domains none of the senders is on (`blocked-N.example`), as an imported block list
/// of Mastodon's format would.
async fn block_domains(state: &buurt::state::AppState, n: usize) -> anyhow::Result<()> {
    if n == 0 {
        return Ok(());
    }
    let mut csv = String::from("#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n");
    for i in 0..n {
        csv.push_str(&format!("blocked-{i}.example,suspend,false,false,,false\n"));
    }
    let report = buurt::domain::federation::csv::import_as(state, csv.as_bytes(), false, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("blocking {n} domains: {e}"))?;
    if !report.applied {
        bail!("blocking {n} domains: {:?}", report.bad.first());
    }
    Ok(())
}

/// Activities per second through `buurt::apub::inbox::process` with `concurrency` tasks.
async fn db_ceiling(
    state: &buurt::state::AppState,
    actors: Arc<Vec<buurt::db::models::actor::Actor>>,
    items: Arc<Vec<(usize, String, url::Url, Value)>>,
    concurrency: usize,
) -> anyhow::Result<f64> {
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (state, actors, items, next, failed) =
            (state.clone(), actors.clone(), items.clone(), next.clone(), failed.clone());
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((actor, kind, id, activity)) = items.get(i) else { return };
                let Some(actor) = actors.get(*actor) else { return };
                if let Err(e) = buurt::apub::inbox::process(&state, actor, id, activity.clone()).await
                    && failed.fetch_add(1, Ordering::Relaxed) < 3
                {
                    eprintln!("   database ceiling: {kind} failed: {e}");
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed();
    let failed = failed.load(Ordering::Relaxed);
    if failed > 0 {
        bail!("{failed} activities failed in the database ceiling run");
    }
    Ok(items.len() as f64 / elapsed.as_secs_f64())
}
