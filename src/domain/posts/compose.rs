//! What a resident typed, made ready to store: their mentions looked up (people here, and people
//! elsewhere we know), then the text rendered as HTML with those mentions linked — plain text
//! for posts, Markdown for discussions. The links are what `wire::mentioned` reads back as
//! `Mention` tags.

use std::collections::HashMap;

use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId};
use crate::domain::DomainResult;
use crate::util::html;
use crate::util::markdown;

/// The people a text mentions, by how they were written (`name`, `host`).
#[derive(Debug, Default)]
pub struct Mentions {
    found: HashMap<(String, Option<String>), Actor>,
}

impl Mentions {
    /// Looks up the `@name` and `@name@host` of `text`: local people and groups by name, people
    /// elsewhere only when already known here (nothing is fetched while writing).
    pub async fn of(conn: &mut DbConn, text: &str, domain: &str) -> DomainResult<Mentions> {
        let mut found = HashMap::new();
        for m in markdown::mentions(text) {
            let key = (m.name.to_string(), m.host.map(str::to_string));
            if found.contains_key(&key) {
                continue;
            }
            let host = m.host.unwrap_or(domain);
            if let Some(actor) = Actor::by_name(conn, m.name, host).await?.filter(|a| !a.deleted) {
                found.insert(key, actor);
            }
        }
        Ok(Mentions { found })
    }

    fn href(&self, name: &str, host: Option<&str>) -> Option<String> {
        self.found.get(&(name.to_string(), host.map(str::to_string))).map(|a| a.ap_id.clone())
    }

    /// The local people mentioned: they are notified.
    pub fn local(&self) -> Vec<ActorId> {
        let mut ids: Vec<ActorId> = self.found.values().filter(|a| a.local).map(|a| a.id).collect();
        ids.sort_unstable_by_key(|a| a.0);
        ids.dedup();
        ids
    }

    /// The people elsewhere mentioned: they receive the post.
    pub fn remote(&self) -> Vec<ActorId> {
        let mut ids: Vec<ActorId> = self.found.values().filter(|a| !a.local).map(|a| a.id).collect();
        ids.sort_unstable_by_key(|a| a.0);
        ids.dedup();
        ids
    }

    /// Markdown as sanitized HTML with these mentions linked.
    pub fn markdown(&self, source: &str) -> String {
        markdown::to_html(source, &|name, host| self.href(name, host))
    }

    /// Plain text as HTML paragraphs (`html::text_to_html`) with these mentions linked.
    pub fn plain(&self, text: &str) -> String {
        let paragraphs = html::text_to_html(text);
        if self.found.is_empty() {
            return paragraphs;
        }
        // `text_to_html` writes only `<p>` and `<br>` around escaped text: a mention cannot
        // stand inside a tag.
        let mut out = String::with_capacity(paragraphs.len() + 64);
        let mut at = 0;
        for m in markdown::mentions(&paragraphs) {
            let Some(href) = self.href(m.name, m.host) else { continue };
            out.push_str(&paragraphs[at..m.start]);
            // The text is escaped already, and a mention has no character escaping changes.
            out.push_str(&markdown::mention_link(&href, &paragraphs[m.start + 1..m.end]));
            at = m.end;
        }
        out.push_str(&paragraphs[at..]);
        html::sanitize(&out)
    }
}
