//! The report: one table per load, figures per server and Buurt ÷ peer.

use super::*;

/// One table row: a figure for every server, then Buurt ÷ peer for every pair.
pub(super) fn row(
    first: &str,
    figure: &str,
    values: &[Option<f64>],
    kinds: &[Kind],
    show: fn(f64) -> String,
    ratios: bool,
) -> String {
    let mut cells = vec![first.to_string(), figure.to_string()];
    cells.extend(values.iter().map(|v| v.map_or("–".to_string(), show)));
    for (i, _) in kinds.iter().enumerate().filter(|(_, k)| matches!(k, Kind::Buurt(_))) {
        for (j, _) in kinds.iter().enumerate().filter(|(_, k)| matches!(k, Kind::Peer(_))) {
            cells.push(match (ratios, values[i], values[j]) {
                (true, Some(x), Some(y)) if y > 0.0 => format!("{:.2}×", x / y),
                _ => "–".to_string(),
            });
        }
    }
    format!("| {} |", cells.join(" | "))
}

pub(super) fn header(first: &str, kinds: &[Kind]) -> String {
    let mut cells = vec![first.to_string(), "figure".to_string()];
    cells.extend(kinds.iter().map(|k| k.label().to_string()));
    for b in kinds.iter().filter(|k| matches!(k, Kind::Buurt(_))) {
        for p in kinds.iter().filter(|k| matches!(k, Kind::Peer(_))) {
            cells.push(format!("{} ÷ {}", b.short(), p.short()));
        }
    }
    format!("| {} |\n|{}", cells.join(" | "), "---|".repeat(cells.len()))
}

/// A row of the inbox table: figure, its value, how it is shown, whether ratios make sense.
pub(super) type InboxRow = (&'static str, fn(&InboxFigures) -> Option<f64>, fn(f64) -> String, bool);

pub(super) fn per_sec(v: f64) -> String {
    format!("{v:.0}/s")
}

pub(super) fn millis(v: f64) -> String {
    stats::ms(Duration::from_secs_f64(v / 1000.0))
}

pub(super) fn count(v: f64) -> String {
    format!("{v:.0}")
}

pub(super) fn megabytes(v: f64) -> String {
    stats::mib(v as u64)
}

pub(super) fn seconds(v: f64) -> String {
    format!("{v:.1} s")
}

impl PeersReport {
    pub fn print(&self) {
        let kinds: Vec<Kind> = self.results.iter().map(|r| r.kind).collect();
        println!(
            "### Buurt beside the Fedify peer and bovine\n\nRun {}; load average at the start {}. Ratios are Buurt ÷ peer: \
             above 1 is better for Buurt in requests/s and accepted/s, below 1 in latencies, times and memory.\n",
            self.started, self.load_at_start
        );
        println!(
            "#### Reads (wrk -t2 -c{} -d{}s --latency, {} posts on each server)\n\n{}",
            self.connections,
            self.duration,
            self.posts,
            header("endpoint", &kinds)
        );
        let read = |name: &str, f: fn(&WrkResult) -> f64| -> Vec<Option<f64>> {
            self.results.iter().map(|r| r.reads.iter().find(|x| x.endpoint == name).map(|x| f(&x.wrk))).collect()
        };
        for name in ENDPOINTS {
            println!("{}", row(name, "requests/s", &read(name, |w| w.requests_per_sec), &kinds, count, true));
            // A latency of 0 means wrk recorded none (every request timed out): no figure.
            let latency = |v: Vec<Option<f64>>| v.into_iter().map(|x| x.filter(|ms| *ms > 0.0)).collect::<Vec<_>>();
            let p50 = latency(read(name, |w| w.p50.as_secs_f64() * 1000.0));
            let p99 = latency(read(name, |w| w.p99.as_secs_f64() * 1000.0));
            println!("{}", row("", "p50", &p50, &kinds, millis, true));
            println!("{}", row("", "p99", &p99, &kinds, millis, true));
            println!("{}", row("", "errors", &read(name, |w| w.errors as f64), &kinds, count, false));
        }
        let rss: Vec<Option<f64>> = self.results.iter().map(|r| r.rss_after_reads_kib.map(|k| k as f64)).collect();
        println!("{}", row("memory", "RSS after the reads", &rss, &kinds, megabytes, true));
        println!(
            "\n#### Inbox ({} signed activities from {} actors, {} concurrent senders)\n\n{}",
            self.activities,
            self.actors,
            self.senders,
            header("load", &kinds)
        );
        let inbox = |f: fn(&InboxFigures) -> Option<f64>| -> Vec<Option<f64>> {
            self.results.iter().map(|r| r.inbox.as_ref().and_then(f)).collect()
        };
        let rows: [InboxRow; 8] = [
            ("accepted/s", |i| Some(i.per_sec), per_sec, true),
            ("p50", |i| Some(i.p50.as_secs_f64() * 1000.0), millis, true),
            ("p99", |i| Some(i.p99.as_secs_f64() * 1000.0), millis, true),
            ("not 2xx", |i| Some(i.failed as f64), count, false),
            ("all processed after", |i| i.processed_after.map(|d| d.as_secs_f64()), seconds, true),
            (
                "processed/s",
                |i| i.processed_after.map(|d| (i.activities - i.failed) as f64 / d.as_secs_f64()),
                per_sec,
                true,
            ),
            ("RSS after the load", |i| Some(i.rss_kib as f64), megabytes, true),
            ("peak RSS (VmHWM)", |i| Some(i.hwm_kib as f64), megabytes, true),
        ];
        for (i, (figure, f, show, ratios)) in rows.into_iter().enumerate() {
            println!("{}", row(if i == 0 { "inbox" } else { "" }, figure, &inbox(f), &kinds, show, ratios));
        }
        println!("\nNotes:\n");
        for r in &self.results {
            let mut parts = r.notes.clone();
            if let Some(i) = &r.inbox {
                let statuses: Vec<String> = i.statuses.iter().map(|(s, n)| format!("{n}× {s}")).collect();
                parts.push(format!("inbox answers {}", statuses.join(", ")));
                if i.processed_after.is_none() {
                    parts.push(format!("only {} of the accepted activities processed within 20 minutes", i.processed));
                }
            }
            if let Some(e) = &r.error {
                parts.push(format!("**failed: {e}**"));
            }
            println!("- {}: {}.", r.kind.label(), parts.join("; "));
        }
        for v in &self.versions {
            println!("- {v}.");
        }
    }
}
