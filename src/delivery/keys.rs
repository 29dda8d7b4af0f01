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
/// (RSA-2048 takes a noticeable moment: a new account gets its pair from a background job,
/// `actor.keys`, not in the registration request). Returns the actor as stored.
pub async fn ensure_keys(conn: &mut DbConn, actor: Actor) -> Result<Actor, KeyError> {
    if !actor.local || (actor.private_key.is_some() && actor.public_key.is_some()) {
        return Ok(actor);
    }
    // Concurrent callers in this process wait for one generation, and take the pair it stored:
    // a new account's first post makes many servers fetch its actor at once, and each first
    // request would otherwise make a pair (RSA-2048: 50–500 ms of a core) and then queue to
    // store it, which held the first seconds of requests up by a tenth of a second and more
    // (BENCHMARKS.md, "Read tail latency").
    let cell = GENERATING.get_with_by_ref(&actor.ap_id, Arc::default);
    let id = actor.id;
    let stored = cell
        .get_or_try_init(|| async move {
            let pair = tokio::task::spawn_blocking(activitypub_federation::http_signatures::generate_actor_keypair)
                .await
                .map_err(|e| KeyError::Generate(e.to_string()))?
                .map_err(|e| KeyError::Generate(e.to_string()))?;
            // Another process may race here: the first pair stored wins and both read it back.
            Actor::set_keys_once(conn, id, &pair.public_key, &pair.private_key).await?;
            let actor = Actor::by_id(conn, id).await?.ok_or(KeyError::Gone(id))?;
            match (actor.public_key, actor.private_key) {
                (Some(public), Some(private)) => Ok(Arc::new((public, private))),
                _ => Err(KeyError::Generate("the stored pair is missing".into())),
            }
        })
        .await?;
    let (public, private) = (&stored.0, &stored.1);
    Ok(Actor { public_key: Some(public.clone()), private_key: Some(private.clone()), ..actor })
}

/// A key pair (public, private) being made, or made and stored.
type Generation = tokio::sync::OnceCell<Arc<(String, String)>>;

/// Key pairs being made or just made, by actor URL (unique across instances, also those of the
/// tests sharing one process), for a minute: after that the stored pair is read.
static GENERATING: std::sync::LazyLock<moka::sync::Cache<String, Arc<Generation>>> = std::sync::LazyLock::new(|| {
    moka::sync::Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(60)).build()
});

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
