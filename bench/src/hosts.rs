//! Host names of the remote instances in /etc/hosts: a marked block, written at the start and
//! removed when the benchmark ends (a block left by an interrupted run is replaced). Only
//! loopback addresses are ever written.

use anyhow::{Context, bail};

const HOSTS: &str = "/etc/hosts";
const BEGIN: &str = "# buurt-bench BEGIN: remote instances of the benchmark (loopback only, removed afterwards)";
const END: &str = "# buurt-bench END";

/// The first and last line of a block: the remote instances' (no label) or another one's, so
/// that two blocks can be written and removed independently.
fn markers(label: Option<&str>) -> (String, String) {
    match label {
        None => (BEGIN.to_string(), END.to_string()),
        Some(label) => (
            format!("# buurt-bench {label} BEGIN: host names of the benchmark (loopback only, removed afterwards)"),
            format!("# buurt-bench {label} END"),
        ),
    }
}

/// `text` without any benchmark block.
#[cfg(test)]
pub fn without_block(text: &str) -> String {
    without_labeled_block(text, None)
}

/// `text` without the block of `label` (None: the remote instances' block).
pub fn without_labeled_block(text: &str, label: Option<&str>) -> String {
    let (begin, end) = markers(label);
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.lines() {
        if line == begin {
            inside = true;
        } else if line == end && inside {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `text` with one block mapping `names` to `ip` (replacing an earlier block).
#[cfg(test)]
pub fn with_block(text: &str, ip: &str, names: &[String]) -> anyhow::Result<String> {
    with_labeled_block(text, None, ip, names)
}

/// `text` with the block of `label` mapping `names` to `ip` (replacing an earlier one).
pub fn with_labeled_block(text: &str, label: Option<&str>, ip: &str, names: &[String]) -> anyhow::Result<String> {
    let addr: std::net::IpAddr = ip.parse().with_context(|| format!("{ip} is not an address"))?;
    if !addr.is_loopback() {
        bail!("{ip} is not a loopback address");
    }
    let (begin, end) = markers(label);
    let mut out = without_labeled_block(text, label);
    out.push_str(&begin);
    out.push('\n');
    for name in names {
        out.push_str(&format!("{ip} {name}\n"));
    }
    out.push_str(&end);
    out.push('\n');
    Ok(out)
}

/// Removes the block again when dropped.
pub struct HostsBlock {
    written: bool,
    label: Option<String>,
}

impl HostsBlock {
    pub fn write(ip: &str, names: &[String]) -> anyhow::Result<HostsBlock> {
        HostsBlock::write_labeled(None, ip, names)
    }

    /// A block of its own beside the remote instances' (e.g. the `peers` scenario's servers).
    pub fn write_labeled(label: Option<&str>, ip: &str, names: &[String]) -> anyhow::Result<HostsBlock> {
        let label = label.map(str::to_string);
        if names.is_empty() {
            return Ok(HostsBlock { written: false, label });
        }
        let text = std::fs::read_to_string(HOSTS)?;
        // Written in place: /etc/hosts is often a bind mount that cannot be replaced.
        std::fs::write(HOSTS, with_labeled_block(&text, label.as_deref(), ip, names)?)
            .with_context(|| format!("the benchmark needs to add its host names to {HOSTS} (run as root)"))?;
        Ok(HostsBlock { written: true, label })
    }
}

impl Drop for HostsBlock {
    fn drop(&mut self) {
        if self.written
            && let Ok(text) = std::fs::read_to_string(HOSTS)
        {
            let _ = std::fs::write(HOSTS, without_labeled_block(&text, self.label.as_deref()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_is_added_replaced_and_removed() {
        let original = "127.0.0.1 localhost\n127.0.0.2 alpha.test\n";
        let names = vec!["r00000.bench.test".to_string(), "r00001.bench.test".to_string()];
        let with = with_block(original, "127.0.0.1", &names).unwrap();
        assert!(with.starts_with(original));
        assert!(with.contains("127.0.0.1 r00001.bench.test\n"));
        let again = with_block(&with, "127.0.0.1", &names[..1]).unwrap();
        assert!(!again.contains("r00001"), "an old block is replaced");
        assert_eq!(again.matches(BEGIN).count(), 1);
        assert_eq!(without_block(&again), original);
        assert!(with_block(original, "10.0.0.1", &names).is_err(), "never a non-loopback address");
    }

    #[test]
    fn labeled_blocks_are_independent() {
        let original = "127.0.0.1 localhost\n";
        let remotes = vec!["r00000.bench.test".to_string()];
        let peers = vec!["fedify.bench.test".to_string(), "bovine.bench.test".to_string()];
        let both = with_labeled_block(
            &with_block(original, "127.0.0.1", &remotes).unwrap(),
            Some("peers"),
            "127.0.0.1",
            &peers,
        )
        .unwrap();
        assert!(both.contains("127.0.0.1 r00000.bench.test\n") && both.contains("127.0.0.1 bovine.bench.test\n"));
        let again = with_labeled_block(&both, Some("peers"), "127.0.0.1", &peers[..1]).unwrap();
        assert!(
            !again.contains("bovine.bench.test") && again.contains("r00000.bench.test"),
            "only its own block is replaced"
        );
        let no_remotes = without_block(&both);
        assert!(no_remotes.contains("fedify.bench.test") && !no_remotes.contains("r00000"));
        assert_eq!(without_labeled_block(&no_remotes, Some("peers")), original);
        assert!(with_labeled_block(original, Some("peers"), "192.168.1.2", &peers).is_err());
    }
}
