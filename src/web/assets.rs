//! Static files embedded into the binary, served under a content hash with a long cache life.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::WebError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "buurt.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/buurt.css"),
    },
    // Shown for accounts without a picture (apps need some image URL).
    Asset { name: "avatar.png", content_type: "image/png", body: include_bytes!("../../static/avatar.png") },
    Asset { name: "header.png", content_type: "image/png", body: include_bytes!("../../static/header.png") },
];

/// `name` → `name-<hash>.ext`, computed once.
static HASHED: LazyLock<Vec<(String, &'static Asset)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let hash = crate::domain::site::hex(&Sha256::digest(a.body)[..6]);
            let (stem, ext) = a.name.rsplit_once('.').unwrap_or((a.name, ""));
            (format!("{stem}-{hash}.{ext}"), a)
        })
        .collect()
});

/// The URL under which an asset is served, e.g. `/static/buurt-1a2b3c4d5e6f.css`.
pub fn url(name: &str) -> String {
    HASHED
        .iter()
        .find(|(_, a)| a.name == name)
        .map_or_else(|| format!("/static/{name}"), |(hashed, _)| format!("/static/{hashed}"))
}

/// Reads the theme file at start-up: `(served name, css)`, or `None` when none is configured.
pub fn load_theme(path: &str) -> anyhow::Result<Option<(String, String)>> {
    if path.is_empty() {
        return Ok(None);
    }
    let css = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("instance.theme_file {path}: {e}"))?;
    let hash = crate::domain::site::hex(&Sha256::digest(css.as_bytes())[..6]);
    Ok(Some((format!("theme-{hash}.css"), css)))
}

/// `GET /theme/{file}`: the organisation's theme under its content hash.
pub async fn serve_theme(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let theme = state.theme.as_ref().filter(|t| t.0 == file).ok_or(WebError::NotFound)?;
    Ok((
        [(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=31536000, immutable")],
        theme.1.clone(),
    )
        .into_response())
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, WebError> {
    let (_, asset) = HASHED.iter().find(|(hashed, _)| *hashed == file).ok_or(WebError::NotFound)?;
    Ok(([(CONTENT_TYPE, asset.content_type), (CACHE_CONTROL, "public, max-age=31536000, immutable")], asset.body)
        .into_response())
}
