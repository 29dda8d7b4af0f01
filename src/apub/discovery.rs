//! Discovery: WebFinger, NodeInfo 2.0/2.1 and host-meta.

use axum::extract::{Query, State};
use axum::http::header::{ACCEPT, ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::ApubError;
use crate::config::RegistrationMode;
use crate::db::models::actor::{Actor, ActorKind};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct WebfingerQuery {
    #[serde(default)]
    resource: String,
}

/// Why a WebFinger lookup fails: 400 for a resource we cannot read, 404 for one we do not have.
fn webfinger_error(status: StatusCode, message: &str) -> Response {
    (status, [(ACCESS_CONTROL_ALLOW_ORIGIN, "*")], axum::Json(json!({"error": message}))).into_response()
}

/// `GET /.well-known/webfinger?resource=acct:name@domain` (or the actor's URL).
pub async fn webfinger(State(state): State<AppState>, Query(q): Query<WebfingerQuery>) -> Response {
    let domain = state.settings.instance.domain.as_str();
    let resource = q.resource.trim();
    let name = if let Some(acct) = resource.strip_prefix("acct:") {
        let acct = acct.trim_start_matches('@');
        match acct.rsplit_once('@') {
            Some((name, host)) if !name.is_empty() && host.eq_ignore_ascii_case(domain) => name.to_string(),
            Some((name, _)) if !name.is_empty() => {
                return webfinger_error(StatusCode::NOT_FOUND, "not a local account");
            }
            _ => return webfinger_error(StatusCode::BAD_REQUEST, "resource must be acct:name@domain"),
        }
    } else if let Ok(url) = url::Url::parse(resource) {
        if !matches!(url.scheme(), "http" | "https") {
            return webfinger_error(StatusCode::BAD_REQUEST, "resource must be acct:name@domain or an http(s) URL");
        }
        let lookup = async {
            let mut conn = state.pool.get().await?;
            Actor::by_ap_id(&mut conn, url.as_str()).await
        };
        match lookup.await {
            Ok(Some(actor)) if actor.local && !actor.deleted => actor.username,
            Ok(_) => return webfinger_error(StatusCode::NOT_FOUND, "no such actor"),
            Err(e) => return ApubError::from(e).into_response(),
        }
    } else {
        return webfinger_error(StatusCode::BAD_REQUEST, "resource must be acct:name@domain or an http(s) URL");
    };
    let found = async {
        let mut conn = state.pool.get().await?;
        Actor::by_name(&mut conn, &name, domain).await
    };
    let actor = match found.await {
        Ok(Some(actor)) if actor.local && !actor.deleted => actor,
        Ok(_) => return webfinger_error(StatusCode::NOT_FOUND, "no such actor"),
        Err(e) => return ApubError::from(e).into_response(),
    };
    let mut links = vec![
        json!({"rel": "self", "type": super::ACTIVITY_JSON, "href": actor.ap_id}),
        json!({"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": actor.url.clone().unwrap_or(actor.ap_id.clone())}),
    ];
    if actor.kind() != ActorKind::Application {
        links.push(json!({"rel": "http://ostatus.org/schema/1.0/subscribe", "template": format!("{}/authorize_interaction?uri={{uri}}", state.base_url)}));
    }
    let body = json!({
        "subject": format!("acct:{}@{}", actor.username, domain),
        "aliases": [actor.ap_id],
        "links": links,
    });
    let response =
        ([(CONTENT_TYPE, "application/jrd+json; charset=utf-8"), (ACCESS_CONTROL_ALLOW_ORIGIN, "*")], body.to_string());
    crate::public_cache::shareable(response.into_response())
}

/// `GET /.well-known/nodeinfo`: where the NodeInfo documents are.
pub async fn nodeinfo_links(State(state): State<AppState>) -> Response {
    let base = &state.base_url;
    (
        [(ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        axum::Json(json!({"links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": format!("{base}/nodeinfo/2.0")},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": format!("{base}/nodeinfo/2.1")},
        ]})),
    )
        .into_response()
}

/// `GET /nodeinfo/2.0` and `/nodeinfo/2.1` with real usage counts.
pub async fn nodeinfo(
    State(state): State<AppState>,
    axum::extract::Path(version): axum::extract::Path<String>,
) -> Response {
    if version != "2.0" && version != "2.1" {
        return ApubError::NotFound.into_response();
    }
    let usage = match crate::domain::stats::usage(&state.pool).await {
        Ok(u) => u,
        Err(e) => return ApubError::from(e).into_response(),
    };
    let mut software = json!({"name": "buurt", "version": env!("CARGO_PKG_VERSION")});
    if version == "2.1" {
        software["homepage"] = json!(state.base_url.to_string());
    }
    let body = json!({
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": matches!(state.runtime.registration(), RegistrationMode::Open | RegistrationMode::Approval),
        "usage": {
            "users": {"total": usage.users, "activeMonth": usage.active_month, "activeHalfyear": usage.active_halfyear},
            "localPosts": usage.local_posts,
        },
        "metadata": {"nodeName": state.settings.instance.name, "nodeDescription": state.runtime.current().description},
    });
    let content_type =
        format!("application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\"; charset=utf-8");
    let response = ([(CONTENT_TYPE, content_type.as_str()), (ACCESS_CONTROL_ALLOW_ORIGIN, "*")], body.to_string());
    crate::public_cache::shareable(response.into_response())
}

/// `GET /.well-known/host-meta`: XRD (or JSON when asked) pointing at WebFinger.
pub async fn host_meta(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let template = format!("{}/.well-known/webfinger?resource={{uri}}", state.base_url);
    let wants_json = headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("json"));
    if wants_json {
        return (
            [(ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
            axum::Json(json!({"links": [{"rel": "lrdd", "template": template}]})),
        )
            .into_response();
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  <Link rel=\"lrdd\" template=\"{template}\"/>\n</XRD>\n"
    );
    ([(CONTENT_TYPE, "application/xrd+xml; charset=utf-8"), (ACCESS_CONTROL_ALLOW_ORIGIN, "*")], xml).into_response()
}
