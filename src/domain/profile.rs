//! A person's profile: what their page lists (their posts as the viewer may see them, their
//! groups), the bio; and actors on the wire: a local actor's document, its changes announced to
//! followers, its deletion; and the places actors carry, both ways.

use std::collections::HashMap;

use url::Url;

use super::outbox::{enqueue, new_activity_id};
use super::validate::FieldErrors;
use super::visibility::{self, Viewer};
use super::{DomainError, DomainResult};
use crate::apub::protocol::{
    self, Activity, ActivityKind, ActorJson, Addresses, Endpoints, Image, Links, OneOrMany, PUBLIC, PostalAddress,
};
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::follow::{Follow, FollowQuery, Side};
use crate::db::models::group_profile::{GroupProfile, Posting};
use crate::db::models::local_user::Account;
use crate::db::models::media::Media;
use crate::db::models::place::{Place, PlaceForm};
use crate::db::models::post::{PostId, PostView, TimelineQuery};
use crate::state::AppState;
use crate::util::html;

/// The longest bio, in characters (Mastodon's limit for `note`).
pub const BIO_MAX: usize = 500;

/// How many groups a profile lists.
const GROUPS_LISTED: i64 = 100;

/// The bio as typed (plain text) as the HTML that is stored and sent, or an error on `note`.
pub fn bio_html(text: &str, errors: &mut FieldErrors) -> String {
    let text = text.trim();
    if text.chars().count() > BIO_MAX {
        errors.add("note", "error-bio-too-long");
    } else if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        errors.add("note", "error-control-chars");
    }
    html::text_to_html(&text.replace("\r\n", "\n"))
}

/// The groups a person's profile lists: those they belong to whose members anyone may see,
/// then the groups they follow (accepted), newest follow first.
pub async fn groups_of(conn: &mut DbConn, actor: &Actor) -> DomainResult<Vec<Actor>> {
    let mut groups = crate::db::models::membership::Membership::public_groups_of(conn, actor.id, GROUPS_LISTED).await?;
    let q = FollowQuery { kind: Some(ActorKind::Group), limit: GROUPS_LISTED, ..Default::default() };
    for (_, group) in Follow::list(conn, actor.id, Side::Following, &q).await? {
        if !groups.iter().any(|g| g.id == group.id) {
            groups.push(group);
        }
    }
    groups.truncate(GROUPS_LISTED as usize);
    Ok(groups)
}

/// A page of an actor's accepted followers (or of whom it follows), with the follow ids as
/// cursors: the client API's account lists.
pub async fn follows(conn: &mut DbConn, actor: &Actor, side: Side, q: &FollowQuery) -> DomainResult<Vec<(i64, Actor)>> {
    Ok(Follow::list(conn, actor.id, side, q).await?)
}

/// What a person's profile lists for one visitor.
pub struct PersonLists {
    /// A page of their posts the visitor may see, newest first.
    pub posts: Vec<PostView>,
    /// The photos of those posts.
    pub media: HashMap<PostId, Vec<Media>>,
    /// The cursor of the next page (the last post shown), when there are older posts.
    pub older: Option<PostId>,
    /// Their groups ([`groups_of`]).
    pub groups: Vec<Actor>,
}

/// What `person`'s profile lists for `viewer`: `page` posts older than post `before`, their
/// photos, and the groups.
pub async fn person_lists(
    conn: &mut DbConn,
    viewer: Viewer,
    person: &Actor,
    before: Option<i64>,
    page: usize,
) -> DomainResult<PersonLists> {
    let limit = i64::try_from(page).unwrap_or(i64::MAX - 1) + 1;
    let mut posts = posts_of(conn, viewer, person, before, limit).await?;
    let more = posts.len() > page;
    posts.truncate(page);
    let older = posts.last().filter(|_| more).map(|v| v.post.id);
    let ids: Vec<PostId> = posts.iter().map(|v| v.post.id).collect();
    let media = crate::media::by_post(conn, &ids).await?;
    let groups = groups_of(conn, person).await?;
    Ok(PersonLists { posts, media, older, groups })
}

/// A page of `author`'s posts that `viewer` may see, newest first, older than post `before`:
/// public and unlisted for everyone, followers-only also for followers and the author, direct
/// posts never (`domain::visibility` decides).
pub async fn posts_of(
    conn: &mut DbConn,
    viewer: Viewer,
    author: &Actor,
    before: Option<i64>,
    limit: i64,
) -> DomainResult<Vec<PostView>> {
    let shown = visibility::shown_of(conn, viewer, author.id).await?;
    let screen = visibility::screen_for(viewer, visibility::List::Profile);
    let q = TimelineQuery { author: Some(author.id), shown, screen, max_id: before, limit, ..Default::default() };
    Ok(PostView::timeline(conn, &q).await?)
}

/// A place as ActivityStreams `Place` with a schema.org `PostalAddress`, as Mobilizon sends it.
pub fn place_object(place: &Place) -> protocol::Place {
    let name = if place.name.is_empty() { place.address_line() } else { place.name.clone() };
    let number = |n: f64| serde_json::Number::from_f64(n).map(protocol::values::NumberOrString::Number);
    let (latitude, longitude) = match place.coordinates() {
        Some((lat, lon)) => (number(lat), number(lon)),
        None => (None, None),
    };
    let has_address = !(place.street_address.is_empty() && place.postal_code.is_empty() && place.locality.is_empty());
    protocol::Place {
        kind: "Place".into(),
        id: None,
        name: Some(name),
        latitude,
        longitude,
        address: has_address.then(|| {
            protocol::Address::Postal(PostalAddress {
                kind: "PostalAddress".into(),
                street_address: place.street_address.clone(),
                postal_code: place.postal_code.clone(),
                address_locality: place.locality.clone(),
                address_region: None,
                address_country: None,
            })
        }),
        url: None,
    }
}

/// A place another server sent, as a place to store; `None` when it is not usable (wrong
/// coordinates or overlong text are dropped, not stored).
pub fn place_form(place: &protocol::Place) -> Option<PlaceForm> {
    let text = |s: &str| html::plain_text(s);
    let (street, postal, locality) = match &place.address {
        Some(protocol::Address::Postal(a)) => {
            (text(&a.street_address), text(&a.postal_code), text(&a.address_locality))
        }
        Some(protocol::Address::Text(s)) => (text(s), String::new(), String::new()),
        None => Default::default(),
    };
    let input = super::places::PlaceInput {
        place_name: place.name.as_deref().map(text).unwrap_or_default(),
        street_address: street,
        postal_code: postal,
        locality,
        latitude: place.latitude.as_ref().map(|n| n.text()).unwrap_or_default(),
        longitude: place.longitude.as_ref().map(|n| n.text()).unwrap_or_default(),
    };
    let mut errors = super::validate::FieldErrors::default();
    let form = input.validate(&mut errors);
    (errors.is_empty() && !form.is_empty()).then_some(form)
}

/// An avatar or header as an `Image`, with its media type when the file name tells it.
fn image(url: &str) -> OneOrMany<Image> {
    let path = url.split(['?', '#']).next().unwrap_or(url).to_ascii_lowercase();
    let media_type = if path.ends_with(".png") {
        Some("image/png".to_string())
    } else if path.ends_with(".jpg") || path.ends_with(".jpeg") {
        Some("image/jpeg".to_string())
    } else {
        None
    };
    OneOrMany::One(Image { kind: "Image".into(), url: Links::one(url), media_type })
}

fn parse_opt(url: &Option<String>) -> Option<Url> {
    url.as_deref().and_then(|u| Url::parse(u).ok())
}

fn bad_url(e: url::ParseError) -> DomainError {
    DomainError::Internal(format!("a stored actor URL: {e}"))
}

/// The document of a local actor, served at its id and sent in `Update`s. `domain`: this
/// instance's, for the `webfinger` address.
pub fn actor_document(
    a: &Actor,
    place: Option<&Place>,
    group: Option<&GroupProfile>,
    domain: &str,
) -> DomainResult<ActorJson> {
    let id = Url::parse(&a.ap_id).map_err(bad_url)?;
    let is_app = a.kind() == ActorKind::Application;
    let public_key = activitypub_federation::protocol::public_key::PublicKey {
        id: format!("{}#main-key", a.ap_id),
        owner: id.clone(),
        public_key_pem: a.public_key.clone().unwrap_or_default(),
    };
    let collection = |name: &str| Url::parse(&format!("{}/{name}", a.ap_id)).map_err(bad_url);
    Ok(ActorJson {
        kind: a.kind().ap_type().into(),
        id,
        preferred_username: Some(a.username.clone()),
        name: Some(a.display_name.clone()),
        summary: Some(a.summary.clone()),
        url: a.url.clone().map(Links::one),
        icon: a.icon_url.as_deref().map(image),
        image: a.image_url.as_deref().map(image),
        inbox: Url::parse(&a.inbox_url).map_err(bad_url)?,
        outbox: parse_opt(&a.outbox_url),
        followers: parse_opt(&a.followers_url),
        following: (!is_app).then(|| collection("following")).transpose()?,
        featured: (!is_app).then(|| collection("featured")).transpose()?,
        endpoints: Some(Endpoints { shared_inbox: parse_opt(&a.shared_inbox_url) }),
        shared_inbox: None,
        public_key,
        discoverable: Some(a.discoverable),
        indexable: Some(a.discoverable),
        manually_approves_followers: Some(a.manually_approves_followers),
        webfinger: Some(format!("acct:{}@{domain}", a.username)),
        published: Some(a.published.and_utc()),
        updated: Some(a.updated_at.and_utc()),
        // A neighbourhood without a meeting place is located at its middle.
        location: place
            .map(|p| OneOrMany::One(place_object(p)))
            .or_else(|| group.and_then(|g| neighbourhood_place(a, g)).map(OneOrMany::One)),
        attributed_to: group.map(|_| collection("moderators")).transpose()?,
        members: group.map(|_| collection("members")).transpose()?,
        posting_restricted_to_mods: group.map(|g| g.posting() == Posting::Moderators),
        group_kind: group.map(|g| g.kind().as_str().to_string()),
        openness: group.map(|g| g.openness().as_str().to_string()),
        boundary: group.and_then(super::neighbourhoods::boundary),
        org_type: group.and_then(GroupProfile::org_type).map(|o| o.as_str().to_string()),
    })
}

/// A neighbourhood as a `Place` at the middle of its boundary.
fn neighbourhood_place(a: &Actor, group: &GroupProfile) -> Option<protocol::Place> {
    let [lon, lat] = super::neighbourhoods::centroid(group)?;
    let number = |n: f64| serde_json::Number::from_f64(n).map(protocol::values::NumberOrString::Number);
    Some(protocol::Place {
        kind: "Place".into(),
        id: None,
        name: Some(a.display_name.clone()),
        latitude: number((lat * 1e6).round() / 1e6),
        longitude: number((lon * 1e6).round() / 1e6),
        address: None,
        url: None,
    })
}

/// Tells followers that a local actor's profile changed (in the caller's transaction, whose
/// view of the actor's place is sent).
pub async fn announce_profile_update(state: &AppState, conn: &mut DbConn, actor: &Actor) -> DomainResult<()> {
    let actor = super::actors::ensure_keys(conn, actor.clone()).await?;
    let place = Place::of_actor(conn, &actor).await?;
    let group = GroupProfile::of(conn, actor.id).await?;
    let document = actor_document(&actor, place.as_ref(), group.as_ref(), &state.settings.instance.domain)?;
    let update =
        Activity::new(new_activity_id(&state.base_url, "update"), ActivityKind::Update, actor.ap_id.clone(), document)
            .to(Addresses::list([PUBLIC]))
            .cc(Addresses::default());
    enqueue(conn, &actor, &update, true, &[]).await
}

/// Deletes a local account (`buurt admin delete-user`): the actor becomes a Tombstone (410),
/// sessions and tokens stop working, and the servers of its followers receive a Delete of the
/// actor. Its posts stay, as by a former resident (see `privacy::deletion`).
pub async fn delete_account(state: &AppState, account: &Account) -> DomainResult<()> {
    super::privacy::deletion::delete_account(state, account, super::privacy::deletion::Content::Anonymise).await
}
