//! Where image files are kept: a folder on this machine or an S3-compatible bucket. Keys are
//! random and never reused, so a file under a key never changes.

use std::path::PathBuf;
use std::time::Duration;

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use crate::config::{MediaStorage, Settings};

/// How long a signed S3 request stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("media storage: {0}")]
    Io(#[from] std::io::Error),
    #[error("media storage (S3): {0}")]
    S3(String),
}

enum Backend {
    Local(PathBuf),
    S3 { bucket: Bucket, credentials: Credentials, client: reqwest::Client },
}

/// The configured storage, and the URL prefix under which its files are seen.
pub struct Storage {
    backend: Backend,
    /// `https://cdn.example/` or `{base_url}/media/`, ending in a slash.
    public_base: String,
}

/// Whether `key` is one this server could have made: no paths, one known extension.
pub fn valid_key(key: &str) -> bool {
    let Some((stem, ext)) = key.rsplit_once('.') else { return false };
    !stem.is_empty()
        && stem.len() <= 64
        && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && matches!(ext, "jpg" | "png")
}

/// The content type of a stored file, by its key.
pub fn content_type_of(key: &str) -> &'static str {
    if key.ends_with(".png") { "image/png" } else { "image/jpeg" }
}

impl Storage {
    /// Opens the configured storage; a local folder is made when missing.
    pub fn open(settings: &Settings, base_url: &str) -> anyhow::Result<Storage> {
        let media = &settings.media;
        let own = format!("{base_url}/media/");
        match media.storage {
            MediaStorage::Local => {
                let dir = PathBuf::from(&media.dir);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| anyhow::anyhow!("media.dir {}: cannot create it: {e}", dir.display()))?;
                Ok(Storage { backend: Backend::Local(dir), public_base: own })
            }
            MediaStorage::S3 => {
                let s3 = &media.s3;
                let endpoint = url::Url::parse(&s3.endpoint)?;
                let style = if s3.path_style { UrlStyle::Path } else { UrlStyle::VirtualHost };
                let bucket = Bucket::new(endpoint, style, s3.bucket.clone(), s3.region.clone())
                    .map_err(|e| anyhow::anyhow!("media.s3: {e}"))?;
                let credentials = Credentials::new(s3.access_key.clone(), s3.secret_key.clone());
                crate::install_crypto();
                // The endpoint is the admin's choice (often on the local network), so this
                // client may reach private addresses, unlike the one for other servers.
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(30))
                    .connect_timeout(Duration::from_secs(10))
                    .build()?;
                let public_base =
                    if s3.public_url.is_empty() { own } else { format!("{}/", s3.public_url.trim_end_matches('/')) };
                Ok(Storage { backend: Backend::S3 { bucket, credentials, client }, public_base })
            }
        }
    }

    /// The URL visitors and other servers fetch `key` from.
    pub fn url(&self, key: &str) -> String {
        format!("{}{key}", self.public_base)
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        match &self.backend {
            Backend::Local(dir) => {
                // Written aside and renamed, so a reader never sees half a file.
                let tmp = dir.join(format!(".{key}.part"));
                tokio::fs::write(&tmp, &bytes).await?;
                tokio::fs::rename(&tmp, dir.join(key)).await?;
                Ok(())
            }
            Backend::S3 { bucket, credentials, client } => {
                let url = bucket.put_object(Some(credentials), key).sign(SIGNED_FOR);
                let response = client
                    .put(url)
                    .header("content-type", content_type_of(key))
                    .header("cache-control", super::IMMUTABLE)
                    .body(bytes)
                    .send()
                    .await
                    .map_err(|e| StorageError::S3(e.to_string()))?;
                if !response.status().is_success() {
                    return Err(StorageError::S3(format!("PUT {key}: {}", response.status())));
                }
                Ok(())
            }
        }
    }

    /// The file's bytes, or None when there is no such file.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match &self.backend {
            Backend::Local(dir) => match tokio::fs::read(dir.join(key)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
            Backend::S3 { bucket, credentials, client } => {
                let url = bucket.get_object(Some(credentials), key).sign(SIGNED_FOR);
                let response = client.get(url).send().await.map_err(|e| StorageError::S3(e.to_string()))?;
                match response.status() {
                    s if s.is_success() => {
                        Ok(Some(response.bytes().await.map_err(|e| StorageError::S3(e.to_string()))?.to_vec()))
                    }
                    reqwest::StatusCode::NOT_FOUND => Ok(None),
                    s => Err(StorageError::S3(format!("GET {key}: {s}"))),
                }
            }
        }
    }

    /// Removes a file; a missing file is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match &self.backend {
            Backend::Local(dir) => match tokio::fs::remove_file(dir.join(key)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
                _ => Ok(()),
            },
            Backend::S3 { bucket, credentials, client } => {
                let url = bucket.delete_object(Some(credentials), key).sign(SIGNED_FOR);
                let response = client.delete(url).send().await.map_err(|e| StorageError::S3(e.to_string()))?;
                if !(response.status().is_success() || response.status() == reqwest::StatusCode::NOT_FOUND) {
                    return Err(StorageError::S3(format!("DELETE {key}: {}", response.status())));
                }
                Ok(())
            }
        }
    }

    /// Deletes files, logging (not failing on) errors: used after the rows are gone.
    pub async fn delete_all(&self, keys: &[String]) {
        for key in keys {
            if let Err(e) = self.delete(key).await {
                tracing::warn!(key, error = %e, "could not delete a media file");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_cannot_leave_the_folder() {
        assert!(valid_key("Ab_c-1.jpg"));
        assert!(valid_key("x-small.png"));
        for bad in ["../etc/passwd", "a/b.jpg", ".jpg", "a.gif", "a.jpg/", "a..jpg", ""] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
