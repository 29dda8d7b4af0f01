//! The group the read benchmarks measure: "tuin", an open, public interest group of anna's,
//! whose members are every remote person seeded (anna's followers), as the inbox's Join
//! handling stores them; and the neighbourhood "centrum" it belongs to, anna's home, imported
//! as `buurt admin import-neighbourhoods` does.

use anyhow::Context;
use std::time::Duration;

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

/// Replies by remote members in the busiest thread (carla's question), before bram's two.
pub const BUSY_REPLIES: usize = 40;
/// Replies by remote members to the local threads: anna's welcome, bram's announcement,
/// carla's question. (A visitor is sent to a remote member's thread where it lives: the
/// measured thread is a resident's.)
const LOCAL_THREAD_REPLIES: [usize; 3] = [12, 6, BUSY_REPLIES];
/// Remote members who write, at most (the first ones by id).
const AUTHORS: i64 = 200;
/// Rows per INSERT (and per transaction) while seeding.
const BATCH: usize = 1000;

/// anna's first thread in her group, pinned: written through the domain before any remote
/// person is a member (and before her own posts, which stay her newest), so nothing is
/// delivered. Its fan-out is awaited before returning.
pub async fn seed_welcome(state: &buurt::state::AppState) -> anyhow::Result<()> {
    use buurt::domain::groups::discussions::{NewThread, set_pinned, start_thread};
    let (anna, tuin) = anna_and_tuin(state).await?;
    let new = NewThread {
        title: "Welkom in de Buurttuin — lees dit eerst".into(),
        text: "Fijn dat je er bent!\n\n- Wie een bak **adopteert** zorgt er ook voor.\n- Gereedschap gaat terug \
               in het schuurtje.\n- Vragen? Stel ze hier of spreek [de beheerders](/g/tuin/leden) aan."
            .into(),
        announcement: false,
    };
    let post = start_thread(state, &anna, &tuin, &new).await.map_err(|e| anyhow::anyhow!("welcome thread: {e}"))?;
    set_pinned(state, &anna, post.id, true).await.map_err(|e| anyhow::anyhow!("pinning: {e}"))?;
    fanned_out(state).await
}

/// What [`seed_discussions`] wrote.
pub struct Discussions {
    /// Posts by residents here (threads and replies), for the counts the seed is checked by.
    pub local_posts: usize,
}

/// The discussions of "tuin" as a group of neighbours has them, `threads` threads in all (at
/// least 4): anna's pinned welcome ([`seed_welcome`], written before), an announcement by bram
/// (a resident anna made moderator) and a question by carla (a resident member), written
/// through the domain; the rest by remote members, stored in INSERTs as the inbox stores a
/// post that arrived in the group (`discussions::arrived`: audience, title, public), one every
/// two hours back in time. Each of their threads has 1–17 replies by remote members (about 9;
/// half answering the thread, half the reply before), so the group holds about ten posts per
/// thread; carla's is the busiest ([`BUSY_REPLIES`] replies). bram answers twice in the busiest thread and
/// carla once in the welcome thread, through the client API. The notifications those replies
/// would cause anna, bram and carla are not written (no page measured here reads them).
/// Call before the remote people become members ([`seed_members`]): what residents write here
/// is relayed to the members' servers, and this waits until it was fanned out to none.
pub async fn seed_discussions(
    server: &crate::server::Server,
    state: &buurt::state::AppState,
    threads: usize,
) -> anyhow::Result<Discussions> {
    use buurt::db::models::membership::GroupRole;
    use buurt::domain::groups::{discussions, members};
    let (anna, tuin) = anna_and_tuin(state).await?;
    let bram_token = server.seed_people(state, &["bram".to_string()]).await?;
    let carla_token = server.seed_people(state, &["carla".to_string()]).await?;
    let (bram, carla) = {
        use buurt::db::models::local_user::Account;
        let mut conn = state.pool.get().await?;
        (
            Account::by_username(&mut conn, "bram").await?.context("bram is missing")?,
            Account::by_username(&mut conn, "carla").await?.context("carla is missing")?,
        )
    };
    for who in [&bram, &carla] {
        members::join(state, who, &tuin, "").await.map_err(|e| anyhow::anyhow!("joining: {e}"))?;
    }
    members::set_role(state, &anna, &tuin, bram.actor.id, GroupRole::Moderator)
        .await
        .map_err(|e| anyhow::anyhow!("bram moderator: {e}"))?;

    let authors = remote_authors(state).await?;
    let now = buurt::db::now();
    let remote_threads = threads.saturating_sub(3).max(1);
    let tuin_id = tuin.actor.id.0;
    // The remote members' threads, oldest first.
    let mut starters: Vec<Starter<_>> = Vec::with_capacity(remote_threads + 3);
    for i in 0..remote_threads {
        let (_, author_ap) = &authors[i % authors.len()];
        starters.push(Starter {
            ap_id: format!("{author_ap}/statuses/g{i}"),
            published: now - Duration::from_secs(2 * 3600 * (remote_threads - i) as u64),
            replies: (i * 7) % 17 + 1,
            step: Duration::from_secs(120),
            key: format!("g{i}"),
        });
    }
    let rows: Vec<String> = starters
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (title, text) = TOPICS[i % TOPICS.len()];
            post_row(
                &s.ap_id,
                authors[i % authors.len()].0,
                Some(&format!("{title} ({i})")),
                &buurt::util::html::text_to_html(text),
                None,
                s.published,
                tuin_id,
            )
        })
        .collect();
    for chunk in rows.chunks(BATCH) {
        exec(state, &insert_posts(chunk)).await?;
    }

    // Written here, through the domain: bram's announcement, carla's question.
    let announcement = discussions::NewThread {
        title: "Plantjesmarkt zaterdag 10–13 uur".into(),
        text: "Zaterdag ruilen we stekjes en zaailingen bij het buurthuis. Neem een **pot met naam** mee; \
               koffie staat klaar."
            .into(),
        announcement: true,
    };
    let question = discussions::NewThread {
        title: "Wie heeft er een grondboor te leen?".into(),
        text: "Voor de nieuwe palen van de composthoek. Ik breng hem dezelfde dag terug.".into(),
        announcement: false,
    };
    let mut local = Vec::new();
    for (who, new) in [(&bram, &announcement), (&carla, &question)] {
        local
            .push(discussions::start_thread(state, who, &tuin, new).await.map_err(|e| anyhow::anyhow!("thread: {e}"))?);
    }
    let welcome = {
        use buurt::db::schema::post;
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        let mut conn = state.pool.get().await?;
        let c = &mut conn;
        let id: i64 = buurt::dispatch!(c, c => post::table
            .filter(post::audience_id.eq(tuin_id))
            .filter(post::pinned_at.is_not_null())
            .select(post::id)
            .first(c)
            .await)
        .context("anna's welcome thread (seed_welcome) is missing")?;
        buurt::db::models::post::Post::by_id(&mut conn, buurt::db::models::post::PostId(id))
            .await?
            .context("the welcome thread")?
    };
    let welcome_id = welcome.id.0;
    for (n, (post, replies)) in [&welcome, &local[0], &local[1]].into_iter().zip(LOCAL_THREAD_REPLIES).enumerate() {
        starters.push(Starter {
            ap_id: post.ap_id.clone(),
            published: post.published,
            replies,
            step: Duration::from_millis(100),
            key: format!("l{n}"),
        });
    }

    // Every thread's replies by remote members.
    let mut rows = Vec::new();
    for (t, s) in starters.iter().enumerate() {
        let mut last = s.ap_id.clone();
        for j in 0..s.replies {
            let (author, author_ap) = &authors[(t + j + 1) % authors.len()];
            let ap_id = format!("{author_ap}/statuses/{}r{j}", s.key);
            let parent = if j % 2 == 0 { s.ap_id.clone() } else { last.clone() };
            let text = REPLIES[(t + j) % REPLIES.len()];
            rows.push(post_row(
                &ap_id,
                *author,
                None,
                &buurt::util::html::text_to_html(text),
                Some(&parent),
                s.published + s.step * (j as u32 + 1),
                tuin_id,
            ));
            last = ap_id;
        }
    }
    for chunk in rows.chunks(BATCH) {
        exec(state, &insert_posts(chunk)).await?;
    }

    // Replies of residents, through the client API.
    let busy = local[1].id.0.to_string();
    let welcome_id = welcome_id.to_string();
    crate::threads::reply(server, &bram_token, "Ik heb er een in de schuur, haal hem maar op.", Some(&busy)).await?;
    crate::threads::reply(server, &bram_token, "De sleutel van het schuurtje ligt bij mij.", Some(&busy)).await?;
    crate::threads::reply(server, &carla_token, "Dank je! Ik doe mee met de composthoek.", Some(&welcome_id)).await?;
    fanned_out(state).await?;
    Ok(Discussions { local_posts: 2 + 3 })
}

/// A thread starter the seed gives replies to (`T`: the time, as `buurt::db::now` gives it).
struct Starter<T> {
    ap_id: String,
    published: T,
    replies: usize,
    /// Time between two of its replies.
    step: Duration,
    /// Part of its replies' ids.
    key: String,
}

/// anna and her group.
async fn anna_and_tuin(
    state: &buurt::state::AppState,
) -> anyhow::Result<(buurt::db::models::local_user::Account, buurt::domain::groups::Group)> {
    use buurt::db::models::local_user::Account;
    let mut conn = state.pool.get().await?;
    let anna = Account::by_username(&mut conn, "anna").await?.context("anna is missing")?;
    let tuin = buurt::domain::groups::local(&mut conn, &state.settings, "tuin")
        .await
        .map_err(|e| anyhow::anyhow!("tuin: {e}"))?
        .context("the group tuin is missing")?;
    Ok((anna, tuin))
}

/// The remote people who write in the group: up to [`AUTHORS`] of them (id, ActivityPub id).
async fn remote_authors(state: &buurt::state::AppState) -> anyhow::Result<Vec<(i64, String)>> {
    use buurt::db::schema::actor;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = state.pool.get().await?;
    let c = &mut conn;
    let authors: Vec<(i64, String)> = buurt::dispatch!(c, c => actor::table
        .filter(actor::local.eq(false))
        .filter(actor::kind.eq("person"))
        .order(actor::id.asc())
        .select((actor::id, actor::ap_id))
        .limit(AUTHORS)
        .load(c)
        .await)?;
    if authors.is_empty() {
        anyhow::bail!("no remote people to write in the group");
    }
    Ok(authors)
}

/// A remote member's post in the group as the inbox stores it: public, `audience` the group,
/// a title for a thread starter, sanitized HTML, no Markdown source.
fn post_row(
    ap_id: &str,
    author: i64,
    title: Option<&str>,
    html: &str,
    in_reply_to: Option<&str>,
    published: impl std::fmt::Display,
    group: i64,
) -> String {
    use crate::growth::{q, ts};
    let opt = |v: Option<&str>| v.map_or("NULL".to_string(), q);
    format!(
        "({}, {author}, 'note', {}, {}, NULL, false, NULL, {}, NULL, 'public', false, false, {}, NULL, {group}, false, NULL, NULL)",
        q(ap_id),
        opt(title),
        q(html),
        opt(in_reply_to),
        ts(published),
    )
}

/// One INSERT of `rows` (from [`post_row`]) in its own transaction.
fn insert_posts(rows: &[String]) -> String {
    format!(
        "BEGIN;\nINSERT INTO post (ap_id, author_id, kind, name, content, summary, sensitive, language, in_reply_to, \
         url, visibility, local, deleted, published, updated_at, audience_id, locked, pinned_at, source) VALUES\n{};\nCOMMIT;",
        rows.join(",\n")
    )
}

async fn exec(state: &buurt::state::AppState, sql: &str) -> anyhow::Result<()> {
    crate::growth::exec(state, sql).await
}

/// Waits until the server has fanned out every activity in its outbox (its worker looks every
/// half second): what residents wrote in the group then reached the members it had.
async fn fanned_out(state: &buurt::state::AppState) -> anyhow::Result<()> {
    use buurt::db::schema::outbox_activity;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left: i64 = {
            let mut conn = state.pool.get().await?;
            let c = &mut conn;
            buurt::dispatch!(c, c => outbox_activity::table
                .filter(outbox_activity::fanned_out.eq(false))
                .count()
                .get_result(c)
                .await)?
        };
        if left == 0 {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            anyhow::bail!("{left} activities in the outbox not fanned out after 30 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Thread titles and texts of the remote members.
const TOPICS: &[(&str, &str)] = &[
    ("Tomaten in de kas: wie geeft water in de vakantie?", "Ik ben twee weken weg. Wie wil om de dag even kijken?"),
    ("Composthoek vol", "De bakken zitten vol. Zullen we zaterdag omzetten en de eerste bak zeven?"),
    ("Slakken!", "Mijn sla is weg. Tips zonder gif? Bierval, koffiedik, eendjes?"),
    ("Zaden ruilen", "Ik heb te veel zaad van Oost-Indische kers en goudsbloem. Wie ruilt?"),
    ("Bank bij de vijver kapot", "Een plank is gebroken. Heeft iemand hout en een accuboor?"),
    ("Bijenhotel bouwen met de kinderen", "Woensdagmiddag knutselen we een bijenhotel. Wie heeft riet of bamboe?"),
    ("Regenton lekt", "De kraan van de grote regenton druppelt. Nieuwe kraan kopen of afdichten?"),
    ("Appelboom snoeien", "Wanneer snoeien we de oude appelboom? Ik lees dat februari het beste is."),
];

/// Replies of the remote members.
const REPLIES: &[&str] = &[
    "Goed idee, ik doe mee.",
    "Ik kan helaas pas na vijf uur, maar dan kom ik langs.",
    "Bij de bouwmarkt aan de ring hebben ze het in de aanbieding.",
    "Mijn buurvrouw heeft er verstand van, ik vraag het haar.",
    "Dat hebben we vorig jaar ook gedaan en het werkte prima.",
    "Zullen we het op de volgende tuindag bespreken?",
    "Ik heb nog een en ander in de schuur staan, zeg het maar.",
];

pub const GROUP_PAGE: &str = "group page";
pub const THREADS_API: &str = "group threads API";
pub const THREAD_PAGE: &str = "group thread page";
pub const THREAD_JSON: &str = "group thread JSON";

/// Threads the API lists at most (`api::buurt::discussions`), and the group page.
const API_THREADS: usize = 50;
const PAGE_THREADS: usize = 30;

/// The group's endpoints `--endpoint` asks for, once the seed of `threads` threads
/// ([`seed_discussions`]) is seen through them: the group page (about, the members link, the
/// 30 threads on top), its threads in Buurt's API (50), the busiest thread's page and its first
/// post as `application/activity+json`, all anonymous.
pub async fn endpoints(
    ctx: &crate::Ctx,
    server: &crate::server::Server,
    threads: usize,
) -> anyhow::Result<Vec<crate::reads::Endpoint>> {
    use crate::reads::Endpoint;
    let wanted = |name: &str| ctx.endpoints.is_empty() || ctx.endpoints.iter().any(|n| name.to_lowercase().contains(n));
    if ![GROUP_PAGE, THREADS_API, THREAD_PAGE, THREAD_JSON].iter().any(|n| wanted(n)) {
        return Ok(Vec::new());
    }
    let api = "/api/buurt/v1/groups/tuin/threads";
    let listed: serde_json::Value = server.http.get(server.url(api)).send().await?.error_for_status()?.json().await?;
    let listed = listed.as_array().context("the threads API answers no list")?;
    let busiest = listed.iter().max_by_key(|t| t["replies_count"].as_i64().unwrap_or(0)).context("no threads")?;
    let seen = (
        listed.len(),
        listed.first().map(|t| t["pinned"] == true),
        listed.iter().any(|t| t["kind"] == "announcement"),
        busiest["replies_count"].as_i64(),
    );
    // `replies_count` counts direct replies: half of the remote members' and bram's two.
    let want = (threads.min(API_THREADS), Some(true), true, Some(BUSY_REPLIES.div_ceil(2) as i64 + 2));
    if seen != want {
        anyhow::bail!(
            "tuin's threads as the API lists them (count, first pinned, an announcement, most direct replies): {seen:?}, expected {want:?}"
        );
    }
    let busy = busiest["id"].as_str().context("a thread without id")?.to_string();
    let page = server.http.get(server.url("/g/tuin")).send().await?.error_for_status()?.text().await?;
    let shown = page.matches("class=\"threads__item\"").count();
    if shown != threads.min(PAGE_THREADS) {
        anyhow::bail!("the group page shows {shown} threads");
    }
    let json = Some("Accept: application/activity+json".to_string());
    let all = [
        Endpoint { name: GROUP_PAGE, path: "/g/tuin".into(), header: None, html: true },
        Endpoint { name: THREADS_API, path: api.into(), header: None, html: false },
        Endpoint { name: THREAD_PAGE, path: format!("/p/{busy}"), header: None, html: true },
        Endpoint { name: THREAD_JSON, path: format!("/p/{busy}"), header: json, html: false },
    ];
    Ok(all.into_iter().filter(|e| wanted(e.name)).collect())
}
