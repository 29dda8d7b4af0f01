//! A person's own lists of blocks, mutes and blocked domains in Mastodon's export formats, and
//! importing them back: `blocked_accounts.csv` (one `user@domain` a line),
//! `muted_accounts.csv` (header `Account address,Hide notifications`) and
//! `blocked_domains.csv` (one domain a line). An import checks every line first — each bad one
//! is named with its number and why — and stores nothing when any line is bad.

use super::{MuteSpec, block, block_domain, check_domain, mute};
use crate::db::models::actor::Actor;
use crate::db::models::actor_block::{ActorBlock, IdPage};
use crate::db::models::actor_mute::ActorMute;
use crate::db::models::domain_block_personal::DomainBlock;
use crate::db::models::local_user::Account;
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// The most lines one import takes.
pub const MAX_LINES: usize = 10_000;

/// Which list a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Blocks,
    Mutes,
    Domains,
}

impl ListKind {
    pub fn parse(s: &str) -> Option<ListKind> {
        match s {
            "blocks" => Some(ListKind::Blocks),
            "mutes" => Some(ListKind::Mutes),
            "domains" => Some(ListKind::Domains),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Blocks => "blocks",
            ListKind::Mutes => "mutes",
            ListKind::Domains => "domains",
        }
    }

    /// The file name Mastodon gives the export.
    pub fn file_name(self) -> &'static str {
        match self {
            ListKind::Blocks => "blocked_accounts.csv",
            ListKind::Mutes => "muted_accounts.csv",
            ListKind::Domains => "blocked_domains.csv",
        }
    }
}

const MUTES_HEADER: [&str; 2] = ["Account address", "Hide notifications"];

/// The address of an actor as Mastodon's exports write it.
fn address(actor: &Actor) -> String {
    format!("{}@{}", actor.username, actor.domain)
}

/// `me`'s list of `kind` as a CSV file.
pub async fn export(state: &AppState, me: &Account, kind: ListKind) -> DomainResult<String> {
    let mut conn = state.pool.get().await?;
    let all = IdPage { limit: i64::MAX >> 1, ..Default::default() };
    let mut out = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let internal = |e: csv::Error| DomainError::Internal(e.to_string());
    match kind {
        ListKind::Blocks => {
            for (_, actor) in ActorBlock::list(&mut conn, me.actor.id, &all).await?.into_iter().rev() {
                out.write_record([address(&actor)]).map_err(internal)?;
            }
        }
        ListKind::Mutes => {
            out.write_record(MUTES_HEADER).map_err(internal)?;
            for (m, actor) in ActorMute::list(&mut conn, me.actor.id, &all).await?.into_iter().rev() {
                out.write_record([address(&actor), m.notifications.to_string()]).map_err(internal)?;
            }
        }
        ListKind::Domains => {
            for d in DomainBlock::list(&mut conn, me.actor.id, &all).await?.into_iter().rev() {
                out.write_record([d.domain]).map_err(internal)?;
            }
        }
    }
    let bytes = out.into_inner().map_err(|e| DomainError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| DomainError::Internal(e.to_string()))
}

/// A line an import refused: its number (from 1), what it held, and why (a message key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub text: String,
    pub message: &'static str,
}

/// Why an import stored nothing.
#[derive(Debug)]
pub enum ImportError {
    /// These lines are wrong; nothing was stored.
    Lines(Vec<BadLine>),
    /// The file as a whole: empty, too long, not text.
    File(&'static str),
    Domain(DomainError),
}

impl From<DomainError> for ImportError {
    fn from(e: DomainError) -> Self {
        ImportError::Domain(e)
    }
}

impl From<crate::db::DbError> for ImportError {
    fn from(e: crate::db::DbError) -> Self {
        ImportError::Domain(e.into())
    }
}

/// One good line, ready to store.
enum Entry {
    Account(Box<Actor>, bool),
    Domain(String),
}

/// Imports a CSV file of `kind` into `me`'s lists (added to what is there); how many entries
/// it held. Every line is checked, and every account looked up (here, or on its server),
/// before anything is stored.
pub async fn import(state: &AppState, me: &Account, kind: ListKind, data: &[u8]) -> Result<usize, ImportError> {
    let text = std::str::from_utf8(data).map_err(|_| ImportError::File("blocks-import-not-text"))?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut bad = Vec::new();
    let mut entries = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        if line > MAX_LINES {
            return Err(ImportError::File("blocks-import-too-long"));
        }
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                bad.push(BadLine { line, text: String::new(), message: "blocks-import-bad-line" });
                continue;
            }
        };
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        let shown = fields.join(",");
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if kind == ListKind::Mutes && line == 1 && fields.first() == Some(&MUTES_HEADER[0]) {
            continue;
        }
        match read_line(state, me, kind, &fields).await {
            Ok(entry) => entries.push(entry),
            Err(message) => bad.push(BadLine { line, text: shown, message }),
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::Lines(bad));
    }
    if entries.is_empty() {
        return Err(ImportError::File("blocks-import-empty"));
    }
    let n = entries.len();
    for entry in entries {
        match entry {
            Entry::Account(actor, _) if kind == ListKind::Blocks => block(state, me, &actor).await?,
            Entry::Account(actor, notifications) => {
                mute(state, me, &actor, MuteSpec { notifications, duration: None }).await.map(drop)?
            }
            Entry::Domain(domain) => block_domain(state, me, &domain).await?,
        }
    }
    Ok(n)
}

/// One line's entry, or the message key of what is wrong with it.
async fn read_line(state: &AppState, me: &Account, kind: ListKind, fields: &[&str]) -> Result<Entry, &'static str> {
    match kind {
        ListKind::Domains => {
            let [domain] = fields else { return Err("blocks-import-one-field") };
            check_domain(state, domain).map(Entry::Domain).map_err(|_| "blocks-error-domain")
        }
        ListKind::Blocks | ListKind::Mutes => {
            let (addr, notifications) = match (kind, fields) {
                (ListKind::Blocks, [addr]) => (*addr, true),
                (ListKind::Mutes, [addr]) => (*addr, true),
                (ListKind::Mutes, [addr, hide]) => match hide.to_ascii_lowercase().as_str() {
                    "true" => (*addr, true),
                    "false" => (*addr, false),
                    _ => return Err("blocks-import-bad-flag"),
                },
                (ListKind::Blocks, _) => return Err("blocks-import-one-field"),
                _ => return Err("blocks-import-two-fields"),
            };
            let addr = addr.trim_start_matches('@');
            let well_formed = addr.split_once('@').is_some_and(|(name, domain)| {
                !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
                    && (check_domain(state, domain).is_ok()
                        || domain.eq_ignore_ascii_case(&state.settings.instance.domain))
            });
            if !well_formed {
                return Err("blocks-import-bad-address");
            }
            let actor = match crate::domain::resolve::account(state, addr, true).await {
                Ok(Some(actor)) => actor,
                _ => return Err("blocks-import-unknown-account"),
            };
            if actor.id == me.actor.id {
                return Err("blocks-error-self");
            }
            Ok(Entry::Account(Box::new(actor), notifications))
        }
    }
}
