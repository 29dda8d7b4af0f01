//! Host names of the remote instances in /etc/hosts: a marked block, written at the start and
//! removed when the benchmark ends (a block left by an interrupted run is replaced). Only
//! loopback addresses are ever written.

use anyhow::{Context, bail};

const HOSTS: &str = "/etc/hosts";
const BEGIN: &str = "# buurt-bench BEGIN: remote instances of the benchmark (loopback only, removed afterwards)";
const END: &str = "# buurt-bench END";

/// `text` without any benchmark block.
pub fn without_block(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.lines() {
        if line == BEGIN {
            inside = true;
        } else if line == END && inside {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `text` with one block mapping `names` to `ip` (replacing an earlier block).
pub fn with_block(text: &str, ip: &str, names: &[String]) -> anyhow::Result<String> {
    let addr: std::net::IpAddr = ip.parse().with_context(|| format!("{ip} is not an address"))?;
    if !addr.is_loopback() {
        bail!("{ip} is not a loopback address");
    }
    let mut out = without_block(text);
    out.push_str(BEGIN);
    out.push('\n');
    for name in names {
        out.push_str(&format!("{ip} {name}\n"));
    }
    out.push_str(END);
    out.push('\n');
    Ok(out)
}

/// Removes the block again when dropped.
pub struct HostsBlock {
    written: bool,
}

impl HostsBlock {
    pub fn write(ip: &str, names: &[String]) -> anyhow::Result<HostsBlock> {
        if names.is_empty() {
            return Ok(HostsBlock { written: false });
        }
        let text = std::fs::read_to_string(HOSTS)?;
        // Written in place: /etc/hosts is often a bind mount that cannot be replaced.
        std::fs::write(HOSTS, with_block(&text, ip, names)?)
            .with_context(|| format!("the benchmark needs to add its host names to {HOSTS} (run as root)"))?;
        Ok(HostsBlock { written: true })
    }
}

impl Drop for HostsBlock {
    fn drop(&mut self) {
        if self.written
            && let Ok(text) = std::fs::read_to_string(HOSTS)
        {
            let _ = std::fs::write(HOSTS, without_block(&text));
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
}
