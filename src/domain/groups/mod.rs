//! Groups, neighbourhoods and organisations: creating, editing, archiving and deleting them,
//! and finding them. Who may do what is decided in [`rights`]; membership (joining, leaving,
//! requests, invitations, roles) is in [`members`]; its ActivityPub shapes in [`wire`].

pub mod discussions;
pub mod invitations;
pub mod members;
pub mod remote;
pub mod rights;
pub mod wire;

use super::outbox::{enqueue, new_activity_id};
use super::{DomainError, DomainResult, validate};
use crate::apub::protocol::{self, Activity, ActivityKind, Addresses, PUBLIC};
use crate::config::Settings;
use crate::db::models::actor::{Actor, ActorId, ActorKind, ActorUpdate};
use crate::db::models::group_profile::{
    ContentVisibility, DirectoryQuery, GroupKind, GroupProfile, GroupStatus, Openness, OrgType, Posting,
};
use crate::db::models::local_name;
use crate::db::models::local_user::{Account, Role};
use crate::db::models::membership::{GroupRole, MemberState, Membership, MembershipInsert};
use crate::db::{DbConn, DbPool, now};
use crate::state::AppState;
use rights::Standing;

/// Longest group description, in characters.
pub const GROUP_SUMMARY_MAX: usize = 2000;

/// A group with what it is.
#[derive(Debug, Clone)]
pub struct Group {
    pub actor: Actor,
    pub profile: GroupProfile,
}

/// What a resident fills in to create a group.
#[derive(Debug, Clone, Default)]
pub struct NewGroup {
    /// The handle: `/g/NAME`, `@NAME@domain`; shares the name space with persons.
    pub name: String,
    pub display_name: String,
    /// Plain text; paragraphs separated by an empty line.
    pub summary: String,
    /// `interest` or `organisation` (neighbourhoods are imported or made by staff).
    pub kind: String,
    pub openness: String,
    pub content: String,
    pub posting: String,
    /// An organisation's type (`association`, `business`, `care_provider`, `municipality`,
    /// `other`); required for an organisation, ignored for other kinds.
    pub org_type: String,
}

/// The settings of a new group as stored: checked input, or the defaults of an admin's group.
struct Spec<'a> {
    name: &'a str,
    display_name: &'a str,
    summary: String,
    kind: GroupKind,
    openness: Openness,
    content: ContentVisibility,
    posting: Posting,
    status: GroupStatus,
    creator: Option<ActorId>,
    org_type: Option<OrgType>,
}

/// Creates a local group (`buurt admin create-group NAME`): an open, public interest group
/// without administrator.
pub async fn create_group(pool: &DbPool, settings: &Settings, name: &str, display_name: &str) -> DomainResult<Actor> {
    let mut errors = validate::FieldErrors::default();
    validate::username(name, &mut errors);
    validate::display_name(display_name, &mut errors);
    errors.into_result()?;
    let spec = Spec {
        name,
        display_name,
        summary: String::new(),
        kind: GroupKind::Interest,
        openness: Openness::Open,
        content: ContentVisibility::Public,
        posting: Posting::Members,
        status: GroupStatus::Active,
        creator: None,
        org_type: None,
    };
    let mut tx = pool.begin().await?;
    let group = insert(&mut tx, settings, &spec).await?;
    tx.commit().await?;
    tracing::info!(name, "group created");
    Ok(group)
}

/// A resident creates a group and becomes its administrator. Where the instance has new groups
/// approved, it waits (pending) for a site moderator; where only staff create groups, others
/// are refused.
pub async fn create(state: &AppState, creator: &Account, input: &NewGroup) -> DomainResult<Group> {
    let Some(status) = rights::creation(state.runtime.group_creation(), creator) else {
        return Err(DomainError::Forbidden);
    };
    let mut errors = validate::FieldErrors::default();
    let name = input.name.trim();
    validate::username(name, &mut errors);
    let display_name = input.display_name.trim();
    validate::display_name(display_name, &mut errors);
    if input.summary.chars().count() > GROUP_SUMMARY_MAX {
        errors.add("summary", "error-too-long");
    }
    let staff = creator.user.role() >= Role::Moderator;
    let kind = match GroupKind::parse(&input.kind) {
        Some(GroupKind::Neighbourhood) if !staff => None,
        other => other,
    };
    let openness = Openness::parse(&input.openness);
    let content = ContentVisibility::parse(&input.content);
    let posting = Posting::parse(&input.posting);
    let org_type = OrgType::parse(input.org_type.trim());
    if kind == Some(GroupKind::Organisation) && org_type.is_none() {
        errors.add("org_type", "error-choice-invalid");
    }
    let org_type = org_type.filter(|_| kind == Some(GroupKind::Organisation));
    for (field, ok) in [
        ("kind", kind.is_some()),
        ("openness", openness.is_some()),
        ("content", content.is_some()),
        ("posting", posting.is_some()),
    ] {
        if !ok {
            errors.add(field, "error-choice-invalid");
        }
    }
    // Any choice missing has its error above.
    let (Some(kind), Some(openness), Some(content), Some(posting)) = (kind, openness, content, posting) else {
        return Err(DomainError::Invalid(errors));
    };
    errors.into_result()?;
    let spec = Spec {
        name,
        display_name,
        summary: crate::util::html::text_to_html(&input.summary),
        kind,
        openness,
        content,
        posting,
        status,
        creator: Some(creator.actor.id),
        org_type,
    };
    let mut tx = state.pool.begin().await?;
    let actor = insert(&mut tx, &state.settings, &spec).await?;
    let t = now();
    let join_id = members::member_id(&state.base_url);
    let admin = MembershipInsert {
        group_id: actor.id,
        member_id: creator.actor.id,
        role: GroupRole::Administrator.as_str(),
        state: MemberState::Accepted.as_str(),
        ap_id: &join_id,
        invited_by: None,
        message: "",
        created_at: t,
        updated_at: t,
    };
    Membership::insert(&mut tx, &admin).await?;
    super::actors::queue_keys(&mut tx, actor.id).await?;
    let profile = GroupProfile::of(&mut tx, actor.id).await?.ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    crate::jobs::wake(state);
    tracing::info!(name, status = status.as_str(), "group created by a resident");
    Ok(Group { actor, profile })
}

/// The actor, its name reserved, and its profile, in the caller's transaction.
async fn insert(conn: &mut DbConn, settings: &Settings, spec: &Spec<'_>) -> DomainResult<Actor> {
    local_name::reserve(conn, spec.name, "group").await.map_err(|e| match e {
        crate::db::DbError::Conflict(_) => {
            DomainError::Invalid(validate::FieldErrors::one("username", "error-username-taken"))
        }
        other => other.into(),
    })?;
    let display_name = if spec.display_name.is_empty() { spec.name } else { spec.display_name };
    // An organisation is an `Organization` actor (Mastodon follows it like any account).
    let actor_kind = if spec.kind == GroupKind::Organisation { ActorKind::Organization } else { ActorKind::Group };
    let mut form = super::actors::local_form(settings, actor_kind, spec.name, display_name);
    form.summary = spec.summary.clone();
    let actor = crate::db::models::actor::Actor::insert(conn, &form).await?;
    let t = now();
    let profile = GroupProfile {
        actor_id: actor.id,
        kind: spec.kind.as_str().into(),
        openness: spec.openness.as_str().into(),
        content: spec.content.as_str().into(),
        posting: spec.posting.as_str().into(),
        status: spec.status.as_str().into(),
        neighbourhood_id: None,
        boundary: None,
        code: None,
        members_url: None,
        created_by: spec.creator,
        created_at: t,
        updated_at: t,
        org_type: spec.org_type.map(|o| o.as_str().to_string()),
    };
    GroupProfile::insert(conn, &profile).await?;
    Ok(actor)
}

/// A local group by its name, with its profile (a group made before profiles existed reads as
/// an open, public interest group).
pub async fn local(conn: &mut DbConn, settings: &Settings, name: &str) -> DomainResult<Option<Group>> {
    let Some(actor) = super::actors::local_by_name(conn, settings, name).await? else { return Ok(None) };
    if !actor.kind().is_group() {
        return Ok(None);
    }
    Ok(Some(with_profile(conn, actor).await?))
}

/// A group by its actor's id, with its profile.
pub async fn by_id(conn: &mut DbConn, id: ActorId) -> DomainResult<Group> {
    let actor = Actor::by_id(conn, id).await?.ok_or(DomainError::NotFound)?;
    with_profile(conn, actor).await
}

/// A group actor (local or remote) with its profile.
pub async fn with_profile(conn: &mut DbConn, actor: Actor) -> DomainResult<Group> {
    let profile = match GroupProfile::of(conn, actor.id).await? {
        Some(p) => p,
        None => {
            let t = actor.published;
            GroupProfile {
                actor_id: actor.id,
                kind: if actor.kind() == ActorKind::Organization {
                    GroupKind::Organisation
                } else {
                    GroupKind::Interest
                }
                .as_str()
                .into(),
                openness: if actor.local { Openness::Open } else { Openness::Approval }.as_str().into(),
                content: ContentVisibility::Public.as_str().into(),
                posting: Posting::Members.as_str().into(),
                status: GroupStatus::Active.as_str().into(),
                neighbourhood_id: None,
                boundary: None,
                code: None,
                members_url: None,
                created_by: None,
                created_at: t,
                updated_at: t,
                org_type: None,
            }
        }
    };
    Ok(Group { actor, profile })
}

/// The groups of the directory the viewer may see.
pub async fn directory(state: &AppState, viewer: Option<&Account>, q: &DirectoryQuery<'_>) -> DomainResult<Vec<Group>> {
    let staff = viewer.is_some_and(|a| a.user.role() >= Role::Moderator);
    let q = DirectoryQuery { all_statuses: staff && q.all_statuses, ..q.clone() };
    let mut conn = state.pool.get().await?;
    let rows = GroupProfile::directory(&mut conn, &q).await?;
    Ok(rows.into_iter().map(|(actor, profile)| Group { actor, profile }).collect())
}

/// What an administrator can change about a group.
#[derive(Debug, Clone, Default)]
pub struct GroupEdit {
    pub display_name: String,
    /// Plain text; paragraphs separated by an empty line.
    pub summary: String,
    /// `open`, `approval` or `invite`; `None` leaves it.
    pub openness: Option<String>,
    /// `public` or `members`; `None` leaves it.
    pub content: Option<String>,
    /// `members`, `anyone` or `moderators`; `None` leaves it.
    pub posting: Option<String>,
}

/// Checks a group edit without changing anything.
pub fn check_group_edit(edit: &GroupEdit) -> DomainResult<()> {
    let mut errors = validate::FieldErrors::default();
    validate::display_name(edit.display_name.trim(), &mut errors);
    if edit.summary.chars().count() > GROUP_SUMMARY_MAX {
        errors.add("summary", "error-too-long");
    }
    let bad = |v: &Option<String>, ok: fn(&str) -> bool| v.as_deref().is_some_and(|v| !ok(v));
    if bad(&edit.openness, |v| Openness::parse(v).is_some()) {
        errors.add("openness", "error-choice-invalid");
    }
    if bad(&edit.content, |v| ContentVisibility::parse(v).is_some()) {
        errors.add("content", "error-choice-invalid");
    }
    if bad(&edit.posting, |v| Posting::parse(v).is_some()) {
        errors.add("posting", "error-choice-invalid");
    }
    errors.into_result()
}

/// The group's administrators (and site admins and moderators) edit a local group; followers
/// receive an Update.
pub async fn update_group(state: &AppState, editor: &Account, group: &Actor, edit: &GroupEdit) -> DomainResult<Actor> {
    if !group.local || !group.kind().is_group() {
        return Err(DomainError::NotFound);
    }
    // The key pair the Update is signed with, before the transaction: made inside it, after
    // the actor's row is locked, it waited for a keys job that waited for that lock.
    super::actors::prepare_keys(&state.pool, group).await?;
    let mut tx = state.pool.begin().await?;
    let standing = Standing::of(&mut tx, group.id, Some(editor)).await?;
    if !(standing.administers() || standing.site.is_some_and(|r| r >= Role::Moderator)) {
        return Err(DomainError::Forbidden);
    }
    check_group_edit(edit)?;
    let display_name =
        if edit.display_name.trim().is_empty() { group.username.as_str() } else { edit.display_name.trim() };
    let summary = crate::util::html::text_to_html(&edit.summary);
    let form = ActorUpdate {
        display_name: Some(display_name),
        summary: Some(&summary),
        updated_at: Some(now()),
        ..Default::default()
    };
    crate::db::models::actor::Actor::update(&mut tx, group.id, &form).await?;
    let Group { mut profile, .. } = with_profile(&mut tx, group.clone()).await?;
    if edit.openness.is_some() || edit.content.is_some() || edit.posting.is_some() {
        let keep = |new: &Option<String>, old: &str| new.clone().unwrap_or_else(|| old.to_string());
        profile.openness = keep(&edit.openness, &profile.openness);
        profile.content = keep(&edit.content, &profile.content);
        profile.posting = keep(&edit.posting, &profile.posting);
        profile.updated_at = now();
        GroupProfile::save(&mut tx, &profile).await?;
    }
    let updated = crate::db::models::actor::Actor::by_id(&mut tx, group.id).await?.ok_or(DomainError::NotFound)?;
    super::profile::announce_profile_update(state, &mut tx, &updated).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(updated)
}

/// Changes a group's status: a site moderator approves a pending group; its administrators
/// archive it (read-only, nobody joins or posts) or open it again.
pub async fn set_status(state: &AppState, by: &Account, group: &Group, status: GroupStatus) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let standing = Standing::of(&mut tx, group.actor.id, Some(by)).await?;
    let site_moderator = standing.site.is_some_and(|r| r >= Role::Moderator);
    let allowed = match (group.profile.status(), status) {
        (GroupStatus::Pending, GroupStatus::Active) => site_moderator,
        (GroupStatus::Active, GroupStatus::Archived) | (GroupStatus::Archived, GroupStatus::Active) => {
            standing.administers() || site_moderator
        }
        _ => false,
    };
    if !allowed {
        return Err(DomainError::Forbidden);
    }
    let mut profile = group.profile.clone();
    profile.status = status.as_str().into();
    profile.updated_at = now();
    GroupProfile::save(&mut tx, &profile).await?;
    tx.commit().await?;
    tracing::info!(group = %group.actor.username, status = status.as_str(), "group status changed");
    Ok(())
}

/// Deletes a local group: its actor becomes a Tombstone and followers' and members' servers
/// receive a Delete of the actor. Its administrators and site admins may.
pub async fn delete(state: &AppState, by: &Account, group: &Group) -> DomainResult<()> {
    super::actors::prepare_keys(&state.pool, &group.actor).await?;
    let mut tx = state.pool.begin().await?;
    let standing = Standing::of(&mut tx, group.actor.id, Some(by)).await?;
    if !standing.administers() {
        return Err(DomainError::Forbidden);
    }
    let actor = crate::db::models::actor::Actor::by_id(&mut tx, group.actor.id).await?.ok_or(DomainError::NotFound)?;
    let actor = super::actors::ensure_keys(&mut tx, actor).await?;
    let id = new_activity_id(&state.base_url, "delete");
    let delete = Activity::new(id, ActivityKind::Delete, actor.ap_id.clone(), protocol::Id(actor.ap_id.clone()))
        .to(Addresses::list([PUBLIC]))
        .cc(Addresses::list(actor.followers_url.clone()));
    let remote_members = Membership::remote_members(&mut tx, actor.id).await?;
    enqueue(&mut tx, &actor, &delete, true, &remote_members).await?;
    let gone = ActorUpdate { deleted: Some(true), updated_at: Some(now()), ..Default::default() };
    crate::db::models::actor::Actor::update(&mut tx, actor.id, &gone).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    tracing::info!(group = %actor.username, "group deleted");
    Ok(())
}
