//! Soak: a moderate mixed load for a long time (30 minutes by default) — reads of every read
//! endpoint, signed activities into the inboxes, and a post now and then that fans out to the
//! followers' instances. Every request must succeed, every delivery arrive, and resident
//! memory stay flat.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;

use crate::Ctx;
use crate::fanout::seed_followers;
use crate::remote::{self, Remote};
use crate::server::{Backend, Server};
use crate::stats;

/// Remote instances (one follower of anna on each; they also send the inbox load).
const INSTANCES: usize = 50;
/// Local people mentioned by the inbox load.
const PEOPLE: usize = 10;

pub struct SoakResult {
    pub backend: Backend,
    pub duration: Duration,
    pub reads: usize,
    pub read_errors: usize,
    pub activities: usize,
    pub activity_errors: usize,
    pub posts: usize,
    pub deliveries_expected: usize,
    pub deliveries_arrived: usize,
    /// (minute, RSS in KiB) once a minute.
    pub rss: Vec<(u64, u64)>,
}

impl SoakResult {
    pub const HEADER: &'static str = "| backend | minutes | reads (errors) | inbox activities (errors) | posts → deliveries arrived | RSS after 2 min | RSS at half time | RSS at the end | highest RSS | memory flat (end within 10% of minute 2) |\n|---|---|---|---|---|---|---|---|---|---|";

    fn rss_at(&self, minute: u64) -> u64 {
        self.rss.iter().find(|(m, _)| *m >= minute).or(self.rss.last()).map_or(0, |(_, r)| *r)
    }

    pub fn flat(&self) -> bool {
        let (early, end) = (self.rss_at(2), self.rss.last().map_or(0, |(_, r)| *r));
        early > 0 && (end as f64) <= early as f64 * 1.10
    }

    pub fn row(&self) -> String {
        let minutes = self.duration.as_secs() / 60;
        let errors = self.read_errors + self.activity_errors;
        format!(
            "| {} | {} | {} ({}) | {} ({}) | {} → {} of {} {} | {} | {} | {} | {} | {} |",
            self.backend.label(),
            minutes,
            self.reads,
            self.read_errors,
            self.activities,
            self.activity_errors,
            self.posts,
            self.deliveries_arrived,
            self.deliveries_expected,
            if errors == 0 && self.deliveries_arrived == self.deliveries_expected { "✅" } else { "❌" },
            stats::mib(self.rss_at(2)),
            stats::mib(self.rss_at(minutes / 2)),
            stats::mib(self.rss.last().map_or(0, |(_, r)| *r)),
            stats::mib(self.rss.iter().map(|(_, r)| *r).max().unwrap_or(0)),
            if self.flat() { "✅" } else { "❌" },
        )
    }
}

/// Counts of a load.
#[derive(Default)]
struct Tally {
    done: AtomicUsize,
    errors: AtomicUsize,
}

impl Tally {
    fn record(&self, ok: bool) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if !ok {
            let n = self.errors.fetch_add(1, Ordering::Relaxed);
            if n < 5 {
                eprintln!("   (an error in the soak)");
            }
        }
    }
}

/// Runs the soak on every backend at the same time (each with its own Buurt and receiver), so
/// that a 30-minute soak takes 30 minutes. The receivers write the same host names; they are
/// all kept until every run has finished.
pub async fn run_all(
    ctx: &Ctx,
    backends: &[Backend],
    duration: Duration,
    reads_per_sec: u32,
    activities_per_sec: u32,
    post_every: Duration,
) -> anyhow::Result<Vec<SoakResult>> {
    let runs = backends.iter().map(|&b| run(ctx, b, duration, reads_per_sec, activities_per_sec, post_every));
    let mut results = Vec::new();
    let mut remotes = Vec::new();
    for outcome in futures_util::future::join_all(runs).await {
        let (result, remote) = outcome?;
        results.push(result);
        remotes.push(remote);
    }
    Ok(results)
}

/// Runs the soak: `reads_per_sec` reads, `activities_per_sec` inbox activities and a post every
/// `post_every`, for `duration`. Returns the receiver too, so that its host names stay until
/// the caller drops it.
pub async fn run(
    ctx: &Ctx,
    backend: Backend,
    duration: Duration,
    reads_per_sec: u32,
    activities_per_sec: u32,
    post_every: Duration,
) -> anyhow::Result<(SoakResult, Arc<Remote>)> {
    eprintln!("== soak on {} for {} min", backend.label(), duration.as_secs() / 60);
    let remote = Arc::new(Remote::start(INSTANCES, false).await?);
    let server = Arc::new(Server::start(ctx, backend).await?);
    remote.set_buurt(&server.url(""));
    let state = server.admin_state().await?;
    let people: Vec<String> =
        std::iter::once("anna".to_string()).chain((1..PEOPLE).map(|i| format!("buur{i}"))).collect();
    let token = server.seed_people(&state, &people).await?;
    state.pool.close();
    seed_followers(&server, &remote, INSTANCES).await?;
    let first = server.post_status(&token, "Welkom op het buurtplatform!").await?;
    let liked = first["uri"].as_str().unwrap_or_default().to_string();

    let webfinger = format!("/.well-known/webfinger?resource=acct:anna@{}", server.domain);
    let reads: Vec<(String, &'static str)> = vec![
        ("/u/anna".into(), buurt::apub::ACTIVITY_JSON),
        (webfinger, "application/jrd+json"),
        ("/nodeinfo/2.1".into(), "application/json"),
        ("/u/anna/outbox?page=true".into(), buurt::apub::ACTIVITY_JSON),
        ("/api/v1/timelines/public".into(), "application/json"),
        ("/".into(), "text/html"),
        ("/u/anna".into(), "text/html"),
    ];
    let read_tally = Arc::new(Tally::default());
    let inbox_tally = Arc::new(Tally::default());
    let stop = tokio::time::Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();

    // Reads, at a steady rate, each on its own task so one slow answer does not slow the rest.
    {
        let (server, tally) = (server.clone(), read_tally.clone());
        tasks.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1) / reads_per_sec.max(1));
            let mut n = 0usize;
            while tokio::time::Instant::now() < stop {
                tick.tick().await;
                let (path, accept) = reads[n % reads.len()].clone();
                n += 1;
                let (server, tally) = (server.clone(), tally.clone());
                tokio::spawn(async move {
                    let ok = match server.http.get(server.url(&path)).header("accept", accept).send().await {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    tally.record(ok);
                });
            }
        });
    }

    // Inbox activities: Create(Note) mentioning a local person, and Likes of the first post,
    // signed by the remote actors, alternately to the shared and the personal inbox.
    {
        let (server, remote, tally) = (server.clone(), remote.clone(), inbox_tally.clone());
        let people = people.clone();
        tasks.spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let mut k = 0usize;
            while tokio::time::Instant::now() < stop {
                tick.tick().await;
                let mut batch = Vec::new();
                for _ in 0..activities_per_sec {
                    let actor = remote.actor_url(k % INSTANCES, "reader");
                    let person = &people[k % people.len()];
                    let person_url = server.url(&format!("/u/{person}"));
                    let activity = if k % 3 == 2 {
                        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{actor}/likes/{k}"),
                            "type": "Like", "actor": actor, "object": liked})
                    } else {
                        let note = format!("{actor}/statuses/{k}");
                        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{note}/activity"),
                            "type": "Create", "actor": actor, "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [person_url],
                            "object": {"id": note, "type": "Note", "attributedTo": actor, "published": "2026-11-29T10:00:00Z",
                                "content": format!("<p>@{person} Is de markt morgen open? ({k})</p>"),
                                "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [person_url],
                                "tag": [{"type": "Mention", "href": person_url, "name": format!("@{person}")}]}})
                    };
                    let inbox = if k.is_multiple_of(2) { server.url("/inbox") } else { server.url(&format!("/u/{person}/inbox")) };
                    batch.push((inbox, actor, activity.to_string().into_bytes()));
                    k += 1;
                }
                let pem = remote.private_pem().to_string();
                let signed = match tokio::task::spawn_blocking(move || remote::sign_all(&pem, batch)).await {
                    Ok(Ok(s)) => s,
                    _ => {
                        tally.record(false);
                        continue;
                    }
                };
                let (sent, _) = remote::send_all(&server.http, Arc::new(signed), 4).await;
                for s in sent {
                    tally.record(s.status.is_some_and(|c| (200..300).contains(&c)));
                }
            }
        });
    }

    // Posts by anna, each fanned out to the followers' instances.
    let posts = Arc::new(AtomicUsize::new(1));
    {
        let (server, posts) = (server.clone(), posts.clone());
        let token = token.clone();
        tasks.spawn(async move {
            let mut tick = tokio::time::interval(post_every);
            tick.tick().await;
            while tokio::time::Instant::now() < stop {
                tick.tick().await;
                let n = posts.load(Ordering::Relaxed);
                if server
                    .post_status(&token, &format!("Buurtnieuws {n}: de container staat op het plein."))
                    .await
                    .is_ok()
                {
                    posts.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }

    // Memory once a minute.
    let mut rss = Vec::new();
    let started = tokio::time::Instant::now();
    let mut minute = 0;
    while tokio::time::Instant::now() < stop {
        tokio::time::sleep_until((started + Duration::from_secs(60 * (minute + 1))).min(stop)).await;
        minute += 1;
        let kib = server.memory()?.rss_kib;
        rss.push((minute, kib));
        eprintln!(
            "   minute {minute}: RSS {}, {} reads ({} errors), {} activities ({} errors), {} posts, {} deliveries",
            stats::mib(kib),
            read_tally.done.load(Ordering::Relaxed),
            read_tally.errors.load(Ordering::Relaxed),
            inbox_tally.done.load(Ordering::Relaxed),
            inbox_tally.errors.load(Ordering::Relaxed),
            posts.load(Ordering::Relaxed),
            remote.count("Create"),
        );
    }
    while tasks.join_next().await.is_some() {}
    let posts = posts.load(Ordering::Relaxed);
    let deliveries_expected = posts * INSTANCES;
    let _ = remote.wait_for("Create", deliveries_expected, Duration::from_secs(120)).await;
    let result = SoakResult {
        backend,
        duration,
        reads: read_tally.done.load(Ordering::Relaxed),
        read_errors: read_tally.errors.load(Ordering::Relaxed),
        activities: inbox_tally.done.load(Ordering::Relaxed),
        activity_errors: inbox_tally.errors.load(Ordering::Relaxed) + remote.rejected(),
        posts,
        deliveries_expected,
        deliveries_arrived: remote.count("Create"),
        rss,
    };
    eprintln!("   {}", result.row());
    if let Ok(server) = Arc::try_unwrap(server) {
        server.stop().await?;
    }
    Ok((result, remote))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(rss: &[(u64, u64)]) -> SoakResult {
        SoakResult {
            backend: Backend::Sqlite,
            duration: Duration::from_secs(1800),
            reads: 1,
            read_errors: 0,
            activities: 1,
            activity_errors: 0,
            posts: 1,
            deliveries_expected: 50,
            deliveries_arrived: 50,
            rss: rss.to_vec(),
        }
    }

    #[test]
    fn memory_is_flat_when_the_end_is_within_ten_percent_of_minute_two() {
        assert!(result(&[(1, 20_000), (2, 30_000), (15, 31_000), (30, 32_900)]).flat());
        assert!(!result(&[(1, 20_000), (2, 30_000), (15, 31_000), (30, 33_100)]).flat());
        assert!(!result(&[]).flat());
    }
}
