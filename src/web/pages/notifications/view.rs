//! The notifications page's template and its entries as the page shows them.

use askama::Template;

use crate::db::views::notification_page::NotificationEntry;
use crate::domain::notifications::describe;
use crate::util::html;
use crate::web::context::Ctx;

/// Characters of a post shown with its notification.
const EXCERPT_CHARS: usize = 140;

/// One entry as the page shows it.
pub struct EntryRow {
    /// The sentence: "Anna en 2 anderen vinden je bericht leuk."
    pub text: String,
    pub excerpt: Option<String>,
    /// Where the entry leads: the post, the person, the registrations to approve.
    pub href: Option<String>,
    pub when: String,
    pub unread: bool,
}

impl EntryRow {
    pub fn of(ctx: &Ctx, entry: &NotificationEntry, last_read: i64) -> EntryRow {
        let kind = entry.newest.kind.as_str();
        let text = describe::sentence(ctx.lang, kind, entry.from.as_ref(), entry.count as usize);
        let post = entry.post.as_ref().filter(|p| !p.deleted);
        let excerpt = post.map(|p| html::excerpt(&p.content, EXCERPT_CHARS)).filter(|e| !e.is_empty());
        let href = match (kind, post, &entry.from) {
            ("sign_up", _, _) => Some("/beheer/aanmeldingen".to_string()),
            ("group_invite", _, _) => Some("/groepen/uitnodigingen".to_string()),
            // A report's page in its queue, or the reporter's own reports.
            ("report" | "group_report" | "report_resolved", _, _) => entry.newest.subject.clone(),
            // The event's page.
            ("event_request" | "event_accepted" | "event_changed" | "event_cancelled" | "event_reminder", _, _) => {
                entry.newest.subject.clone()
            }
            (_, Some(p), _) if p.local => Some(format!("/p/{}", p.id.0)),
            (_, Some(p), _) => Some(p.url.clone().unwrap_or_else(|| p.ap_id.clone())),
            (_, None, Some(a)) if a.local => Some(format!("/u/{}", a.username)),
            (_, None, Some(a)) => Some(a.url.clone().unwrap_or_else(|| a.ap_id.clone())),
            _ => None,
        };
        EntryRow {
            text,
            excerpt,
            href,
            when: ctx.datetime(entry.newest.created_at),
            unread: entry.newest.id > last_read,
        }
    }
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
pub struct ListPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<EntryRow>,
    /// The newest id shown: "mark all as read" marks up to it.
    pub newest: Option<i64>,
    pub any_unread: bool,
    pub older: Option<String>,
    pub notice: Option<String>,
}
