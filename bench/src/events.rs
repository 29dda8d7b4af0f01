//! Events in `reads` and `growth`: anna's group "tuin" makes events through Buurt's own domain
//! operation (each an actor with a place, announced to the group's followers), and `growth`
//! adds `size` more as rows (events of a remote organiser, spread over the coming three years,
//! as the inbox stores them). Measured anonymously with the public cache on: an event's page and
//! its `Event` document, the instance's agenda page and iCalendar feed, and Buurt's events API.

use anyhow::Context;

use crate::growth::{exec, q, ts};
use crate::reads::Endpoint;

pub const EVENT_PAGE: &str = "event page";
pub const EVENT_JSON: &str = "event JSON";
pub const AGENDA_PAGE: &str = "agenda page";
pub const AGENDA_ICS: &str = "agenda iCalendar";
pub const EVENTS_API: &str = "events API";

/// Events the group makes in `reads`.
pub const MADE: usize = 30;

/// `count` events of the group "tuin" made by anna, one a day from tomorrow, each with a place;
/// every third with seats.
pub async fn seed_made(state: &buurt::state::AppState, count: usize) -> anyhow::Result<()> {
    use buurt::db::models::local_user::Account;
    use buurt::domain::events::{self, EventInput};
    let anna = {
        let mut conn = state.pool.get().await?;
        Account::by_username(&mut conn, "anna").await?.context("anna is missing")?
    };
    let now = buurt::db::now();
    for i in 0..count {
        let day = (now + std::time::Duration::from_secs(86_400 * (1 + i as u64))).date();
        let input = EventInput {
            title: format!("Tuindag {i}: snoeien en zaaien"),
            description: "We snoeien de **appelboom**, zaaien bloemen voor de bijen en drinken koffie.\n\n- handschoenen mee\n- gereedschap is er".into(),
            starts: format!("{day}T10:00"),
            ends: format!("{day}T13:00"),
            place_name: "Buurttuin achter het buurthuis".into(),
            street_address: format!("Tuinstraat {}", i + 1),
            postal_code: "1091 AA".into(),
            locality: "Amsterdam".into(),
            latitude: "52.3596".into(),
            longitude: "4.917".into(),
            category: "nature".into(),
            capacity: if i % 3 == 0 { "25".into() } else { String::new() },
            accessibility: vec!["wheelchair".into(), "seating".into()],
            ..Default::default()
        };
        events::create(state, &anna, "tuin", &input).await.map_err(|e| anyhow::anyhow!("event {i}: {e}"))?;
    }
    Ok(())
}

/// `count` events of a remote organiser, stored as rows (as the inbox keeps them), spread over
/// the coming three years and the past year.
pub async fn seed_rows(state: &buurt::state::AppState, count: usize) -> anyhow::Result<()> {
    let organiser = {
        let mut conn = state.pool.get().await?;
        buurt::domain::actors::local_by_name(&mut conn, &state.settings, "tuin").await?.context("tuin is missing")?.id.0
    };
    let now = buurt::db::now();
    let span_minutes = 4 * 365 * 24 * 60;
    for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
        let mut sql = String::from(
            "BEGIN;\nINSERT INTO event (ap_id, actor_id, local, url, organiser_id, group_id, created_by, title, content, source, \
             starts_at, ends_at, timezone, all_day, place_id, online_url, category, image_url, image_alt, capacity, join_mode, \
             external_url, status, accessibility, accessibility_note, price, guests_allowed, participant_count, published, updated_at) VALUES\n",
        );
        let rows: Vec<String> = chunk
            .iter()
            .map(|&i| {
                // Evenly over [-1 year, +3 years).
                let offset = (i as i64 * span_minutes / count.max(1) as i64) - 365 * 24 * 60;
                let minutes = std::time::Duration::from_secs(60 * offset.unsigned_abs());
                let start = if offset < 0 { now - minutes } else { now + minutes };
                let end = start + std::time::Duration::from_secs(2 * 3600);
                format!(
                    "({}, NULL, false, NULL, {organiser}, {organiser}, NULL, {}, {}, '', {}, {}, 'Europe/Amsterdam', false, NULL, \
                     'https://meet.growth.test/r', 'social', NULL, '', NULL, 'free', NULL, 'confirmed', '', '', '', false, 0, {}, {})",
                    q(&format!("https://elders.growth.test/events/{i}")),
                    q(&format!("Bijeenkomst {i}")),
                    q("<p>Een bijeenkomst van elders.</p>"),
                    ts(start),
                    ts(end),
                    ts(now),
                    ts(now),
                )
            })
            .collect();
        sql.push_str(&rows.join(",\n"));
        sql.push_str(";\nCOMMIT;");
        exec(state, &sql).await?;
    }
    Ok(())
}

/// The endpoints `--endpoint` asks for, once the made events are seen through the API.
pub async fn endpoints(ctx: &crate::Ctx, server: &crate::server::Server) -> anyhow::Result<Vec<Endpoint>> {
    let wanted = |name: &str| ctx.endpoints.is_empty() || ctx.endpoints.iter().any(|n| name.to_lowercase().contains(n));
    if ![EVENT_PAGE, EVENT_JSON, AGENDA_PAGE, AGENDA_ICS, EVENTS_API].iter().any(|n| wanted(n)) {
        return Ok(Vec::new());
    }
    let listed: serde_json::Value =
        server.http.get(server.url("/api/buurt/v1/events?group=tuin")).send().await?.error_for_status()?.json().await?;
    let listed = listed.as_array().context("the events API answers no list")?;
    let first = listed.iter().find(|e| e["local"] == true).context("no event of tuin listed")?;
    let path = first["url"].as_str().context("an event without url")?.split_once("/e/").context("not ours")?.1;
    let path = format!("/e/{path}");
    let page = server.http.get(server.url(&path)).send().await?.error_for_status()?.text().await?;
    if !page.contains("Tuindag") {
        anyhow::bail!("the event page does not show the event");
    }
    let json = Some("Accept: application/activity+json".to_string());
    let all = [
        Endpoint { name: EVENT_PAGE, path: path.clone(), header: None, html: true },
        Endpoint { name: EVENT_JSON, path, header: json, html: false },
        Endpoint { name: AGENDA_PAGE, path: "/activiteiten".into(), header: None, html: true },
        Endpoint { name: AGENDA_ICS, path: "/activiteiten.ics".into(), header: None, html: false },
        Endpoint { name: EVENTS_API, path: "/api/buurt/v1/events".into(), header: None, html: false },
    ];
    Ok(all.into_iter().filter(|e| wanted(e.name)).collect())
}

/// The seat race: `joins` residents answer "going" at once to an event with `seats` seats.
pub struct RaceResult {
    pub backend: crate::server::Backend,
    pub joins: usize,
    pub seats: usize,
    pub going: usize,
    pub waiting: usize,
    /// All answers, first to last.
    pub took: std::time::Duration,
    /// After 10 of those going left, the 10 first in line had their seats.
    pub in_order: bool,
}

impl RaceResult {
    pub fn row(&self) -> String {
        let exact = self.going == self.seats && self.waiting == self.joins - self.seats && self.in_order;
        format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            self.backend.label(),
            self.joins,
            self.seats,
            self.going,
            self.waiting,
            if self.in_order { "yes" } else { "no" },
            crate::stats::ms(self.took),
            if exact { "✅" } else { "❌" },
        )
    }

    pub const HEADER: &'static str = "| backend | answers at once | seats | going | waiting | waiting list moved up in order | all answers | exact |\n|---|---|---|---|---|---|---|---|";
}

/// `joins` residents (seeded as rows) answer "going" to one event with `seats` seats, all at
/// once through `domain::events::rsvp::answer` on a pool of the server's database; then 10 of
/// those going leave and the 10 first in line must have moved up.
pub async fn race(
    ctx: &crate::Ctx,
    backend: crate::server::Backend,
    joins: usize,
    seats: usize,
) -> anyhow::Result<RaceResult> {
    use buurt::db::models::event_participant::{Participant, Rsvp};
    use buurt::db::models::local_user::Account;
    use buurt::domain::events::{self, EventInput, rsvp};
    eprintln!("== {joins} answers at once to {seats} seats on {}", backend.label());
    let server = crate::server::Server::start(ctx, backend).await?;
    let state = server.admin_state().await?;
    server.seed_people(&state, &["anna".to_string()]).await?;
    let domain = state.settings.instance.domain.clone();
    let base = state.base_url.to_string();
    let now = buurt::db::now();
    for start in (0..joins).step_by(1000) {
        let (lo, hi) = (start, (start + 1000).min(joins));
        let actors: Vec<String> = (lo..hi)
            .map(|i| {
                format!(
                    "('{base}/u/gast{i}', 'person', 'gast{i}', 'gast{i}', '{domain}', 'Gast {i}', '', NULL, NULL, \
                     '{base}/u/gast{i}/inbox', '{base}/inbox', NULL, '{base}/u/gast{i}/followers', NULL, NULL, \
                     false, true, true, false, NULL, '{now}', '{now}', NULL, NULL, NULL)"
                )
            })
            .collect();
        let names: Vec<String> = (lo..hi).map(|i| format!("'gast{i}'")).collect();
        let sql = format!(
            "BEGIN;\n\
             INSERT INTO actor (ap_id, kind, username, name_key, domain, display_name, summary, url, icon_url, \
             inbox_url, shared_inbox_url, outbox_url, followers_url, public_key, private_key, \
             manually_approves_followers, discoverable, local, deleted, instance_id, published, updated_at, \
             last_fetched_at, image_url, place_id) VALUES\n{};\n\
             INSERT INTO local_user (actor_id, email, password_hash, role, status, language, registration_reason, \
             invite_id, created_at, updated_at, last_login_at, email_confirmed_at) \
             SELECT id, name_key || '@bench.example', 'x', 'member', 'active', NULL, NULL, NULL, published, published, \
             NULL, published FROM actor WHERE local AND name_key IN ({});\n\
             COMMIT;",
            actors.join(",\n"),
            names.join(", "),
        );
        exec(&state, &sql).await?;
    }
    let (anna, people) = {
        let mut conn = state.pool.get().await?;
        let anna = Account::by_username(&mut conn, "anna").await?.context("anna is missing")?;
        let mut people = Vec::with_capacity(joins);
        for i in 0..joins {
            people.push(Account::by_username(&mut conn, &format!("gast{i}")).await?.context("a guest is missing")?);
        }
        (anna, people)
    };
    let day = (now + std::time::Duration::from_secs(7 * 86_400)).date();
    let input = EventInput {
        title: "Buurtconcert".into(),
        starts: format!("{day}T20:00"),
        place_name: "Het park".into(),
        capacity: seats.to_string(),
        ..Default::default()
    };
    let event = events::create(&state, &anna, "", &input).await.map_err(|e| anyhow::anyhow!("event: {e}"))?.event.id;
    let started = tokio::time::Instant::now();
    let tasks: Vec<_> = people
        .iter()
        .cloned()
        .map(|p| {
            let state = state.clone();
            tokio::spawn(async move { rsvp::answer(&state, &p, event, "going", "").await })
        })
        .collect();
    for t in tasks {
        t.await?.map_err(|e| anyhow::anyhow!("answer: {e}"))?;
    }
    let took = started.elapsed();
    let mut conn = state.pool.get().await?;
    let going = Participant::count(&mut conn, event, Rsvp::Going).await? as usize;
    let waiting = Participant::list(&mut conn, event, &[Rsvp::Waiting], 100_000).await?;
    drop(conn);
    let first_in_line: Vec<_> = waiting.iter().take(10).map(|(p, _)| p.actor_id).collect();
    let leaving: Vec<_> = {
        let mut conn = state.pool.get().await?;
        Participant::list(&mut conn, event, &[Rsvp::Going], 10).await?.into_iter().map(|(p, _)| p.actor_id).collect()
    };
    for who in leaving {
        let p = people.iter().find(|p| Some(p.actor.id) == who).context("a leaver")?;
        rsvp::answer(&state, p, event, "not_going", "").await.map_err(|e| anyhow::anyhow!("leave: {e}"))?;
    }
    let mut conn = state.pool.get().await?;
    let now_going: Vec<_> = Participant::list(&mut conn, event, &[Rsvp::Going], 100_000)
        .await?
        .into_iter()
        .map(|(p, _)| p.actor_id)
        .collect();
    let in_order = first_in_line.iter().all(|a| now_going.contains(a)) && now_going.len() == seats;
    drop(conn);
    eprintln!("   {going} going, {} waiting, in {}", waiting.len(), crate::stats::ms(took));
    state.pool.close();
    server.stop().await?;
    Ok(RaceResult { backend, joins, seats, going, waiting: waiting.len(), took, in_order })
}
