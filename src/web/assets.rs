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

/// A file of the organisation's (theme stylesheet, logo), read at start-up and served under a
/// content hash with a long cache life.
#[derive(Debug)]
pub struct OwnAsset {
    pub name: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// Reads `path` (the configuration `key` names it) as `stem-<hash>.<ext>`; `None` when empty.
pub fn load_own(key: &str, path: &str, stem: &str) -> anyhow::Result<Option<OwnAsset>> {
    if path.is_empty() {
        return Ok(None);
    }
    let body = std::fs::read(path).map_err(|e| anyhow::anyhow!("{key} {path}: {e}"))?;
    let ext = std::path::Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let content_type = match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => anyhow::bail!("{key} {path}: use a .css, .svg, .png, .jpg or .webp file"),
    };
    let hash = crate::domain::site::hex(&Sha256::digest(&body)[..6]);
    Ok(Some(OwnAsset { name: format!("{stem}-{hash}.{ext}"), content_type, body }))
}

/// `GET /eigen/{file}`: the organisation's theme or logo.
pub async fn serve_own(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let asset = [&state.theme, &state.logo].into_iter().flatten().find(|a| a.name == file).ok_or(WebError::NotFound)?;
    let headers = [(CONTENT_TYPE, asset.content_type), (CACHE_CONTROL, "public, max-age=31536000, immutable")];
    Ok((headers, asset.body.clone()).into_response())
}

pub async fn serve(Path(file): Path<String>) -> Result<Response, WebError> {
    let (_, asset) = HASHED.iter().find(|(hashed, _)| *hashed == file).ok_or(WebError::NotFound)?;
    Ok(([(CONTENT_TYPE, asset.content_type), (CACHE_CONTROL, "public, max-age=31536000, immutable")], asset.body)
        .into_response())
}
