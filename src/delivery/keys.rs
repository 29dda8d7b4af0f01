//! The key pairs of local actors that deliveries are signed with: made the first time one is
//! needed, and kept in memory while the worker runs.

use std::sync::Arc;
use std::time::Duration;

use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId};

/// Why a local actor's keys could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    /// The actor was deleted meanwhile.
    #[error("actor {0:?} is gone")]
    Gone(ActorId),
    #[error("generating keys: {0}")]
    Generate(String),
}

/// Makes sure a local actor has a key pair, generating one the first time it is needed
/// (RSA-2048 takes a noticeable moment, so not at registration). Returns the actor as stored.
pub async fn ensure_keys(conn: &mut DbConn, actor: Actor) -> Result<Actor, KeyError> {
    if !actor.local || (actor.private_key.is_some() && actor.public_key.is_some()) {
        return Ok(actor);
    }
    let keys = tokio::task::spawn_blocking(activitypub_federation::http_signatures::generate_actor_keypair)
        .await
        .map_err(|e| KeyError::Generate(e.to_string()))?
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    // Two requests may race here: the first pair stored wins and both read it back.
    Actor::set_keys_once(conn, actor.id, &keys.public_key, &keys.private_key).await?;
    Actor::by_id(conn, actor.id).await?.ok_or(KeyError::Gone(actor.id))
}

/// The key ids and private keys of the local actors that deliveries are signed for, kept while
/// the worker runs (an actor's key pair never changes once made): a post to followers on
/// thousands of instances reads its author's key once, not once per instance.
pub(super) struct SigningKeys(moka::sync::Cache<ActorId, Arc<(String, String)>>);

impl Default for SigningKeys {
    fn default() -> Self {
        SigningKeys(moka::sync::Cache::builder().max_capacity(1000).time_to_idle(Duration::from_secs(3600)).build())
    }
}

impl SigningKeys {
    /// The key id and private key of a local actor, made if it has none yet.
    pub(super) async fn of(&self, pool: &crate::db::DbPool, actor: ActorId) -> anyhow::Result<Arc<(String, String)>> {
        if let Some(key) = self.0.get(&actor) {
            return Ok(key);
        }
        let mut conn = pool.get().await?;
        let actor = Actor::by_id(&mut conn, actor).await?.ok_or_else(|| anyhow::anyhow!("actor {actor:?} is gone"))?;
        let actor = ensure_keys(&mut conn, actor).await?;
        let private_key = actor.private_key.clone().ok_or_else(|| anyhow::anyhow!("actor without private key"))?;
        let key = Arc::new((format!("{}#main-key", actor.ap_id), private_key));
        self.0.insert(actor.id, key.clone());
        Ok(key)
    }
}
