//! Residents here in groups elsewhere, in Mobilizon's shapes (the fixtures under
//! `tests/fixtures/mobilizon/`, their hosts pointed at a second instance): an `Invite` answered
//! with `Accept` or `Reject` of the `Member`, an `Update` of the `Member`'s role, a `Remove`; the
//! same refused from a host that does not own the group. Between two Buurt instances: a
//! changed role, a removal and an invitation reach the member's server. And a Friendica forum
//! follow of a group.

use std::time::SystemTime;

use buurt::apub::protocol::{Activity, ActivityKind, Object};
use buurt::db::models::actor::Actor;
use buurt::db::models::local_user::Role;
use buurt::db::models::membership::{GroupRole, MemberState, Membership};
use serde_json::{Value, json};

use crate::both;
use crate::inbox::post_signed;
use crate::notifications::notifications_of;
use crate::util::*;

both!(
    residents_answer_invitations_of_groups_elsewhere_in_mobilizons_shapes,
    buurt_groups_tell_members_elsewhere_of_roles_removals_and_invitations,
);

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn mobilizon_membership_fixtures_read_as_members() {
    for (name, kind, role) in [
        ("mobilizon/accept-member", ActivityKind::Accept, "member"),
        ("mobilizon/accept-invite", ActivityKind::Accept, "member"),
        ("mobilizon/update-member", ActivityKind::Update, "moderator"),
        ("mobilizon/remove-member", ActivityKind::Remove, "member"),
    ] {
        let activity = Activity::<Object>::parse(fixture(name).as_bytes()).unwrap();
        assert_eq!(activity.kind, kind, "{name}");
        let Object::Member(member) = &activity.object else { panic!("{name}: {:?}", activity.object) };
        assert_eq!(member.role.as_deref(), Some(role), "{name}");
        assert!(member.actor.is_some() && member.object.is_some() && member.id.is_some(), "{name}");
    }
    // Friendica joins a forum by following it.
    let follow = Activity::<Object>::parse(fixture("friendica/follow-forum").as_bytes()).unwrap();
    assert_eq!(follow.kind, ActivityKind::Follow);
    let undo = Activity::<Object>::parse(fixture("friendica/undo-follow-forum").as_bytes()).unwrap();
    assert!(matches!(undo.object, Object::Activity(ref a) if a.kind == ActivityKind::Follow));
}

/// The membership of the local person `name` in the group with ActivityPub id `group`.
async fn membership_in(app: &TestApp, group: &str, name: &str) -> Option<(MemberState, GroupRole)> {
    let mut conn = app.state.pool.get().await.unwrap();
    let g = Actor::by_ap_id(&mut conn, group).await.unwrap()?;
    let person = app.account(name).await?.actor;
    Membership::find(&mut conn, g.id, person.id).await.unwrap().map(|m| (m.state(), m.role()))
}

async fn residents_answer_invitations_of_groups_elsewhere_in_mobilizons_shapes(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let carla = beta.api_user("carla").await;
    carla.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Koor"})).await;
    let koor = beta.url("/g/koor");
    alpha.create_user("anna", Role::Member).await;
    let anna = alpha.url("/u/anna");
    let bert = signer(&beta, "bert").await;
    // A fixture with its hosts pointed at beta (the group's) and alpha (ours).
    let shaped = |name: &str, n: u32| -> Value {
        let text = fixture(name)
            .replace("https://mobilizon.example/@buurtgroep", &koor)
            .replace("https://mobilizon.example/@marie", &bert.actor)
            .replace("https://oost.buurt.example/u/anna", &anna)
            .replace("https://mobilizon.example/invite/55", &format!("{}/invite/{n}", beta.base))
            .replace("https://mobilizon.example", &beta.base);
        serde_json::from_str(&text).unwrap()
    };
    let send = |body: Value| {
        let inbox = alpha.url("/inbox");
        let bert = &bert;
        async move { post_signed(&inbox, body.to_string().as_bytes(), bert, SystemTime::now()).await.status().as_u16() }
    };

    // An Invite: an invited membership of the group there, and Anna hears of it.
    let mut invite = shaped("mobilizon/invite", 55);
    invite["id"] = json!(format!("{}/invite/55", beta.base));
    assert_eq!(send(invite).await, 202);
    assert_eq!(membership_in(&alpha, &koor, "anna").await, Some((MemberState::Invited, GroupRole::Member)));
    let told = notifications_of(&alpha, "anna").await;
    assert!(told.iter().any(|n| n.0 == "group_invite"), "{told:?}");
    // From a host that does not own the group: refused, nothing stored.
    let mut foreign = shaped("mobilizon/invite", 60);
    foreign["id"] = json!(format!("{}/invite/60", beta.base));
    foreign["object"] = json!("http://elsewhere.example/g/tuin");
    assert_eq!(send(foreign).await, 403);
    let mut conn = alpha.state.pool.get().await.unwrap();
    assert!(Actor::by_ap_id(&mut conn, "http://elsewhere.example/g/tuin").await.unwrap().is_none());
    drop(conn);

    // Anna accepts on the web: a member, and an Accept of the Member (its id the Invite's).
    let browser = alpha.browser();
    browser.login("anna", PASSWORD).await;
    let page = browser.get_html("/groepen/uitnodigingen").await;
    assert!(page.html().contains("Koor"));
    let koor_id = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        Actor::by_ap_id(&mut conn, &koor).await.unwrap().unwrap().id.0
    };
    let action = format!("/groepen/uitnodigingen/{koor_id}");
    let stranger = alpha.signed_in("otto", Role::Member).await;
    assert_eq!(stranger.submit("/groepen/uitnodigingen", &action, &[("answer", "accept")]).await.status(), 404);
    let response = browser.submit("/groepen/uitnodigingen", &action, &[("answer", "accept")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(membership_in(&alpha, &koor, "anna").await, Some((MemberState::Accepted, GroupRole::Member)));
    let accepts = queued_by(&alpha, "anna", "Accept").await;
    assert_eq!(accepts.len(), 1);
    assert_eq!(accepts[0]["object"]["type"], "Member");
    assert_eq!(accepts[0]["object"]["id"], format!("{}/invite/55", beta.base));
    assert_eq!(accepts[0]["object"]["object"], koor);

    // Update of the Member: her role there; from the wrong host refused.
    let mut wrong = shaped("mobilizon/update-member", 55);
    wrong["id"] = json!(format!("{}/update/wrong", beta.base));
    wrong["object"]["object"] = json!("http://elsewhere.example/g/tuin");
    assert_eq!(send(wrong).await, 403);
    assert_eq!(send(shaped("mobilizon/update-member", 55)).await, 202);
    assert_eq!(membership_in(&alpha, &koor, "anna").await, Some((MemberState::Accepted, GroupRole::Moderator)));

    // Remove of the Member: from the wrong host nothing changes; from the group's, she is out.
    let mut wrong = shaped("mobilizon/remove-member", 55);
    wrong["id"] = json!(format!("{}/remove/wrong", beta.base));
    wrong["object"]["object"] = json!("http://elsewhere.example/g/tuin");
    assert_eq!(send(wrong).await, 403);
    assert!(membership_in(&alpha, &koor, "anna").await.is_some());
    assert_eq!(send(shaped("mobilizon/remove-member", 55)).await, 202);
    assert_eq!(membership_in(&alpha, &koor, "anna").await, None);

    // A second invitation, declined: gone, and a Reject of the Member goes back.
    let mut again = shaped("mobilizon/invite", 56);
    again["id"] = json!(format!("{}/invite/56", beta.base));
    assert_eq!(send(again).await, 202);
    assert_eq!(membership_in(&alpha, &koor, "anna").await, Some((MemberState::Invited, GroupRole::Member)));
    let response = browser.submit("/groepen/uitnodigingen", &action, &[("answer", "decline")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(membership_in(&alpha, &koor, "anna").await, None);
    let rejects = queued_by(&alpha, "anna", "Reject").await;
    assert_eq!(rejects[0]["object"]["id"], format!("{}/invite/56", beta.base));

    // Friendica joins a forum by following it: a Follow of a group here is accepted.
    let anna_api = alpha.api_user("ada").await;
    anna_api.post("/api/buurt/v1/groups", json!({"name": "oosterpark", "display_name": "Oosterpark"})).await;
    let friendica = |name: &str| -> Value {
        let text = fixture(name)
            .replace("https://friendica.example/profile/henk", &bert.actor)
            .replace("https://oost.buurt.example/g/oosterpark", &alpha.url("/g/oosterpark"))
            .replace("https://friendica.example", &beta.base);
        serde_json::from_str(&text).unwrap()
    };
    assert_eq!(send(friendica("friendica/follow-forum")).await, 202);
    let accepted = queued_by(&alpha, "oosterpark", "Accept").await;
    assert_eq!(accepted[0]["object"]["id"], friendica("friendica/follow-forum")["id"]);
    assert_eq!(send(friendica("friendica/undo-follow-forum")).await, 202);
    let mut conn = alpha.state.pool.get().await.unwrap();
    let group = Actor::by_ap_id(&mut conn, &alpha.url("/g/oosterpark")).await.unwrap().unwrap();
    assert_eq!(buurt::db::models::actor_count::ActorCount::of(&mut conn, group.id).await.unwrap().followers, 0);
    drop(conn);
    alpha.stop().await;
    beta.stop().await;
}

async fn buurt_groups_tell_members_elsewhere_of_roles_removals_and_invitations(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let carla = beta.api_user("carla").await;
    carla.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Koor"})).await;
    let koor_url = beta.url("/g/koor");
    let anna = alpha.create_user("anna", Role::Member).await;
    let koor = {
        let handle = format!("koor@{}", beta.settings().instance.domain);
        let found = buurt::domain::resolve::account(&alpha.state, &handle, true).await.unwrap().unwrap();
        let mut conn = alpha.state.pool.get().await.unwrap();
        buurt::domain::groups::with_profile(&mut conn, found).await.unwrap()
    };
    // Anna joins the open group there and is accepted.
    buurt::domain::groups::members::join(&alpha.state, &anna, &koor, "").await.unwrap();
    alpha.drain().await;
    let accepted = || async { membership_in(&alpha, &koor_url, "anna").await };
    eventually("beta accepts Anna", || async {
        beta.drain().await;
        accepted().await == Some((MemberState::Accepted, GroupRole::Member))
    })
    .await;
    let anna_on_beta = {
        let mut conn = beta.state.pool.get().await.unwrap();
        Actor::by_ap_id(&mut conn, &alpha.url("/u/anna")).await.unwrap().unwrap().id.0
    };
    let member_path = format!("/api/buurt/v1/groups/koor/members/{anna_on_beta}");

    // A changed role: an Update of the Member reaches alpha.
    carla.post(&member_path, json!({"action": "role", "role": "moderator"})).await;
    let updates = queued_by(&beta, "koor", "Update").await;
    let update = updates.iter().find(|u| u["object"]["type"] == "Member").expect("an Update of the Member");
    assert_eq!(update["object"]["role"], "moderator");
    assert_eq!(update["object"]["actor"], alpha.url("/u/anna"));
    beta.drain().await;
    eventually("alpha hears of the role", || async {
        accepted().await == Some((MemberState::Accepted, GroupRole::Moderator))
    })
    .await;

    // Removed there: gone here too.
    carla.post(&member_path, json!({"action": "remove"})).await;
    beta.drain().await;
    eventually("alpha hears of the removal", || async { accepted().await.is_none() }).await;

    // Invited there: invited here; accepting makes her a member on both sides.
    let who = format!("anna@{}", alpha.settings().instance.domain);
    carla.post("/api/buurt/v1/groups/koor/invitations", json!({"who": who})).await;
    beta.drain().await;
    eventually("alpha stores the invitation", || async {
        accepted().await == Some((MemberState::Invited, GroupRole::Member))
    })
    .await;
    let state = buurt::domain::groups::members::join(&alpha.state, &anna, &koor, "").await.unwrap();
    assert_eq!(state, MemberState::Accepted);
    alpha.drain().await;
    eventually("beta takes the Accept of its invitation", || async {
        let mut conn = beta.state.pool.get().await.unwrap();
        let g = Actor::by_ap_id(&mut conn, &koor_url).await.unwrap().unwrap();
        let a = buurt::db::models::actor::ActorId(anna_on_beta);
        Membership::find(&mut conn, g.id, a).await.unwrap().is_some_and(|m| m.state() == MemberState::Accepted)
    })
    .await;
    alpha.stop().await;
    beta.stop().await;
}
