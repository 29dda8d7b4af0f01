//! Reads: `wrk` against the read endpoints of a seeded Buurt (50 public posts, 20 remote
//! followers on 20 instances), one endpoint at a time, twice: the first run meets the endpoint
//! cold (nothing of it computed or cached yet), the second warm. And resident memory idle and
//! under each load.

use std::time::Duration;

use anyhow::{Context, bail};

use crate::Ctx;
use crate::remote::Remote;
use crate::server::{Backend, Server};
use crate::stats::{self, RssSampler, WrkResult};

pub struct ReadResult {
    pub backend: Backend,
    pub endpoint: &'static str,
    pub html: bool,
    /// The warm run (`growth` has only this one).
    pub wrk: WrkResult,
    /// The p99 of the first run against the endpoint, when there was one before `wrk`.
    pub cold_p99: Option<Duration>,
    pub peak_rss_kib: u64,
}

impl ReadResult {
    pub fn meets_target(&self) -> bool {
        // A person's own notifications are never cached: they have the pages' target.
        if self.html || self.endpoint == crate::notifications_api::NAME {
            self.wrk.requests_per_sec >= 2000.0
        } else {
            self.wrk.requests_per_sec >= 10_000.0 && self.wrk.p99 < Duration::from_millis(25)
        }
    }

    pub fn row(&self) -> String {
        format!(
            "| {} | {} | {:.0} | {} | {} | {} | {} | {} | {} |",
            self.backend.label(),
            self.endpoint,
            self.wrk.requests_per_sec,
            stats::ms(self.wrk.p50),
            self.cold_p99.map_or("–".into(), stats::ms),
            stats::ms(self.wrk.p99),
            self.wrk.errors,
            if self.meets_target() { "✅" } else { "❌" },
            stats::mib(self.peak_rss_kib),
        )
    }

    pub const HEADER: &'static str = "| backend | endpoint | requests/s | p50 | p99 cold | p99 warm | errors | target | peak RSS under load |\n|---|---|---|---|---|---|---|---|---|";
}

/// A seeded server: anna with `posts` public posts and followers on `followers` instances.
pub async fn seeded(ctx: &Ctx, backend: Backend, posts: usize, followers: usize) -> anyhow::Result<(Remote, Server)> {
    let remote = Remote::start(followers, false).await?;
    let server = Server::start(ctx, backend).await?;
    remote.set_buurt(&server.url(""));
    let state = server.admin_state().await?;
    let token = server.seed_people(&state, &["anna".to_string()]).await?;
    // A resident who never posted: nothing of hers is made yet (not even her keys), as for a
    // new account whose first post makes many servers fetch her actor at once.
    server.register(&state, NEWCOMER).await?;
    crate::groups::seed_group(&state).await?;
    crate::groups::seed_welcome(&state).await?;
    state.pool.close();
    for i in 0..posts {
        server
            .post_status(
                &token,
                &format!("Bericht {i} over de buurt: de bibliotheek is zaterdag open van tien tot vier."),
            )
            .await?;
    }
    crate::fanout::seed_followers(&server, &remote, followers).await?;
    let state = server.admin_state().await?;
    crate::groups::seed_discussions(&server, &state, THREADS).await?;
    crate::groups::seed_members(&state).await?;
    crate::moderation::seed_decisions(&state, DECISIONS).await?;
    crate::events::seed_made(&state, crate::events::MADE).await?;
    state.pool.close();
    Ok((remote, server))
}

/// Threads in the group "tuin" (`groups::seed_discussions`).
pub const THREADS: usize = 40;

/// Moderation decisions (`moderation::seed_decisions`): more than a page of the log.
pub const DECISIONS: usize = 60;

/// Resident memory after start-up, seeding and a few requests of each kind, once settled.
pub async fn idle_memory(server: &Server) -> anyhow::Result<u64> {
    for path in ["/", "/u/anna", "/api/v1/timelines/public", "/nodeinfo/2.1", "/u/anna/outbox?page=true"] {
        server.http.get(server.url(path)).send().await?.error_for_status()?;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    Ok(server.memory()?.rss_kib)
}

/// The resident `seeded` registers without ever using her account.
const NEWCOMER: &str = "nieuw";

/// A read endpoint: name, path, the header wrk sends (`Accept`, or a session `Cookie`), and
/// whether it is an HTML page.
pub struct Endpoint {
    pub name: &'static str,
    pub path: String,
    pub header: Option<String>,
    pub html: bool,
}

/// The endpoints `reads` and `growth` measure, all about anna on `server`, narrowed to those
/// `--endpoint` names.
pub async fn endpoints(ctx: &Ctx, server: &Server) -> anyhow::Result<Vec<Endpoint>> {
    let post = newest_post(server).await?;
    let anna = account_id(server, "anna").await?;
    let domain = &server.domain;
    let json = Some("Accept: application/activity+json");
    let e = |name, path: &str, header: Option<&str>, html| Endpoint {
        name,
        path: path.to_string(),
        header: header.map(str::to_string),
        html,
    };
    let all = vec![
        e("new actor JSON", &format!("/u/{NEWCOMER}"), json, false),
        e("actor JSON", "/u/anna", json, false),
        e("WebFinger", &format!("/.well-known/webfinger?resource=acct:anna@{domain}"), None, false),
        e("NodeInfo 2.1", "/nodeinfo/2.1", None, false),
        e("outbox page", "/u/anna/outbox?page=true", json, false),
        e("public timeline API", "/api/v1/timelines/public", None, false),
        e("home page", "/", None, true),
        // Her profile page: her 20 newest posts, her groups.
        e("profile page", "/u/anna", None, true),
        // Her 20 remote followers as Accounts.
        e("account followers", &format!("/api/v1/accounts/{anna}/followers"), None, false),
        e("post JSON", &format!("/p/{post}"), json, false),
        e("status API", &format!("/api/v1/statuses/{post}"), None, false),
        e("post page", &format!("/p/{post}"), None, true),
        e("notifications page", "/meldingen", None, true),
        // The group directory, and the group "tuin" whose members are anna's followers.
        e("group directory", "/groepen", None, true),
        e("group members page", "/g/tuin/leden", None, true),
        e("group members API", "/api/buurt/v1/groups/tuin/members", None, false),
        // The neighbourhood "centrum": its boundary on the map, its group, its residents.
        e("neighbourhood page", "/g/centrum", None, true),
        e("neighbourhoods API", "/api/buurt/v1/neighbourhoods", None, false),
        // The public moderation log: its newest 50 decisions.
        e("moderation log page", "/moderatie", None, true),
        e("moderation log API", "/api/buurt/v1/moderation/log", None, false),
        // The instance's report queue: 50 open reports about anna's posts, read by an admin.
        e("report queue page", "/beheer/meldingen", None, true),
        // The staff overview (with what waits) and the admins' list of the 50 newest accounts.
        e("staff overview page", "/beheer", None, true),
        e("users page", "/beheer/gebruikers", None, true),
    ];
    let mut chosen: Vec<Endpoint> = all
        .into_iter()
        .filter(|e| ctx.endpoints.is_empty() || ctx.endpoints.iter().any(|n| e.name.to_lowercase().contains(n)))
        .collect();
    if let Some(page) = chosen.iter_mut().find(|e| e.name == "notifications page") {
        page.header = Some(format!("Cookie: buurt_session={}", notifications_session(server).await?));
    }
    let staff_pages = ["report queue page", "staff overview page", "users page"];
    if chosen.iter().any(|e| staff_pages.contains(&e.name)) {
        let cookie = format!("Cookie: buurt_session={}", staff_session(server).await?);
        for page in chosen.iter_mut().filter(|e| staff_pages.contains(&e.name)) {
            page.header = Some(cookie.clone());
        }
    }
    Ok(chosen)
}

/// A site admin (the first resident who is neither anna nor the newcomer) with 50 open reports
/// about anna's newest posts in the instance queue, and a session of theirs.
async fn staff_session(server: &Server) -> anyhow::Result<String> {
    use buurt::db::models::local_user::Account;
    use diesel_async::SimpleAsyncConnection;
    let state = server.admin_state().await?;
    let moderator = format!(
        "(SELECT a.id FROM actor a JOIN local_user u ON u.actor_id = a.id \
         WHERE a.name_key NOT IN ('anna', '{NEWCOMER}') ORDER BY a.id LIMIT 1)"
    );
    let sql = format!(
        "BEGIN;\nUPDATE local_user SET role = 'admin' WHERE actor_id = {moderator};\n\
         INSERT INTO report (subject_kind, post_id, actor_id, category, comment, forward, state, created_at, updated_at) \
         SELECT 'post', p.id, p.author_id, 'spam', 'Reclame voor horloges', false, 'open', p.published, p.published \
         FROM post p JOIN actor a ON a.id = p.author_id WHERE a.name_key = 'anna' AND a.local \
         ORDER BY p.id DESC LIMIT 50;\nCOMMIT;"
    );
    let account = {
        let mut conn = state.pool.get().await?;
        let c = &mut conn;
        buurt::dispatch!(c, c => c.batch_execute(&sql).await).context("seeding the report queue")?;
        let name: String = {
            use buurt::db::schema::{actor, local_user};
            use diesel::{ExpressionMethods, QueryDsl};
            use diesel_async::RunQueryDsl;
            buurt::dispatch!(c, c => local_user::table
                .inner_join(actor::table)
                .filter(local_user::role.eq("admin"))
                .select(actor::username)
                .first::<String>(c)
                .await)?
        };
        Account::by_username(&mut conn, &name).await?.context("the moderator is missing")?
    };
    let token = buurt::domain::accounts::start_session(&state.pool, account.user.id, "buurt-bench")
        .await
        .map_err(|e| anyhow::anyhow!("session: {e}"))?;
    state.pool.close();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let page =
        client.get(server.url("/beheer/meldingen")).header("cookie", format!("buurt_session={token}")).send().await?;
    let status = page.status();
    let body = page.text().await?;
    if !status.is_success() || body.matches("class=\"card\"").count() < 50 {
        bail!("the report queue answers {status} without its 50 reports");
    }
    Ok(token)
}

/// Anna's notifications as a busy resident has them — three likes (one entry each) and a
/// mention on each of her 30 newest posts: 60 entries, 120 rows — and a session of hers, whose
/// token `/meldingen` is read with (per person, so never from the public cache).
async fn notifications_session(server: &Server) -> anyhow::Result<String> {
    use buurt::db::models::local_user::Account;
    use diesel_async::SimpleAsyncConnection;
    let state = server.admin_state().await?;
    let from = "(SELECT id FROM actor WHERE local AND name_key <> 'anna' ORDER BY id LIMIT 1)";
    let rows = |kind: &str, key: &str| {
        format!(
            "INSERT INTO notification (recipient_id, kind, from_actor_id, post_id, subject, group_key, channel, created_at) \
             SELECT p.author_id, '{kind}', {from}, p.id, NULL, '{kind}:post:' || p.id{key}, 'weekly', p.published \
             FROM post p JOIN actor a ON a.id = p.author_id WHERE a.name_key = 'anna' AND a.local \
             ORDER BY p.id DESC LIMIT 30;\n"
        )
    };
    let sql = format!(
        "BEGIN;\n{}{}{}{}COMMIT;",
        rows("favourite", ""),
        rows("favourite", ""),
        rows("mention", " || ':m'"),
        rows("favourite", "")
    );
    let anna = {
        let mut conn = state.pool.get().await?;
        let c = &mut conn;
        buurt::dispatch!(c, c => c.batch_execute(&sql).await).context("seeding anna's notifications")?;
        Account::by_username(&mut conn, "anna").await?.context("anna is missing")?
    };
    let token = buurt::domain::accounts::start_session(&state.pool, anna.user.id, "buurt-bench")
        .await
        .map_err(|e| anyhow::anyhow!("session: {e}"))?;
    state.pool.close();
    // The page itself, not a redirect to the sign-in page (wrk would count that as an answer).
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let page = client.get(server.url("/meldingen")).header("cookie", format!("buurt_session={token}")).send().await?;
    let status = page.status();
    let body = page.text().await?;
    if !status.is_success() || body.matches("class=\"notification").count() < 20 {
        bail!("anna's notifications page answers {status} without her 20 newest entries");
    }
    Ok(token)
}

/// The client API's id of the account `acct`.
async fn account_id(server: &Server, acct: &str) -> anyhow::Result<String> {
    let account: serde_json::Value = server
        .http
        .get(server.url(&format!("/api/v1/accounts/lookup?acct={acct}")))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(account["id"].as_str().with_context(|| format!("{acct} has no id"))?.to_string())
}

/// The id of anna's newest post, as the client API lists it.
async fn newest_post(server: &Server) -> anyhow::Result<String> {
    let anna: serde_json::Value = server
        .http
        .get(server.url("/api/v1/accounts/lookup?acct=anna"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = anna["id"].as_str().context("anna has no id")?;
    let statuses: serde_json::Value = server
        .http
        .get(server.url(&format!("/api/v1/accounts/{id}/statuses?limit=1")))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(statuses[0]["id"].as_str().context("anna has no posts")?.to_string())
}

/// One endpoint under wrk for `duration` with `connections`; fails when it does not answer 2xx.
/// The first request is wrk's: a cold endpoint meets all its connections at once.
pub async fn measure(
    server: &Server,
    backend: Backend,
    endpoint: &Endpoint,
    duration: Duration,
    connections: usize,
) -> anyhow::Result<ReadResult> {
    let url = server.url(&endpoint.path);
    let sampler = RssSampler::start(server.pid()?);
    let mut cmd = tokio::process::Command::new("wrk");
    cmd.args(["-t2", &format!("-c{connections}"), &format!("-d{}s", duration.as_secs()), "--latency"]);
    if let Some(h) = &endpoint.header {
        cmd.args(["-H", h]);
    }
    let output = cmd.arg(&url).output().await.context("running wrk (apt-get install wrk)")?;
    let peak_rss_kib = sampler.finish().await;
    let text = String::from_utf8_lossy(&output.stdout);
    let wrk = stats::parse_wrk(&text).with_context(|| format!("wrk output for {}:\n{text}", endpoint.name))?;
    let mut check = server.http.get(&url);
    if let Some((name, value)) = endpoint.header.as_deref().and_then(|h| h.split_once(": ")) {
        check = check.header(name, value);
    }
    let status = check.send().await?.status();
    if !status.is_success() {
        bail!("{} answers {status}", endpoint.name);
    }
    Ok(ReadResult { backend, endpoint: endpoint.name, html: endpoint.html, wrk, cold_p99: None, peak_rss_kib })
}

pub async fn run(ctx: &Ctx, backend: Backend) -> anyhow::Result<(Vec<ReadResult>, u64)> {
    eprintln!("== reads on {}", backend.label());
    let (_remote, server) = seeded(ctx, backend, 50, 20).await?;
    let idle_kib = idle_memory(&server).await?;
    let mut results = Vec::new();
    let mut all = endpoints(ctx, &server).await?;
    all.extend(crate::notifications_api::endpoint(ctx, &server, 200).await?);
    all.extend(crate::threads::endpoints(ctx, &server).await?);
    all.extend(crate::groups::endpoints(ctx, &server, THREADS).await?);
    all.extend(crate::events::endpoints(ctx, &server).await?);
    for endpoint in all {
        let cold = measure(&server, backend, &endpoint, ctx.duration, ctx.connections).await?;
        let mut result = measure(&server, backend, &endpoint, ctx.duration, ctx.connections).await?;
        result.cold_p99 = Some(cold.wrk.p99);
        eprintln!("   {}", result.row());
        results.push(result);
    }
    server.stop().await?;
    Ok((results, idle_kib))
}
