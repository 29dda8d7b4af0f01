//! Notifications in words: the one sentence of a group of notifications ("Anna en 2 anderen
//! vinden je bericht leuk"), used by the notifications page, mails and digests.

use std::collections::HashMap;

use super::kinds;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::notification::Notification;
use crate::db::{DbConn, DbResult};
use crate::i18n::Lang;

/// The sentence of `count` notifications of `kind`, the newest caused by `from`.
pub fn sentence(lang: Lang, kind: &str, from: Option<&Actor>, count: usize) -> String {
    let name = from.map_or_else(|| lang.t("notification-someone"), Actor::shown_name);
    let who = match count {
        0 | 1 => name,
        n => lang.t_with("notification-who-others", &[("name", name.into()), ("others", (n - 1).into())]),
    };
    let key = match (kinds::kind(kind).is_some(), count > 1) {
        (false, _) => "notification-other".to_string(),
        (true, false) => format!("notification-{kind}"),
        (true, true) => format!("notification-{kind}-many"),
    };
    lang.t_args(&key, &[("who", who)])
}

/// One sentence per group of notifications (same `group_key`), in the order given; the actors
/// are read in one query.
pub async fn lines(conn: &mut DbConn, notifications: &[Notification], lang: Lang) -> DbResult<Vec<String>> {
    let mut groups: Vec<(&Notification, usize)> = vec![];
    let mut index: HashMap<&str, usize> = HashMap::new();
    for n in notifications {
        match index.get(n.group_key.as_str()) {
            Some(&i) => groups[i].1 += 1,
            None => {
                index.insert(n.group_key.as_str(), groups.len());
                groups.push((n, 1));
            }
        }
    }
    let ids: Vec<ActorId> = groups.iter().filter_map(|(n, _)| n.from_actor_id).collect();
    let actors: HashMap<ActorId, Actor> = Actor::by_ids(conn, &ids).await?.into_iter().map(|a| (a.id, a)).collect();
    Ok(groups
        .into_iter()
        .map(|(n, count)| sentence(lang, &n.kind, n.from_actor_id.and_then(|id| actors.get(&id)), count))
        .collect())
}
