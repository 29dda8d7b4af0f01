//! A thread as visitors and apps read it: the post page of a post with 20 replies (ten
//! answers, each answered once) and its `statuses/:id/context`, both anonymous, so the public
//! cache may serve them. `reads` and `growth` measure them beside their other endpoints
//! (`--endpoint "thread page"`, `--endpoint "status context"`).

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::Ctx;
use crate::reads::Endpoint;
use crate::server::Server;

pub const PAGE: &str = "thread page";
pub const CONTEXT: &str = "status context";

/// Replies in the thread.
const REPLIES: usize = 20;

fn wanted(ctx: &Ctx, name: &str) -> bool {
    ctx.endpoints.is_empty() || ctx.endpoints.iter().any(|n| name.to_lowercase().contains(n))
}

/// Seeds the thread — written by residents of their own, who have no followers, so nothing
/// is delivered while it is read — and returns the endpoints `--endpoint` asks for.
pub async fn endpoints(ctx: &Ctx, server: &Server) -> anyhow::Result<Vec<Endpoint>> {
    let (page, context) = (wanted(ctx, PAGE), wanted(ctx, CONTEXT));
    if !page && !context {
        return Ok(Vec::new());
    }
    let state = server.admin_state().await?;
    let names: Vec<String> = (0..4).map(|i| format!("draad{i}")).collect();
    let mut tokens = Vec::new();
    for name in &names {
        tokens.push(server.seed_people(&state, std::slice::from_ref(name)).await?);
    }
    state.pool.close();
    let root = reply(server, &tokens[0], "Wie weet een goede fietsenmaker in de buurt?", None).await?;
    let mut last = root.clone();
    for i in 0..REPLIES {
        // Ten answers to the post, each answered once: a thread two levels deep.
        let to = if i % 2 == 0 { root.clone() } else { last.clone() };
        let token = &tokens[1 + i % 3];
        last =
            reply(server, token, &format!("Antwoord {i}: die aan het plein is goed en niet duur."), Some(&to)).await?;
    }
    let context_path = format!("/api/v1/statuses/{root}/context");
    let found: Value = server.http.get(server.url(&context_path)).send().await?.error_for_status()?.json().await?;
    let below = found["descendants"].as_array().map_or(0, Vec::len);
    if below != REPLIES {
        bail!("the thread shows {below} of its {REPLIES} replies");
    }
    let mut out = Vec::new();
    if page {
        out.push(Endpoint { name: PAGE, path: format!("/p/{root}"), header: None, html: true });
    }
    if context {
        out.push(Endpoint { name: CONTEXT, path: context_path, header: None, html: false });
    }
    Ok(out)
}

/// Posts a public status, a reply when `to` is given; its id.
pub(crate) async fn reply(server: &Server, token: &str, text: &str, to: Option<&str>) -> anyhow::Result<String> {
    let mut body = json!({"status": text, "visibility": "public"});
    if let Some(to) = to {
        body["in_reply_to_id"] = json!(to);
    }
    let response = server.http.post(server.url("/api/v1/statuses")).bearer_auth(token).json(&body).send().await?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        bail!("posting to the thread: {status} {text}");
    }
    let posted: Value = serde_json::from_str(&text)?;
    Ok(posted["id"].as_str().context("a status without id")?.to_string())
}
