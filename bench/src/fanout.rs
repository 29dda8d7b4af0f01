//! Delivery fan-out: one public post by a local person whose followers live on N distinct
//! remote instances. Timed from the API call until the receiver has verified and acknowledged
//! N signed Create deliveries.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::json;

use crate::remote::{self, Remote};
use crate::server::{Backend, Server};
use crate::stats::{self, RssSampler};
use crate::{Ctx, ceiling};

pub struct FanoutResult {
    pub backend: Backend,
    pub instances: usize,
    pub elapsed: Duration,
    pub signs_per_sec: f64,
    pub peak_rss_kib: u64,
    pub open_fds: usize,
    /// CPU time the Buurt process used in the timed part.
    pub cpu: Duration,
    pub rejected: usize,
    pub seed: Duration,
    /// The same deliveries with nothing but signing and sending (see [`delivery_floor`]).
    pub bare: Duration,
    /// The same deliveries signed beforehand, then only sent (see [`send_only`]): the wall time,
    /// and the CPU time that sending and receiving them took in this process.
    pub send_only: Duration,
    pub send_cpu: Duration,
    pub cores: usize,
}

impl FanoutResult {
    pub fn floor(&self) -> Duration {
        Duration::from_secs_f64(self.instances as f64 / self.signs_per_sec)
    }

    /// The least time any sender could take on this machine: every signature's CPU time (the
    /// floor on all cores) plus the CPU time of the sends and their reception alone, spread
    /// over all cores.
    pub fn lowest(&self) -> Duration {
        self.floor() + self.send_cpu / self.cores.max(1) as u32
    }

    pub fn row(&self) -> String {
        let ratio = self.elapsed.as_secs_f64() / self.floor().as_secs_f64();
        format!(
            "| {} | {} | {:.2} s | {:.1} s | {:.0}/s | {:.2} s | {:.2}× {} | {:.2} s ({:.1} s CPU) | {:.2} s = {:.2}× | {:.2} s | {:.2}× | {} | {} |",
            self.backend.label(),
            self.instances,
            self.elapsed.as_secs_f64(),
            self.cpu.as_secs_f64(),
            self.signs_per_sec,
            self.floor().as_secs_f64(),
            ratio,
            if ratio <= 1.5 { "✅" } else { "❌" },
            self.send_only.as_secs_f64(),
            self.send_cpu.as_secs_f64(),
            self.lowest().as_secs_f64(),
            self.lowest().as_secs_f64() / self.floor().as_secs_f64(),
            self.bare.as_secs_f64(),
            self.elapsed.as_secs_f64() / self.bare.as_secs_f64(),
            stats::mib(self.peak_rss_kib),
            self.open_fds,
        )
    }

    pub const HEADER: &'static str = "| backend | instances | all acknowledged | Buurt CPU time | signatures/s (all cores) | signing floor | ratio (target ≤ 1.5×) | send only, signed beforehand | lowest possible: floor + send CPU / cores | sign and send only | ratio to it | peak RSS | open fds after |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|";
}

pub async fn run(ctx: &Ctx, backend: Backend, instances: usize) -> anyhow::Result<FanoutResult> {
    eprintln!("== fan-out to {instances} instances on {}", backend.label());
    let remote = Remote::start(instances, true).await?;
    let server = Server::start(ctx, backend).await?;
    remote.set_buurt(&server.url(""));
    let state = server.admin_state().await?;
    let token = server.seed_people(&state, &["anna".to_string()]).await?;
    let anna = {
        let mut conn = state.pool.get().await?;
        buurt::db::models::actor::Actor::by_ap_id(&mut conn, &server.url("/u/anna"))
            .await?
            .context("anna is missing")?
    };
    let client = buurt::apub::http_client(&state.settings, &server.url(""))?;
    let parallel = state.settings.federation.delivery_parallel_instances;
    state.pool.close();

    let seed_started = tokio::time::Instant::now();
    seed_followers(&server, &remote, instances).await?;
    let seed = seed_started.elapsed();
    eprintln!("   {instances} followers seeded in {:.1} s", seed.as_secs_f64());

    // The signing floor, measured now on the same machine with Buurt's signing code.
    let signs_per_sec = ceiling::sign_rate(remote.private_pem().to_string(), ctx.ceiling_time).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let bare = delivery_floor(&client, &remote, &anna, instances, parallel).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (send_only, send_cpu) = send_only(&client, &remote, &anna, instances, parallel).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;

    let rss_before = server.memory()?.rss_kib;
    let fds_before = server.open_fds()?;
    let sampler = RssSampler::start(server.pid()?);
    let cpu_before = stats::cpu_time_of(server.pid()?)?;
    let started = tokio::time::Instant::now();
    server.post_status(&token, "Morgen is de buurtschoonmaak, om tien uur bij het plein. Iedereen welkom!").await?;
    remote.wait_for("Create", instances, Duration::from_secs(1800)).await?;
    let elapsed = started.elapsed();
    let cpu = stats::cpu_time_of(server.pid()?)?.saturating_sub(cpu_before);
    let peak_rss_kib = sampler.finish().await;
    let open_fds = server.open_fds()?;
    let result = FanoutResult {
        backend,
        instances,
        elapsed,
        signs_per_sec,
        peak_rss_kib,
        open_fds,
        cpu,
        rejected: remote.rejected(),
        seed,
        bare,
        send_only,
        send_cpu,
        cores: std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    eprintln!(
        "   {} (seeding took {:.1} s; before the post: RSS {}, {fds_before} open fds; {} deliveries refused)",
        result.row(),
        result.seed.as_secs_f64(),
        stats::mib(rss_before),
        result.rejected
    );
    server.stop().await?;
    Ok(result)
}

/// Gives anna one follower on each of `instances` remote instances: every instance's actor sends
/// a signed Follow; Buurt fetches the actor, stores it and delivers an Accept.
pub async fn seed_followers(server: &Server, remote: &Remote, instances: usize) -> anyhow::Result<()> {
    let anna = server.url("/u/anna");
    let inbox = server.url("/u/anna/inbox");
    let follows = (0..instances)
        .map(|i| {
            let actor = remote.actor_url(i, "reader");
            let body = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{actor}/follows/1"),
                "type": "Follow",
                "actor": actor,
                "object": anna,
            });
            (inbox.clone(), actor, body.to_string().into_bytes())
        })
        .collect();
    let pem = remote.private_pem().to_string();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&pem, follows)).await??;
    let (sent, _) = remote::send_all(&server.http, Arc::new(signed), 16).await;
    let failed = sent.iter().filter(|s| !s.status.is_some_and(|c| (200..300).contains(&c))).count();
    if failed > 0 {
        bail!("{failed} of {instances} Follows were not accepted:\n{}", server.log_tail());
    }
    remote.wait_for("Accept", instances, Duration::from_secs(1800)).await
}

/// The delivery floor of this machine for this benchmark: the same number of deliveries made
/// with nothing but what each one cannot do without — a signature by Buurt's signing code (on
/// a blocking thread, as the worker signs: `sign_off_thread`), a new connection through
/// Buurt's HTTP client and a POST of a Create-sized activity to each instance's shared inbox,
/// answered by the same receiver — `parallel` at a time, as many as Buurt sends to at once.
/// No database, no queue.
/// The activities are `Update`s so the receiver counts them apart from Buurt's `Create`s.
async fn delivery_floor(
    client: &reqwest::Client,
    remote: &Remote,
    author: &buurt::db::models::actor::Actor,
    instances: usize,
    parallel: usize,
) -> anyhow::Result<Duration> {
    let private_pem = Arc::new(author.private_key.clone().context("the author has no private key")?);
    let key_id = Arc::new(format!("{}#main-key", author.ap_id));
    let author = Arc::new(author.ap_id.clone());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..parallel.max(1) {
        let (client, port, next) = (client.clone(), remote.port, next.clone());
        let (private_pem, key_id, author) = (private_pem.clone(), key_id.clone(), author.clone());
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= instances {
                    return Ok::<_, anyhow::Error>(());
                }
                let url = url::Url::parse(&inbox_of(i, port))?;
                let body = floor_activity(&author, "Update", i);
                let (headers, body) = buurt::apub::signatures::sign_off_thread(
                    url.clone(),
                    body,
                    buurt::apub::ACTIVITY_JSON,
                    key_id.to_string(),
                    private_pem.to_string(),
                )
                .await?;
                let mut request = client.post(url).header("accept", buurt::apub::ACTIVITY_JSON).body(body);
                for (name, value) in headers {
                    request = request.header(name, value);
                }
                let status = request.send().await?.status();
                if !status.is_success() {
                    bail!("the receiver answered {status} to a bare delivery");
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let elapsed = started.elapsed();
    remote.wait_for("Update", instances, Duration::from_secs(60)).await?;
    Ok(elapsed)
}

/// The sending part of [`delivery_floor`] alone: the same deliveries (as `Add`s, counted apart)
/// signed beforehand on all cores, which is not timed, then sent `parallel` at a time through
/// the same client to the same receiver. Returns the wall time and the CPU time this process
/// (sender and receiver) used while sending: what any fan-out must spend beside its signatures.
async fn send_only(
    client: &reqwest::Client,
    remote: &Remote,
    author: &buurt::db::models::actor::Actor,
    instances: usize,
    parallel: usize,
) -> anyhow::Result<(Duration, Duration)> {
    let private_pem = author.private_key.clone().context("the author has no private key")?;
    let requests: Vec<(String, String, Vec<u8>)> = (0..instances)
        .map(|i| (inbox_of(i, remote.port), author.ap_id.clone(), floor_activity(&author.ap_id, "Add", i)))
        .collect();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&private_pem, requests)).await??;
    let cpu_before = stats::cpu_time_of(std::process::id())?;
    let (sent, elapsed) = remote::send_all(client, Arc::new(signed), parallel.max(1)).await;
    let cpu = stats::cpu_time_of(std::process::id())?.saturating_sub(cpu_before);
    let failed = sent.iter().filter(|s| !s.status.is_some_and(|c| (200..300).contains(&c))).count();
    if failed > 0 {
        bail!("{failed} of {instances} pre-signed deliveries were not accepted");
    }
    remote.wait_for("Add", instances, Duration::from_secs(60)).await?;
    Ok((elapsed, cpu))
}

/// The shared inbox of the `i`th instance.
fn inbox_of(i: usize, port: u16) -> String {
    format!("http://{}:{port}/inbox", remote::host_name(i))
}

/// A public activity of `kind` by `author` the size of the fan-out's `Create`.
fn floor_activity(author: &str, kind: &str, i: usize) -> Vec<u8> {
    let id = format!("{author}/bench-floor/{kind}/{i}");
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": kind,
        "actor": author,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [format!("{author}/followers")],
        "object": {
            "id": format!("{id}/note"),
            "type": "Note",
            "attributedTo": author,
            "content": "<p>Morgen is de buurtschoonmaak, om tien uur bij het plein. Iedereen welkom!</p>",
            "published": "2026-11-29T10:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [format!("{author}/followers")],
        },
    })
    .to_string()
    .into_bytes()
}
