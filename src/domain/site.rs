//! The instance's own identity: created at first start, reused after.

use rand::RngCore;

use super::{DomainError, DomainResult};
use crate::db::DbPool;
use crate::db::models::site::{SITE_ID, Site};

/// Returns the site row, creating it (secret, RSA key pair, VAPID key) on the first start; a
/// site made before web push gets its VAPID key at its next start.
pub async fn ensure(pool: &DbPool) -> DomainResult<Site> {
    let mut conn = pool.get().await?;
    if let Some(mut site) = Site::get(&mut conn).await? {
        if site.vapid_private_key.is_none() {
            let key = super::push::keys::generate_private_key();
            site.vapid_private_key = Site::set_vapid_if_missing(&mut conn, &key).await?;
        }
        return Ok(site);
    }
    tracing::info!("first start: generating the instance's keys");
    let keys = tokio::task::spawn_blocking(activitypub_federation::http_signatures::generate_actor_keypair)
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))?
        .map_err(|e| DomainError::Internal(format!("generating keys: {e}")))?;
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let new = Site {
        id: SITE_ID,
        secret: hex(&secret),
        public_key: keys.public_key,
        private_key: keys.private_key,
        created_at: crate::db::now(),
        vapid_private_key: Some(super::push::keys::generate_private_key()),
    };
    Ok(Site::insert_or_get(&mut conn, &new).await?)
}

use crate::util::hex::hex;
