//! The reads: signed GETs, the documents each server links to, and wrk against them.

use super::*;

/// Signed-GET headers (draft-cavage, as remote actor `reader{n}` of instance 0) for `url`. The
/// signature covers the path without the query: bovine rebuilds `(request-target)` that way.
pub(super) fn signed_get(remote: &Remote, url: &str, reader: usize) -> anyhow::Result<Vec<String>> {
    let mut parsed = url::Url::parse(url)?;
    parsed.set_query(None);
    let name = if reader == 0 { "reader".to_string() } else { format!("reader{reader}") };
    let key_id = format!("{}#main-key", remote.actor_url(0, &name));
    let headers = buurt::apub::signatures::sign(
        &Method::GET,
        &parsed,
        None,
        None,
        &key_id,
        remote.private_pem(),
        SystemTime::now(),
    )?;
    Ok(headers.into_iter().map(|(name, value)| format!("{name}: {value}")).collect())
}

/// GET `url` as JSON (signed when the server needs it; up to three signing actors).
pub(super) async fn get_json(target: &Target, remote: &Remote, url: &str, accept: &str) -> anyhow::Result<Value> {
    let mut attempt = 0;
    loop {
        let mut request = target.http.get(url).header("accept", accept);
        let reader = target.reader.load(std::sync::atomic::Ordering::Relaxed);
        if target.signs_reads() {
            for header in signed_get(remote, url, reader)? {
                if let Some((name, value)) = header.split_once(": ") {
                    request = request.header(name, value);
                }
            }
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if status == reqwest::StatusCode::UNAUTHORIZED && target.signs_reads() && attempt < 2 {
            eprintln!("   {}: GET {url} signed as reader{reader} refused (401); another key", target.kind.label());
            target.reader.store(reader + 1, std::sync::atomic::Ordering::Relaxed);
            attempt += 1;
            continue;
        }
        if !status.is_success() {
            bail!("GET {url}: {status} {}", text.chars().take(300).collect::<String>());
        }
        return serde_json::from_str(&text).with_context(|| format!("GET {url}: not JSON"));
    }
}

/// Waits (up to a minute) until `url` answers within 300 ms again: a slow server still works
/// through the requests wrk left queued, which would otherwise count against the next load.
pub(super) async fn settle(target: &Target, url: &str, headers: &[String]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mut request = target.http.get(url);
        for h in headers {
            if let Some((n, v)) = h.split_once(": ") {
                request = request.header(n, v);
            }
        }
        let t = tokio::time::Instant::now();
        let answered = request.send().await.is_ok();
        if (answered && t.elapsed() < Duration::from_millis(300)) || tokio::time::Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The NodeInfo document with the highest 2.x schema a `/.well-known/nodeinfo` lists: (version, href).
pub fn nodeinfo_href(discovery: &Value) -> Option<(String, String)> {
    let version_key = |v: &str| v.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<u32>>();
    discovery["links"]
        .as_array()?
        .iter()
        .filter_map(|link| {
            let version = link["rel"].as_str()?.strip_prefix("http://nodeinfo.diaspora.software/ns/schema/")?;
            version.starts_with("2.").then_some(())?;
            Some((version.to_string(), link["href"].as_str()?.to_string()))
        })
        .max_by_key(|(version, _)| version_key(version))
}

/// Where the first page of an outbox collection is.
#[derive(Debug, PartialEq, Eq)]
pub enum OutboxPage {
    /// At this URL (`first`, a link or an embedded page's id).
    First(String),
    /// The collection itself carries all its items (no `first`).
    Inline(usize),
}

pub fn outbox_page(collection: &Value) -> Option<OutboxPage> {
    match &collection["first"] {
        Value::String(url) => Some(OutboxPage::First(url.clone())),
        Value::Object(page) => page.get("id").and_then(Value::as_str).map(|id| OutboxPage::First(id.to_string())),
        _ => items_in(collection).map(OutboxPage::Inline),
    }
}

/// Number of items of a collection or page as served.
pub fn items_in(collection: &Value) -> Option<usize> {
    collection["orderedItems"].as_array().or_else(|| collection["items"].as_array()).map(Vec::len)
}

/// wrk against one endpoint.
pub(super) async fn wrk(args: &PeersArgs, url: &str, headers: &[String]) -> anyhow::Result<WrkResult> {
    let mut cmd = Command::new("wrk");
    // A 10 s timeout instead of wrk's 2 s: the slower servers' latencies are then measured
    // rather than counted as errors.
    cmd.args([
        "-t2",
        &format!("-c{}", args.connections),
        &format!("-d{}s", args.duration),
        "--latency",
        "--timeout",
        "10s",
    ]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let output = cmd.arg(url).output().await.context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    stats::parse_wrk(&text).with_context(|| format!("wrk output for {url}:\n{text}"))
}

/// The reads: actor JSON, WebFinger, NodeInfo and the first outbox page, each found through
/// the server's own documents and checked once before wrk runs.
pub(super) async fn reads(
    target: &Target,
    remote: &Remote,
    args: &PeersArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ReadFigure>> {
    let accept = "application/activity+json";
    let actor_doc = get_json(target, remote, &target.actor, accept).await?;
    let webfinger = format!("{}/.well-known/webfinger?resource=acct:{}@{}", target.base, target.user, target.domain);
    let discovery =
        get_json(target, remote, &format!("{}/.well-known/nodeinfo", target.base), "application/json").await?;
    let (version, nodeinfo) = nodeinfo_href(&discovery).context("no NodeInfo 2.x in /.well-known/nodeinfo")?;
    let outbox = actor_doc["outbox"].as_str().context("actor without outbox")?.to_string();
    let collection = get_json(target, remote, &outbox, accept).await?;
    let (page_url, items) = match outbox_page(&collection).context("outbox without first page or items")? {
        OutboxPage::First(url) => {
            let page = get_json(target, remote, &url, accept).await?;
            (url, items_in(&page).unwrap_or(0))
        }
        OutboxPage::Inline(n) => (outbox, n),
    };
    let path = |url: &str| url::Url::parse(url).map_or(url.to_string(), |u| u[url::Position::BeforePath..].to_string());
    notes.push(format!(
        "NodeInfo {version} at `{}`; outbox page `{}` with {items} items",
        path(&nodeinfo),
        path(&page_url)
    ));
    let endpoints = [
        (ENDPOINTS[0], target.actor.clone(), Some(accept), true),
        (ENDPOINTS[1], webfinger, None, false),
        (ENDPOINTS[2], nodeinfo, None, false),
        (ENDPOINTS[3], page_url, Some(accept), true),
    ];
    let mut out = Vec::new();
    for (name, url, accept, may_sign) in endpoints {
        let mut headers: Vec<String> = accept.map(|a| format!("Accept: {a}")).into_iter().collect();
        if may_sign && target.signs_reads() {
            headers.extend(signed_get(remote, &url, target.reader.load(std::sync::atomic::Ordering::Relaxed))?);
        }
        let mut check = target.http.get(&url);
        for h in &headers {
            if let Some((n, v)) = h.split_once(": ") {
                check = check.header(n, v);
            }
        }
        let status = check.send().await?.status();
        if !status.is_success() {
            bail!("{name} ({url}) answers {status}");
        }
        let result = wrk(args, &url, &headers).await?;
        settle(target, &url, &headers).await;
        eprintln!(
            "   {} {name}: {:.0}/s, p50 {}, p99 {}, {} errors",
            target.kind.label(),
            result.requests_per_sec,
            stats::ms(result.p50),
            stats::ms(result.p99),
            result.errors
        );
        out.push(ReadFigure { endpoint: name, wrk: result });
    }
    Ok(out)
}
