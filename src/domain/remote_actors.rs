//! Actors in federation: our rows wrapped for the activitypub_federation traits.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::{Actor as ApActor, Object};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use url::Url;

use crate::apub::protocol::ActorJson;
use crate::apub::{ApubError, Data};
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorInsert, ActorKind};
use crate::db::models::instance::Instance;
use crate::db::models::place::Place;
use crate::util::hex::hex;
use crate::util::html;

/// An actor row with federation behaviour, and its id parsed.
#[derive(Debug, Clone)]
pub struct DbActor {
    pub actor: Actor,
    id: Url,
    /// The actor's place when the caller loaded it already (inside a transaction that changed it).
    place: Option<Place>,
}

impl DbActor {
    pub fn new(actor: Actor) -> Result<DbActor, ApubError> {
        let id = Url::parse(&actor.ap_id)?;
        Ok(DbActor { actor, id, place: None })
    }

    /// With the actor's place as `conn` sees it (for a document built inside a transaction).
    pub async fn with_place(actor: Actor, conn: &mut DbConn) -> Result<DbActor, ApubError> {
        let place = Place::of_actor(conn, &actor).await?;
        Ok(DbActor { place, ..DbActor::new(actor)? })
    }
}

pub use crate::apub::protocol::domain_of;

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// Whether `url` is an http(s) URL on the same host (and port) as `actor_id`.
fn on_host(url: &Url, actor_id: &Url) -> bool {
    is_http(url) && domain_of(url) == domain_of(actor_id)
}

fn parse_opt(url: &Option<String>) -> Option<Url> {
    url.as_deref().and_then(|u| Url::parse(u).ok())
}

#[async_trait::async_trait]
impl Object for DbActor {
    type DataType = crate::state::AppState;
    type Kind = ActorJson;
    type Error = ApubError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        if self.actor.local {
            None
        } else {
            Some(self.actor.last_fetched_at.unwrap_or(self.actor.updated_at).and_utc())
        }
    }

    async fn read_from_id(object_id: Url, data: &Data) -> Result<Option<Self>, ApubError> {
        let mut conn = data.pool.get().await?;
        Actor::by_ap_id(&mut conn, object_id.as_str()).await?.filter(|a| !a.deleted).map(DbActor::new).transpose()
    }

    async fn into_json(self, data: &Data) -> Result<ActorJson, ApubError> {
        let place = match (self.place, self.actor.place_id) {
            (Some(place), _) => Some(place),
            (None, Some(_)) => Place::of_actor(&mut data.pool.get().await?, &self.actor).await?,
            (None, None) => None,
        };
        let group = match self.actor.kind() {
            crate::db::models::actor::ActorKind::Group | crate::db::models::actor::ActorKind::Organization => {
                crate::db::models::group_profile::GroupProfile::of(&mut data.pool.get().await?, self.actor.id).await?
            }
            _ => None,
        };
        Ok(super::profile::actor_document(&self.actor, place.as_ref(), group.as_ref(), data.domain())?)
    }

    async fn verify(json: &ActorJson, expected_domain: &Url, _data: &Data) -> Result<(), ApubError> {
        verify_domains_match(&json.id, expected_domain)?;
        // Host and port: on one host name, each port can be another server (and the library's
        // check compares host names only).
        let host = domain_of(&json.id);
        if host != domain_of(expected_domain) {
            return Err(ApubError::Forbidden("the actor's id is on another host than its document".into()));
        }
        // Deliveries go to the inbox: one on another host would make us send there.
        if domain_of(&json.inbox) != host || !is_http(&json.inbox) {
            return Err(ApubError::Forbidden("the actor's inbox is on another host".into()));
        }
        if json.public_key.owner != json.id {
            return Err(ApubError::BadRequest("publicKey.owner is not the actor".into()));
        }
        if ActorKind::from_ap_type(&json.kind).is_none() {
            return Err(ApubError::BadRequest(format!("{} is not an actor type", json.kind)));
        }
        // Without `preferredUsername` the actor is named after its address or id (see
        // `ActorJson::username`): ActivityStreams does not require one.
        if json.username().len() > 200 {
            return Err(ApubError::BadRequest("preferredUsername too long".into()));
        }
        Ok(())
    }

    async fn from_json(json: ActorJson, data: &Data) -> Result<Self, ApubError> {
        let id = json.id.clone();
        if data.domain() == domain_of(&id) {
            return Err(ApubError::Forbidden("a remote copy of a local actor".into()));
        }
        let kind = ActorKind::from_ap_type(&json.kind).ok_or_else(|| ApubError::BadRequest("not an actor".into()))?;
        let domain = domain_of(&id);
        let mut conn = data.pool.get().await?;
        let instance = Instance::get_or_create(&mut conn, &domain).await?;
        if instance.software.is_none() {
            // Which software it runs decides what a group sends it (FEP-1b12).
            crate::jobs::enqueue(&mut conn, super::instances::nodeinfo_job(&domain)).await?;
        }
        let t = crate::db::now();
        let username = json.username();
        let display_name = json
            .name
            .as_deref()
            .map(html::plain_text)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| username.clone());
        let name_key = free_name_key(&mut conn, &username, &domain, id.as_str(), kind).await?;
        let form = ActorInsert {
            ap_id: id.to_string(),
            kind: kind.as_str().into(),
            username: html::truncate(&username, 200),
            name_key,
            domain,
            display_name: html::truncate(display_name.trim(), 200),
            summary: html::truncate(&html::sanitize(json.summary.as_deref().unwrap_or("")), 10_000),
            url: json.profile_url(),
            icon_url: json.icon_url(),
            image_url: json.image_url(),
            inbox_url: json.inbox.to_string(),
            // A shared inbox elsewhere is dropped (deliveries then go to the actor's inbox).
            shared_inbox_url: json.shared_inbox().filter(|u| on_host(u, &id)).map(Url::to_string),
            outbox_url: json.outbox.as_ref().filter(|u| is_http(u)).map(Url::to_string),
            followers_url: json.followers.as_ref().filter(|u| is_http(u)).map(Url::to_string),
            public_key: Some(json.public_key.public_key_pem.clone()),
            manually_approves_followers: json.manually_approves_followers.unwrap_or(false),
            discoverable: json.discoverable.unwrap_or(false),
            local: false,
            deleted: false,
            instance_id: Some(instance.id),
            published: json.published.map_or(t, |p| p.naive_utc()),
            updated_at: t,
            last_fetched_at: Some(t),
        };
        let actor = Actor::upsert(&mut conn, &form).await?;
        data.signers.invalidate(&actor.ap_id);
        // A group's meeting place (Mobilizon, other Buurt instances); kept in step with the actor.
        let place = json.place().and_then(super::profile::place_form).unwrap_or_default();
        if actor.place_id.is_some() || !place.is_empty() {
            let place = Place::set_for_actor(&mut conn, &actor, &place).await?;
            return DbActor::new(Actor { place_id: place.map(|p| p.id), ..actor });
        }
        DbActor::new(actor)
    }
}

/// The key under which a remote actor's name is stored: its name, unless another actor of the
/// same host has it already — Lemmy keeps persons (`/u/NAME`) and communities (`/c/NAME`)
/// apart, so one host may have both — then the name with its kind (`name+group`), and failing
/// that with a hash of its id.
async fn free_name_key(
    conn: &mut DbConn,
    username: &str,
    domain: &str,
    id: &str,
    kind: ActorKind,
) -> Result<String, ApubError> {
    let plain = username.to_lowercase();
    let candidates = [
        plain.clone(),
        format!("{plain}+{}", kind.as_str()),
        format!("{plain}+{}", &hex(&Sha256::digest(id.as_bytes()))[..12]),
    ];
    for key in &candidates {
        match Actor::by_name(conn, key, domain).await? {
            Some(other) if other.ap_id != id => continue,
            _ => return Ok(key.clone()),
        }
    }
    Err(ApubError::BadRequest(format!("no free name for {id}")))
}

impl ApActor for DbActor {
    fn public_key_pem(&self) -> &str {
        self.actor.public_key.as_deref().unwrap_or("")
    }

    fn private_key_pem(&self) -> Option<String> {
        self.actor.private_key.clone()
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.actor.inbox_url).unwrap_or_else(|_| self.id().clone())
    }

    fn shared_inbox(&self) -> Option<Url> {
        parse_opt(&self.actor.shared_inbox_url)
    }
}

/// Fetches (or reads the stored copy of) the actor with this id.
pub async fn resolve(id: &str, data: &Data) -> Result<DbActor, ApubError> {
    let id: ObjectId<DbActor> = ObjectId::parse(id)?;
    id.dereference(data).await
}
