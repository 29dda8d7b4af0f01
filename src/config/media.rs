//! `[media]` and `[media.s3]`: where uploaded images are kept and how remote ones are shown.

use super::{ConfigError, Settings};
use serde::{Deserialize, Serialize};

/// Where uploaded images are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaStorage {
    /// Files in `media.dir` on this machine.
    Local,
    /// An S3-compatible bucket (`[media.s3]`).
    S3,
}

/// How images of other servers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteMedia {
    /// Through this server (`/media/proxy`), so visitors' addresses do not reach other servers.
    Proxy,
    /// Straight from the other server.
    Link,
}

/// Uploaded images (photos, avatars, headers, group icons) and images of other servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSettings {
    /// `local` or `s3`.
    pub storage: MediaStorage,
    /// Folder for `local` storage, relative to the working directory; made at start-up.
    pub dir: String,
    /// Largest image file accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Largest image accepted, in pixels (width × height): a small file can declare a huge image.
    pub max_pixels: u64,
    /// `proxy` or `link`: how images of other servers are shown.
    pub remote: RemoteMedia,
    /// The bucket for `storage = "s3"`.
    pub s3: S3Settings,
    /// Images decoded at the same time at most (a decoded photo can take hundreds of
    /// megabytes); 0: one per processor core. Further uploads wait their turn.
    pub max_concurrent_decodes: usize,
    /// Images of other servers fetched by the proxy at the same time at most; further fetches
    /// wait their turn. The proxy reads at most `max_upload_bytes` of a remote image, within
    /// 10 seconds.
    pub max_concurrent_proxy_fetches: usize,
}

impl Default for MediaSettings {
    fn default() -> Self {
        Self {
            storage: MediaStorage::Local,
            dir: "data/media".into(),
            max_upload_bytes: 10 * 1024 * 1024,
            max_pixels: 50_000_000,
            remote: RemoteMedia::Proxy,
            s3: S3Settings::default(),
            max_concurrent_decodes: 0,
            max_concurrent_proxy_fetches: 16,
        }
    }
}

/// An S3-compatible bucket (AWS, MinIO, Garage, Ceph, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Settings {
    /// The service's URL, e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`.
    pub endpoint: String,
    /// The region the bucket is in (`us-east-1` when the service has no regions).
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
    /// Address the bucket as `endpoint/bucket/key` (MinIO, Garage) instead of `bucket.endpoint/key`.
    pub path_style: bool,
    /// Where visitors fetch files from, e.g. a CDN in front of the bucket. Empty: Buurt serves
    /// them itself under `/media/`.
    pub public_url: String,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            region: "us-east-1".into(),
            bucket: String::new(),
            access_key: String::new(),
            secret_key: String::new(),
            path_style: true,
            public_url: String::new(),
        }
    }
}

impl Settings {
    pub(super) fn validate_media(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let media = &self.media;
        if media.max_upload_bytes == 0 {
            return invalid("media.max_upload_bytes must be at least 1".into());
        }
        if media.max_pixels < 1_000_000 {
            return invalid("media.max_pixels must be at least 1000000 (one megapixel)".into());
        }
        if media.storage == MediaStorage::Local && media.dir.trim().is_empty() {
            return invalid("media.dir must name a folder when media.storage is \"local\"".into());
        }
        let s3 = &media.s3;
        if media.storage == MediaStorage::S3 {
            for (key, value) in [
                ("endpoint", &s3.endpoint),
                ("region", &s3.region),
                ("bucket", &s3.bucket),
                ("access_key", &s3.access_key),
                ("secret_key", &s3.secret_key),
            ] {
                if value.trim().is_empty() {
                    return invalid(format!("media.s3.{key} must be set when media.storage is \"s3\""));
                }
            }
            if !url::Url::parse(&s3.endpoint).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()) {
                return invalid(format!("media.s3.endpoint {:?} is not an http(s) URL", s3.endpoint));
            }
        }
        if !s3.public_url.is_empty()
            && !url::Url::parse(&s3.public_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        {
            return invalid(format!("media.s3.public_url {:?} is not an http(s) URL", s3.public_url));
        }
        Ok(())
    }
}
