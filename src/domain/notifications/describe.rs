//! Notifications in words, for mails and digests: one line per group ("Anna en 2 anderen vinden
//! je bericht leuk").

use std::collections::HashMap;

use super::kinds;
use crate::db::models::actor::Actor;
use crate::db::models::notification::Notification;
use crate::db::{DbConn, DbResult};
use crate::i18n::Lang;

/// One line per group of notifications (same `group_key`), in the order given.
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
    let mut lines = Vec::with_capacity(groups.len());
    for (n, count) in groups {
        let name = match n.from_actor_id {
            Some(id) => Actor::by_id(conn, id).await?.map(|a| super::email::name_of(&a)).unwrap_or_default(),
            None => String::new(),
        };
        let kind = kinds::kind(&n.kind).map_or(n.kind.as_str(), |k| k.name);
        // The notifications page's sentences: "Anna …", "Anna en 1 ander …", "Anna en 2 anderen …".
        let name = if name.is_empty() { lang.t("notification-someone") } else { name };
        let who = match count {
            1 => name,
            2 => lang.t_args("notification-who-one-other", &[("name", name)]),
            n => lang.t_args("notification-who-others", &[("name", name), ("others", (n - 1).to_string())]),
        };
        let key = if count > 1 { format!("notification-{kind}-many") } else { format!("notification-{kind}") };
        lines.push(lang.t_args(&key, &[("who", who)]));
    }
    Ok(lines)
}
