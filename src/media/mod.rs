//! Images: processing uploads (`process`), keeping the files (`storage`), serving them and
//! proxying images of other servers (`http`), and how an image is shown and federated.

pub mod process;
pub mod storage;

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::RemoteMedia;
use crate::db::models::media::Media;
use crate::util::hex::{hex, unhex};

/// `Cache-Control` of stored files: a key never gets other content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Most photos on one post.
pub const MAX_ATTACHMENTS: usize = 4;
/// Longest alt text, in characters (Mastodon's limit).
pub const MAX_DESCRIPTION: usize = 1500;

/// Storage, the cache of proxied remote images, and what links to images need.
pub struct MediaService {
    pub storage: storage::Storage,
    /// Proxied images by URL: (content type, bytes).
    pub proxy_cache: moka::sync::Cache<String, (String, axum::body::Bytes)>,
    /// This instance's URL, for links to the image proxy.
    base_url: String,
    /// The site secret, which signs links to the image proxy.
    secret: String,
    /// How other servers' images are shown (`media.remote`).
    remote: RemoteMedia,
}

impl MediaService {
    pub fn open(settings: &crate::config::Settings, base_url: &str, secret: &str) -> anyhow::Result<Arc<MediaService>> {
        let storage = storage::Storage::open(settings, base_url)?;
        let proxy_cache = moka::sync::Cache::builder()
            .weigher(|_k: &String, v: &(String, axum::body::Bytes)| u32::try_from(v.1.len()).unwrap_or(u32::MAX))
            .max_capacity(64 * 1024 * 1024)
            .time_to_live(std::time::Duration::from_secs(3600))
            .build();
        Ok(Arc::new(MediaService {
            storage,
            proxy_cache,
            base_url: base_url.to_string(),
            secret: secret.to_string(),
            remote: settings.media.remote,
        }))
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str) -> HmacSha256 {
    // HMAC takes keys of any length.
    <HmacSha256 as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!())
}

/// The signature that lets `/media/proxy` fetch `url`: made with the site secret, so the proxy
/// fetches only what this server linked.
pub fn proxy_signature(secret: &str, url: &str) -> String {
    let mut m = mac(secret);
    m.update(b"media-proxy\0");
    m.update(url.as_bytes());
    hex(&m.finalize().into_bytes())
}

/// Whether `sig` is the signature of `url` (compared in constant time).
pub fn proxy_signature_valid(secret: &str, url: &str, sig: &str) -> bool {
    let Some(bytes) = unhex(sig) else { return false };
    let mut m = mac(secret);
    m.update(b"media-proxy\0");
    m.update(url.as_bytes());
    m.verify_slice(&bytes).is_ok()
}

/// How an image of another server is shown here: through the proxy or as it is.
pub fn remote_url(media: &MediaService, url: &str) -> String {
    let own = url.starts_with(&format!("{}/", media.base_url)) || url.starts_with(&media.storage.url(""));
    if own || media.remote == RemoteMedia::Link {
        return url.to_string();
    }
    let sig = proxy_signature(&media.secret, url);
    format!("{}/media/proxy?url={}&sig={sig}", media.base_url, crate::util::url::urlencode(url))
}

/// An image ready to show: URLs as seen from here, size, alt text.
#[derive(Debug, Clone)]
pub struct ImageView {
    pub url: String,
    pub small_url: String,
    /// The other server's URL of a remote attachment.
    pub remote_url: Option<String>,
    pub content_type: String,
    pub alt: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub small_width: Option<i32>,
    pub small_height: Option<i32>,
}

impl ImageView {
    pub fn of(media: &MediaService, m: &Media) -> ImageView {
        let (url, small_url) = match (&m.file_key, &m.remote_url) {
            (Some(key), _) => {
                let url = media.storage.url(key);
                let small = m.small_key.as_deref().map(|k| media.storage.url(k)).unwrap_or_else(|| url.clone());
                (url, small)
            }
            (None, Some(remote)) => {
                let shown = remote_url(media, remote);
                (shown.clone(), shown)
            }
            (None, None) => (String::new(), String::new()),
        };
        ImageView {
            url,
            small_url,
            remote_url: m.remote_url.clone(),
            content_type: m.content_type.clone(),
            alt: m.description.clone(),
            width: m.width,
            height: m.height,
            small_width: m.small_width.or(m.width),
            small_height: m.small_height.or(m.height),
        }
    }
}

/// Attachments as ActivityStreams `Document`s (the shape Mastodon sends and reads).
pub fn ap_attachments(media: &MediaService, rows: &[Media]) -> Vec<crate::apub::protocol::Attachment> {
    rows.iter()
        .filter_map(|m| {
            let url = match (&m.file_key, &m.remote_url) {
                (Some(key), _) => media.storage.url(key),
                (None, Some(remote)) => remote.clone(),
                _ => return None,
            };
            let (width, height) = match (m.width, m.height) {
                (Some(w), Some(h)) => (Some(i64::from(w)), Some(i64::from(h))),
                _ => (None, None),
            };
            Some(crate::apub::protocol::Attachment {
                kind: "Document".into(),
                media_type: Some(m.content_type.clone()),
                url: Some(crate::apub::protocol::Links::one(url)),
                name: Some(m.description.clone()),
                width,
                height,
                blurhash: m.blurhash.clone(),
                focal_point: m.focus.as_deref().and_then(parse_focus).map(|(x, y)| [x, y]),
                ..Default::default()
            })
        })
        .collect()
}

/// Attachments of these posts, by post, in order.
pub async fn by_post(
    conn: &mut crate::db::DbConn,
    posts: &[crate::db::models::post::PostId],
) -> Result<std::collections::HashMap<crate::db::models::post::PostId, Vec<Media>>, crate::db::DbError> {
    let mut out: std::collections::HashMap<_, Vec<Media>> = std::collections::HashMap::new();
    if posts.is_empty() {
        return Ok(out);
    }
    for m in Media::of_posts(conn, posts).await? {
        if let Some(post) = m.post_id {
            out.entry(post).or_default().push(m);
        }
    }
    Ok(out)
}

/// `"x,y"` with both in -1..1, as Mastodon's `focus` parameter.
pub fn parse_focus(s: &str) -> Option<(f64, f64)> {
    let (x, y) = s.split_once(',')?;
    let (x, y): (f64, f64) = (x.trim().parse().ok()?, y.trim().parse().ok()?);
    ((-1.0..=1.0).contains(&x) && (-1.0..=1.0).contains(&y)).then_some((x, y))
}

/// A file from a multipart form.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub field: String,
    pub bytes: Vec<u8>,
}

/// The text fields and files of a multipart form; empty file fields (nothing chosen) are left out.
pub async fn read_multipart(
    mut multipart: axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<UploadedFile>), axum::extract::multipart::MultipartError> {
    let (mut fields, mut files) = (Vec::new(), Vec::new());
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if field.file_name().is_some() {
            let bytes = field.bytes().await?;
            if !bytes.is_empty() {
                files.push(UploadedFile { field: name, bytes: bytes.to_vec() });
            }
        } else {
            fields.push((name, field.text().await?));
        }
    }
    Ok((fields, files))
}

/// The request body limit of routes that take uploads: two files and the form around them.
pub fn upload_body_limit(settings: &crate::config::Settings) -> usize {
    settings.media.max_upload_bytes.saturating_mul(2).saturating_add(64 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_signatures_bind_the_url_and_secret() {
        let sig = proxy_signature("s3cret", "https://a.example/x.png");
        assert!(proxy_signature_valid("s3cret", "https://a.example/x.png", &sig));
        assert!(!proxy_signature_valid("s3cret", "https://a.example/y.png", &sig));
        assert!(!proxy_signature_valid("other", "https://a.example/x.png", &sig));
        assert!(!proxy_signature_valid("s3cret", "https://a.example/x.png", "zz"));
    }

    #[test]
    fn focus_is_two_numbers_in_range() {
        assert_eq!(parse_focus("0.5,-0.25"), Some((0.5, -0.25)));
        assert_eq!(parse_focus("2,0"), None);
        assert_eq!(parse_focus("a,b"), None);
    }
}
