//! Local actors: their URLs, lazily made key pairs, groups and the instance actor.

use super::{DomainError, DomainResult};
use crate::config::Settings;
use crate::db::models::actor::{Actor, ActorInsert, ActorKind, ActorUpdate};
use crate::db::models::local_name;
use crate::db::{DbConn, DbPool, now};

/// The path segment under which actors of a kind live: `/u/anna`, `/g/oosterpark`.
pub fn path_prefix(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::Group | ActorKind::Organization => "g",
        ActorKind::Event => "e",
        _ => "u",
    }
}

/// The row of a new local actor, with every URL derived from the instance's base URL.
pub fn local_form(settings: &Settings, kind: ActorKind, username: &str, display_name: &str) -> ActorInsert {
    let base = settings.base_url();
    let ap_id = if kind == ActorKind::Application {
        format!("{base}/actor")
    } else {
        format!("{base}/{}/{}", path_prefix(kind), username.to_lowercase())
    };
    let t = now();
    ActorInsert {
        inbox_url: format!("{ap_id}/inbox"),
        outbox_url: Some(format!("{ap_id}/outbox")),
        followers_url: Some(format!("{ap_id}/followers")),
        shared_inbox_url: Some(format!("{base}/inbox")),
        url: Some(ap_id.clone()),
        ap_id,
        kind: kind.as_str().into(),
        username: username.into(),
        name_key: username.to_lowercase(),
        domain: settings.instance.domain.clone(),
        display_name: display_name.into(),
        summary: String::new(),
        icon_url: None,
        public_key: None,
        manually_approves_followers: false,
        discoverable: true,
        local: true,
        deleted: false,
        instance_id: None,
        published: t,
        updated_at: t,
        last_fetched_at: None,
        image_url: None,
    }
}

/// Makes sure a local actor has a key pair, generating one the first time it is needed
/// (RSA-2048 takes a noticeable moment: a new account gets its pair from a background job,
/// `actor.keys`, not in the registration request). Returns the actor as stored.
pub async fn ensure_keys(conn: &mut DbConn, actor: Actor) -> DomainResult<Actor> {
    use crate::delivery::keys::{self, KeyError};
    keys::ensure_keys(conn, actor).await.map_err(|e| match e {
        KeyError::Db(e) => e.into(),
        KeyError::Gone(_) => DomainError::NotFound,
        KeyError::Generate(e) => DomainError::Internal(format!("generating keys: {e}")),
    })
}

/// Makes a local actor's keys, when it has none yet, on a connection of its own: key generation
/// takes a fraction of a second, and inside a write transaction it would hold up every other
/// writer on SQLite. Call it before a transaction that announces something of the actor.
pub async fn prepare_keys(pool: &crate::db::DbPool, actor: &Actor) -> DomainResult<()> {
    if actor.local && actor.private_key.is_none() {
        let mut conn = pool.get().await?;
        ensure_keys(&mut conn, actor.clone()).await?;
    }
    Ok(())
}

/// The job that makes a new account's key pair in the background, so that the first fetches of
/// its actor (many at once when its first post goes out) find the keys made.
pub const KEYS_JOB: &str = "actor.keys";

/// Queues [`KEYS_JOB`] for a local actor, in the transaction that makes it active.
pub async fn queue_keys(conn: &mut DbConn, actor: crate::db::models::actor::ActorId) -> DomainResult<()> {
    crate::jobs::enqueue(conn, crate::jobs::NewJob::new(KEYS_JOB, &actor.0)).await?;
    Ok(())
}

/// The [`KEYS_JOB`] handler.
pub async fn make_keys(state: crate::state::AppState, job: crate::jobs::Running) -> Result<(), crate::jobs::JobError> {
    use crate::jobs::JobError;
    let id = crate::db::models::actor::ActorId(job.payload()?);
    let mut conn = state.pool.get().await?;
    let Some(actor) = Actor::by_id(&mut conn, id).await? else {
        // Deleted meanwhile: nothing to do.
        return Ok(());
    };
    ensure_keys(&mut conn, actor).await.map(|_| ()).map_err(|e| JobError::Retry(e.to_string()))
}

/// The instance's own `Application` actor, made at first start with the site's keys.
pub async fn ensure_instance_actor(
    pool: &DbPool,
    settings: &Settings,
    site: &crate::db::models::site::Site,
) -> DomainResult<Actor> {
    let mut conn = pool.get().await?;
    let ap_id = format!("{}/actor", settings.base_url());
    let actor = match Actor::by_ap_id(&mut conn, &ap_id).await? {
        Some(existing) => existing,
        None => insert_instance_actor(&mut conn, settings, site, &ap_id).await?,
    };
    // The row and its private key are written in two statements: a second process starting at
    // the same moment can find the row before the key is in it. The key is the site's, so
    // whichever process writes it writes the same value.
    if actor.private_key.is_some() {
        return Ok(actor);
    }
    let set = ActorUpdate { private_key: Some(Some(&site.private_key)), ..Default::default() };
    Actor::update(&mut conn, actor.id, &set).await?;
    Actor::by_id(&mut conn, actor.id).await?.ok_or(DomainError::NotFound)
}

async fn insert_instance_actor(
    conn: &mut DbConn,
    settings: &Settings,
    site: &crate::db::models::site::Site,
    ap_id: &str,
) -> DomainResult<Actor> {
    let domain_name = settings.instance.domain.split(':').next().unwrap_or("buurt").to_string();
    // Keep people and groups from taking the instance actor's name.
    match local_name::reserve(conn, &domain_name, "application").await {
        Ok(()) | Err(crate::db::DbError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let mut form = local_form(settings, ActorKind::Application, &domain_name, &settings.instance.name);
    form.public_key = Some(site.public_key.clone());
    form.discoverable = false;
    form.manually_approves_followers = true;
    form.outbox_url = Some(format!("{}/outbox", form.ap_id));
    match Actor::insert(conn, &form).await {
        Ok(actor) => Ok(actor),
        // Another process made it at the same moment.
        Err(crate::db::DbError::Conflict(_)) => Actor::by_ap_id(conn, ap_id).await?.ok_or(DomainError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// A local actor by name (persons and groups share the namespace).
pub async fn local_by_name(conn: &mut DbConn, settings: &Settings, name: &str) -> DomainResult<Option<Actor>> {
    Ok(Actor::by_name(conn, name, &settings.instance.domain).await?.filter(|a| a.local && !a.deleted))
}
