//! Static files embedded into the binary, served under a content hash with a long cache life.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::WebError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    /// The same body gzip-compressed by the build, for text assets.
    gzip: Option<&'static [u8]>,
}

/// A text asset and its gzip copy; `$body` is the path of the uncompressed file.
macro_rules! text_asset {
    ($name:literal, $content_type:literal, $body:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!($body),
            gzip: Some(include_bytes!(concat!(env!("OUT_DIR"), "/assets/", $name, ".gz"))),
        }
    };
}

const ASSETS: &[Asset] = &[
    text_asset!("buurt.css", "text/css; charset=utf-8", "../../static/buurt.css"),
    // Progressive enhancement of place lists into maps (ours), and the map library (npm, see
    // frontend/package.json; build.rs installs it).
    text_asset!("map.js", "text/javascript; charset=utf-8", "../../static/map.js"),
    text_asset!("leaflet.js", "text/javascript; charset=utf-8", concat!(env!("OUT_DIR"), "/assets/leaflet.js")),
    text_asset!("leaflet.css", "text/css; charset=utf-8", concat!(env!("OUT_DIR"), "/assets/leaflet.css")),
    // Shown for accounts without a picture (apps need some image URL).
    Asset {
        name: "avatar.png",
        content_type: "image/png",
        body: include_bytes!("../../static/avatar.png"),
        gzip: None,
    },
    Asset {
        name: "header.png",
        content_type: "image/png",
        body: include_bytes!("../../static/header.png"),
        gzip: None,
    },
];

/// `name` → `name-<hash>.ext`, computed once.
static HASHED: LazyLock<Vec<(String, &'static Asset)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let hash = crate::util::hex::hex(&Sha256::digest(a.body)[..6]);
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
pub use crate::state::OwnAsset;

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
    let hash = crate::util::hex::hex(&Sha256::digest(&body)[..6]);
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

/// `GET /static/{file}`: an embedded asset, gzip-compressed when the client takes that.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, WebError> {
    let (_, asset) = HASHED.iter().find(|(hashed, _)| *hashed == file).ok_or(WebError::NotFound)?;
    let cache = [(CONTENT_TYPE, asset.content_type), (CACHE_CONTROL, "public, max-age=31536000, immutable")];
    match asset.gzip {
        Some(gzip) if accepts_gzip(&headers) => {
            Ok((cache, [(CONTENT_ENCODING, "gzip"), (VARY, "accept-encoding")], gzip).into_response())
        }
        Some(_) => Ok((cache, [(VARY, "accept-encoding")], asset.body).into_response()),
        None => Ok((cache, asset.body).into_response()),
    }
}

/// Whether `Accept-Encoding` lists gzip (or `*`) with a quality above zero.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let quality = parts
            .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
            .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && quality > 0.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(value: &str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, value.parse().unwrap());
        accepts_gzip(&headers)
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        assert!(accepts("gzip, deflate, br"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("*"));
        assert!(!accepts("br"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("gzip;q=0.000, br"));
        assert!(!accepts("identity"));
    }
}
