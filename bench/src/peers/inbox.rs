//! The signed inbox load: activities of remote actors, sent concurrently, and waiting for them.

use super::*;

/// Activity `j` of remote actor `a` (URL `actor`) to `target` (an actor with handle `@mention`):
/// per ten, five Create(Note) addressed to and mentioning it, three Likes of distinct posts
/// (of `posts`), two Follows of it. `tag` makes the ids unique per server.
pub fn activity(actor: &str, a: usize, j: usize, tag: &str, target: &str, mention: &str, posts: &[String]) -> Value {
    let id = format!("{tag}-{a}-{j}");
    match j % 10 {
        0..5 => {
            let note = format!("{actor}/statuses/{id}");
            let cc = [target.to_string(), format!("{actor}/followers")];
            json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{note}/activity"),
                "type": "Create",
                "actor": actor,
                "to": [PUBLIC],
                "cc": cc,
                "object": {
                    "id": note,
                    "type": "Note",
                    "attributedTo": actor,
                    "content": format!("<p><span class=\"h-card\"><a href=\"{target}\" class=\"u-url mention\">{mention}</a></span> Zullen we zaterdag samen de geveltuintjes doen? Ik neem de schoffels mee. ({id})</p>"),
                    "published": "2026-11-29T10:00:00Z",
                    "to": [PUBLIC],
                    "cc": cc,
                    "tag": [{"type": "Mention", "href": target, "name": mention}],
                },
            })
        }
        5..8 => {
            let like = (j / 10) * 3 + (j % 10 - 5);
            let post = posts.get((a + like) % posts.len().max(1)).map_or("", String::as_str);
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{actor}/likes/{id}"),
                "type": "Like", "actor": actor, "object": post})
        }
        _ => json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{actor}/follows/{id}"),
            "type": "Follow", "actor": actor, "object": target}),
    }
}

/// Polls until `remote` has counted `n` deliveries of `kind` (ignoring refusals, unlike
/// `Remote::wait_for`); false after `timeout`.
pub(super) async fn wait_count(remote: &Remote, kind: &str, n: usize, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while remote.count(kind) < n {
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

/// Polls `target.processed` until it reaches `n`; the count reached and whether in time.
pub(super) async fn wait_processed(
    target: &Target,
    inbox: &str,
    n: usize,
    timeout: Duration,
) -> anyhow::Result<(usize, bool)> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let Some(count) = target.processed(inbox).await? else { return Ok((n, true)) };
        if count >= n {
            return Ok((count, true));
        }
        if tokio::time::Instant::now() > deadline {
            return Ok((count, false));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The inbox load: one Follow per actor first (each server fetches and caches every actor's
/// key), then the timed activities, signed beforehand, by concurrent senders.
pub(super) async fn inbox(
    target: &Target,
    remote: &Remote,
    args: &PeersArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<InboxFigures> {
    let actor_doc = get_json(target, remote, &target.actor, "application/activity+json").await?;
    let personal = actor_doc["inbox"].as_str().context("actor without inbox")?.to_string();
    let shared = actor_doc["endpoints"]["sharedInbox"].as_str().map(str::to_string);
    notes.push(match &shared {
        Some(_) => "activities alternately to the shared and the personal inbox".to_string(),
        None => "no shared inbox: all activities to the personal inbox".to_string(),
    });
    let mention = format!("@{}@{}", target.user, target.domain);
    let tag = target.kind.tag();
    // Accepts from this server are verified with its key.
    remote.set_buurt(&target.base);
    let accepts_before = remote.count("Accept");
    let processed_before = target.processed(&personal).await?.unwrap_or(0);

    let warm = (0..args.actors)
        .map(|a| {
            let actor = actor_of(remote, a);
            let body = json!({"@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{actor}/follows/warm-{tag}"), "type": "Follow", "actor": actor, "object": target.actor});
            (personal.clone(), actor, body.to_string().into_bytes())
        })
        .collect();
    let pem = remote.private_pem().to_string();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&pem, warm)).await??;
    let (sent, _) = remote::send_all(&target.http, Arc::new(signed), 16).await;
    if let Some(bad) = sent.iter().find(|s| !s.status.is_some_and(|c| (200..300).contains(&c))) {
        bail!("warm-up Follow answered {:?}:\n{}", bad.status, target.log_tail());
    }
    let (count, done) =
        wait_processed(target, &personal, processed_before + args.actors, Duration::from_secs(300)).await?;
    if !done {
        bail!("warm-up: {count} of {} Follows processed:\n{}", processed_before + args.actors, target.log_tail());
    }
    // Buurt and the Fedify peer accept Follows; let those Accepts go out before timing.
    if target.kind != Kind::Peer(PeerKind::Bovine)
        && !wait_count(remote, "Accept", accepts_before + args.actors, Duration::from_secs(120)).await
    {
        eprintln!(
            "   {}: {} of {} Accepts of the warm-up arrived ({} refused by the receiver)",
            target.kind.label(),
            remote.count("Accept") - accepts_before,
            args.actors,
            remote.rejected()
        );
    }
    let processed_before = target.processed(&personal).await?.unwrap_or(0);

    let requests: Vec<(String, String, Vec<u8>)> = (0..args.activities)
        .map(|k| {
            let (a, j) = (k % args.actors, k / args.actors);
            let actor = actor_of(remote, a);
            let body = activity(&actor, a, j, tag, &target.actor, &mention, &target.posts);
            let inbox = match &shared {
                Some(s) if k.is_multiple_of(2) => s.clone(),
                _ => personal.clone(),
            };
            (inbox, actor, body.to_string().into_bytes())
        })
        .collect();
    let pem = remote.private_pem().to_string();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&pem, requests)).await??;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
    let started = tokio::time::Instant::now();
    let (sent, wall) = remote::send_all(&client, Arc::new(signed), args.senders).await;
    let ok = |s: &remote::Sent| s.status.is_some_and(|c| (200..300).contains(&c));
    let failed = sent.iter().filter(|s| !ok(s)).count();
    let mut statuses = BTreeMap::new();
    for s in &sent {
        *statuses.entry(s.status.map_or("error".to_string(), |c| c.to_string())).or_insert(0) += 1;
    }
    if failed > 0 {
        eprintln!("   {}: {failed} activities not accepted: {statuses:?}\n{}", target.kind.label(), target.log_tail());
    }
    let accepted = args.activities - failed;
    let (processed, done) =
        wait_processed(target, &personal, processed_before + accepted, Duration::from_secs(1200)).await?;
    let processed_after = done.then(|| started.elapsed().max(wall));
    let (rss_kib, hwm_kib) = tree_memory(target.pid()?)?;
    let mut latencies: Vec<Duration> = sent.iter().map(|s| s.latency).collect();
    latencies.sort();
    let figures = InboxFigures {
        activities: args.activities,
        per_sec: accepted as f64 / wall.as_secs_f64(),
        p50: stats::percentile(&latencies, 50.0).unwrap_or_default(),
        p99: stats::percentile(&latencies, 99.0).unwrap_or_default(),
        failed,
        statuses,
        processed_after,
        processed: processed.saturating_sub(processed_before),
        rss_kib,
        hwm_kib,
    };
    eprintln!(
        "   {} inbox: {:.0}/s, p50 {}, p99 {}, {failed} not 2xx, processed after {}",
        target.kind.label(),
        figures.per_sec,
        stats::ms(figures.p50),
        stats::ms(figures.p99),
        figures.processed_after.map_or("(not all)".to_string(), |d| format!("{:.1} s", d.as_secs_f64()))
    );
    Ok(figures)
}
