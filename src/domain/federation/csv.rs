//! Block lists as CSV in Mastodon's format (`domain_blocks.csv` of its admin export):
//! `#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`, severity
//! `suspend`, `silence` or `noop`. An import is checked whole first; a file with any bad line
//! stores nothing, and the report names each bad line.

use std::collections::HashSet;

use crate::db::models::instance::{Instance, Policy, Severity};
use crate::db::models::local_user::{Account, Role};
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// Mastodon's header, which the export writes.
pub const HEADER: [&str; 6] =
    ["#domain", "#severity", "#reject_media", "#reject_reports", "#public_comment", "#obfuscate"];

/// Largest file imported (a list of 100,000 domains is about 5 MB).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// A line of the file that cannot be taken: its number (1 is the header) and why, as a message
/// key with the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: u64,
    pub key: &'static str,
    pub value: String,
}

/// What importing changes for one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// We had no policy for it.
    New,
    /// Its policy differs from the one stored.
    Changed,
    /// It is already stored so.
    Same,
}

/// One good line.
#[derive(Debug, Clone)]
pub struct Entry {
    pub line: u64,
    pub domain: String,
    pub policy: Policy,
    pub change: Change,
}

/// What a file holds: good lines and bad ones. `applied` tells whether it was stored.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub entries: Vec<Entry>,
    pub bad: Vec<BadLine>,
    pub applied: bool,
}

/// Reads a file into domains and policies (no database).
pub fn parse(text: &[u8], own_domain: &str) -> (Vec<(u64, String, Policy)>, Vec<BadLine>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let bad_line = |line: u64, key: &'static str, value: &str| BadLine { line, key, value: value.to_string() };
    if text.len() > MAX_BYTES {
        return (good, vec![bad_line(0, "federation-csv-too-large", &MAX_BYTES.to_string())]);
    }
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
    let mut columns: Option<Vec<String>> = None;
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(bad_line(line, "federation-csv-unreadable", &e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let Some(names) = &columns else {
            let names: Vec<String> =
                record.iter().map(|f| f.trim().trim_start_matches('#').to_ascii_lowercase()).collect();
            if !names.iter().any(|n| n == "domain") {
                bad.push(bad_line(line, "federation-csv-header", &record.iter().collect::<Vec<_>>().join(",")));
                return (good, bad);
            }
            if let Some(unknown) = names.iter().find(|n| !HEADER.iter().any(|h| h[1..] == **n)) {
                bad.push(bad_line(line, "federation-csv-column", unknown));
                return (good, bad);
            }
            columns = Some(names);
            continue;
        };
        let field = |name: &str| {
            names.iter().position(|n| n == name).and_then(|i| record.get(i)).map(str::trim).unwrap_or_default()
        };
        let raw_domain = field("domain");
        let domain = match super::normalize_domain(raw_domain) {
            Some(d) if d == own_domain.to_ascii_lowercase() => {
                bad.push(bad_line(line, "federation-csv-own-domain", raw_domain));
                continue;
            }
            Some(d) => d,
            None => {
                bad.push(bad_line(line, "federation-csv-domain", raw_domain));
                continue;
            }
        };
        if !seen.insert(domain.clone()) {
            bad.push(bad_line(line, "federation-csv-duplicate", &domain));
            continue;
        }
        let severity_text = field("severity");
        let severity = if severity_text.is_empty() { Some(Severity::Suspend) } else { Severity::parse(severity_text) };
        let Some(severity) = severity else {
            bad.push(bad_line(line, "federation-csv-severity", severity_text));
            continue;
        };
        let mut flags = [false; 3];
        let mut flag_error = false;
        for (slot, name) in flags.iter_mut().zip(["reject_media", "reject_reports", "obfuscate"]) {
            match field(name).to_ascii_lowercase().as_str() {
                "" | "false" | "0" => {}
                "true" | "1" => *slot = true,
                other => {
                    bad.push(bad_line(line, "federation-csv-boolean", &format!("{name}: {other}")));
                    flag_error = true;
                    break;
                }
            }
        }
        if flag_error {
            continue;
        }
        let comment = field("public_comment");
        if comment.chars().count() > super::COMMENT_MAX {
            bad.push(bad_line(line, "federation-csv-comment", &super::COMMENT_MAX.to_string()));
            continue;
        }
        let [reject_media, reject_reports, obfuscate] = flags;
        let policy = Policy {
            severity,
            reject_media,
            reject_reports,
            public_comment: comment.to_string(),
            private_comment: String::new(),
            obfuscate,
        };
        good.push((line, domain, policy));
    }
    if columns.is_none() && bad.is_empty() {
        bad.push(bad_line(1, "federation-csv-empty", ""));
    }
    (good, bad)
}

/// Imports a block list (admins). With `dry_run`, or when any line is bad, nothing is stored
/// and the report says what would change. Otherwise every line is stored in one transaction
/// (each blocked server's follows removed and deliveries dropped) and the policy reloaded.
/// A line's private comment is kept as stored: Mastodon's export has none.
pub async fn import(state: &AppState, by: &Account, text: &[u8], dry_run: bool) -> DomainResult<ImportReport> {
    super::require(by, Role::Admin)?;
    import_as(state, text, dry_run, &by.actor.username).await
}

/// [`import`] without a role check (the command line); `by` names who did it in the log.
pub async fn import_as(state: &AppState, text: &[u8], dry_run: bool, by: &str) -> DomainResult<ImportReport> {
    let (good, bad) = parse(text, &state.settings.instance.domain);
    let mut report = ImportReport { bad, ..Default::default() };
    {
        let mut conn = state.pool.get().await?;
        let stored: std::collections::HashMap<String, Instance> =
            Instance::with_policy(&mut conn).await?.into_iter().map(|i| (i.domain.clone(), i)).collect();
        for (line, domain, mut policy) in good {
            let change = match stored.get(&domain) {
                None => Change::New,
                Some(old) => {
                    policy.private_comment = old.private_comment.clone();
                    if old.policy() == policy { Change::Same } else { Change::Changed }
                }
            };
            report.entries.push(Entry { line, domain, policy, change });
        }
    }
    if dry_run || !report.bad.is_empty() {
        return Ok(report);
    }
    let mut tx = state.pool.begin().await?;
    for entry in report.entries.iter().filter(|e| e.change != Change::Same) {
        super::store_policy(&mut tx, &entry.domain, &entry.policy).await?;
    }
    tx.commit().await?;
    super::reload(state).await?;
    report.applied = true;
    tracing::info!(lines = report.entries.len(), by, "block list imported");
    Ok(report)
}

/// The servers with a policy as a CSV file in Mastodon's format (admins).
pub async fn export(state: &AppState, by: &Account) -> DomainResult<Vec<u8>> {
    super::require(by, Role::Admin)?;
    export_all(state).await
}

/// [`export`] without a role check (the command line).
pub async fn export_all(state: &AppState) -> DomainResult<Vec<u8>> {
    let rows = Instance::with_policy(&mut state.pool.get().await?).await?;
    write(&rows).map_err(|e| DomainError::Internal(e.to_string()))
}

/// Writes `rows` with a policy (not those only on the allow-list) in Mastodon's format.
pub fn write(rows: &[Instance]) -> Result<Vec<u8>, ::csv::Error> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for row in rows.iter().filter(|r| r.policy().is_set()) {
        let severity = match row.severity() {
            Severity::None => "noop",
            other => other.as_str(),
        };
        let yes_no = |b: bool| if b { "true" } else { "false" };
        writer.write_record([
            row.domain.as_str(),
            severity,
            yes_no(row.reject_media),
            yes_no(row.reject_reports),
            row.public_comment.as_str(),
            yes_no(row.obfuscate),
        ])?;
    }
    writer.into_inner().map_err(|e| ::csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_export_lines_are_read() {
        let text = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                    bad.example,suspend,true,true,Spam,false\n\
                    loud.example,silence,false,false,\"Harassment, often\",true\n\
                    pics.example,noop,true,false,,false\n";
        let (good, bad) = parse(text.as_bytes(), "buurt.example");
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(good.len(), 3);
        assert_eq!(good[0].1, "bad.example");
        assert_eq!(good[0].2.severity, Severity::Suspend);
        assert_eq!(good[1].2.public_comment, "Harassment, often");
        assert!(good[1].2.obfuscate);
        assert_eq!(good[2].2.severity, Severity::None);
        assert!(good[2].2.reject_media);
    }

    #[test]
    fn each_bad_line_is_named() {
        let text = "#domain,#severity\nok.example,suspend\nnot a domain,suspend\nx.example,ban\nok.example,silence\n";
        let (good, bad) = parse(text.as_bytes(), "buurt.example");
        assert_eq!(good.len(), 1);
        let lines: Vec<(u64, &str)> = bad.iter().map(|b| (b.line, b.key)).collect();
        assert_eq!(
            lines,
            vec![(3, "federation-csv-domain"), (4, "federation-csv-severity"), (5, "federation-csv-duplicate")]
        );
    }
}
