//! Other servers: which software each runs, read from its NodeInfo once when it is first seen.
//! A group's replies go only to followers on group-aware software (FEP-1b12), which this tells.

use serde_json::Value;

use crate::db::models::instance::Instance;
use crate::jobs::{JobError, Running};
use crate::state::AppState;

/// The job that reads a server's NodeInfo; its payload is the server's domain.
pub const NODEINFO_JOB: &str = "instance_nodeinfo";

/// Largest NodeInfo document read.
const MAX_NODEINFO_BYTES: usize = 64 * 1024;

/// The job that reads a newly seen server's software (once per domain).
pub fn nodeinfo_job(domain: &str) -> crate::jobs::NewJob {
    crate::jobs::NewJob::new(NODEINFO_JOB, &domain).unique(format!("nodeinfo:{domain}"))
}

/// Reads `/.well-known/nodeinfo` and the document it links (2.1 or 2.0), and stores the
/// software's name and version.
pub async fn read_nodeinfo(state: AppState, job: Running) -> Result<(), JobError> {
    let domain: String = job.payload()?;
    let scheme = if state.settings.federation.allow_http { "http" } else { "https" };
    let index = get_json(&state, &format!("{scheme}://{domain}/.well-known/nodeinfo")).await?;
    let href = index["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["rel"].as_str().is_some_and(|r| r.contains("nodeinfo.diaspora.software/ns/schema/2.")))
        .filter_map(|l| l["href"].as_str())
        .next_back()
        .ok_or_else(|| JobError::Fail("no NodeInfo 2.x link".into()))?
        .to_string();
    let same_host = url::Url::parse(&href).ok().and_then(|u| u.host_str().map(str::to_string));
    if same_host.is_none_or(|h| domain.split(':').next() != Some(h.as_str())) {
        return Err(JobError::Fail("NodeInfo on another host".into()));
    }
    let document = get_json(&state, &href).await?;
    let text = |v: &Value| v.as_str().map(|s| crate::util::html::truncate(&s.to_ascii_lowercase(), 100));
    let name = text(&document["software"]["name"]).ok_or_else(|| JobError::Fail("NodeInfo without software".into()))?;
    let version = text(&document["software"]["version"]);
    let mut conn = state.pool.write().await?;
    Instance::set_software(&mut conn, &domain, &name, version.as_deref()).await?;
    tracing::debug!(domain, software = name, "read NodeInfo");
    Ok(())
}

async fn get_json(state: &AppState, url: &str) -> Result<Value, JobError> {
    let parsed = url::Url::parse(url).map_err(|e| JobError::Fail(e.to_string()))?;
    if !crate::apub::address_allowed(&state.settings, &parsed) {
        return Err(JobError::Fail("address not allowed".into()));
    }
    let response = state
        .http
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
    let status = response.status();
    if status.is_client_error() {
        // No NodeInfo there: not asked again until an actor of it is fetched anew.
        return Err(JobError::Fail(format!("{url}: {status}")));
    }
    if !status.is_success() {
        return Err(JobError::Retry(format!("{url}: {status}")));
    }
    let body = crate::apub::read_capped(response, MAX_NODEINFO_BYTES)
        .await
        .map_err(|e| JobError::Fail(format!("{url}: {e:?}")))?;
    serde_json::from_slice(&body).map_err(|e| JobError::Fail(format!("{url}: {e}")))
}
