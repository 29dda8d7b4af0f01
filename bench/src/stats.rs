//! Numbers: percentiles of measured latencies, `wrk` output, `openssl speed` output and
//! resident memory from `/proc`.

use std::time::Duration;

use anyhow::{Context, bail};

/// The `p`th percentile (0–100) by the nearest-rank method; `None` for no samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// What `wrk --latency` reported.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkResult {
    pub requests_per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub requests: u64,
    /// Non-2xx/3xx responses plus socket errors.
    pub errors: u64,
}

fn wrk_duration(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| c.is_ascii_alphabetic()).context("duration without unit")?);
    let value: f64 = number.parse().with_context(|| format!("duration {text:?}"))?;
    let secs = match unit {
        "us" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        other => bail!("unknown unit {other:?}"),
    };
    Ok(Duration::from_secs_f64(secs))
}

/// Reads the summary of `wrk --latency`.
pub fn parse_wrk(output: &str) -> anyhow::Result<WrkResult> {
    let mut rps = None;
    let (mut p50, mut p99, mut requests) = (None, None, None);
    let mut errors = 0u64;
    for line in output.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(v)) => rps = Some(v.parse::<f64>().context("Requests/sec")?),
            (Some("50%"), Some(v)) => p50 = Some(wrk_duration(v)?),
            (Some("99%"), Some(v)) => p99 = Some(wrk_duration(v)?),
            (Some(n), Some("requests")) => requests = Some(n.parse::<u64>().context("request count")?),
            (Some("Non-2xx"), _) => errors += line.rsplit(' ').next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0),
            (Some("Socket"), Some("errors:")) => {
                // Socket errors: connect 0, read 0, write 0, timeout 0
                errors +=
                    line.split(',').filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok()).sum::<u64>();
            }
            _ => {}
        }
    }
    Ok(WrkResult {
        requests_per_sec: rps.context("no Requests/sec in wrk output")?,
        p50: p50.context("no 50% latency in wrk output (run with --latency)")?,
        p99: p99.context("no 99% latency in wrk output (run with --latency)")?,
        requests: requests.context("no request count in wrk output")?,
        errors,
    })
}

/// Signatures and verifications per second from `openssl speed rsa2048` (the line
/// `rsa 2048 bits 0.000584s 0.000017s 1712.3 58823.5`).
pub fn parse_openssl_speed(output: &str) -> Option<(f64, f64)> {
    output.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() >= 7 && words[0] == "rsa" && words[1] == "2048" && words[2] == "bits" {
            Some((words[5].parse().ok()?, words[6].parse().ok()?))
        } else {
            None
        }
    })
}

/// Resident memory of a process now and at its peak, in KiB (`VmRSS`, `VmHWM`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

pub fn parse_status(status: &str) -> anyhow::Result<Memory> {
    let field = |name: &str| -> anyhow::Result<u64> {
        let line = status.lines().find(|l| l.starts_with(name)).with_context(|| format!("{name} missing"))?;
        line.split_whitespace().nth(1).context("empty field")?.parse().with_context(|| format!("{name} not a number"))
    };
    Ok(Memory { rss_kib: field("VmRSS:")?, hwm_kib: field("VmHWM:")? })
}

pub fn memory_of(pid: u32) -> anyhow::Result<Memory> {
    parse_status(&std::fs::read_to_string(format!("/proc/{pid}/status"))?)
}

/// CPU time (user + system) a process has used so far, from `/proc/PID/stat`.
pub fn cpu_time_of(pid: u32) -> anyhow::Result<Duration> {
    parse_stat_cpu(&std::fs::read_to_string(format!("/proc/{pid}/stat"))?)
}

/// utime + stime (fields 14 and 15, in clock ticks of 1/100 s) of a `/proc/PID/stat` line.
pub fn parse_stat_cpu(stat: &str) -> anyhow::Result<Duration> {
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    let rest = stat.rsplit_once(')').context("no command name")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> anyhow::Result<u64> { Ok(fields.get(i).context("short stat line")?.parse()?) };
    Ok(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}

/// Megabytes (MiB) with one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 { format!("{ms:.2} ms") } else { format!("{ms:.1} ms") }
}

/// Samples a process's resident memory until stopped, keeping the largest value.
pub struct RssSampler {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<u64>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let mut peak = 0;
            loop {
                if let Ok(m) = memory_of(pid) {
                    peak = peak.max(m.rss_kib);
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                    _ = stopped.changed() => return peak,
                }
            }
        });
        RssSampler { stop, task }
    }

    /// The largest resident memory seen, in KiB.
    pub async fn finish(self) -> u64 {
        let _ = self.stop.send(true);
        self.task.await.unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&samples, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&samples, 100.0), Some(Duration::from_millis(100)));
        assert_eq!(percentile(&samples, 0.0), Some(Duration::from_millis(1)));
        let few = [Duration::from_millis(3), Duration::from_millis(7)];
        assert_eq!(percentile(&few, 50.0), Some(Duration::from_millis(3)));
        assert_eq!(percentile(&few, 99.0), Some(Duration::from_millis(7)));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn wrk_summary_is_read() {
        let out = "Running 2s test @ http://127.0.0.1:1/\n  2 threads and 64 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     5.01ms    2.10ms  40.12ms   80.00%\n    Req/Sec     6.40k   300.00     7.00k    70.00%\n  Latency Distribution\n     50%    4.50ms\n     75%    6.00ms\n     90%    8.00ms\n     99%   12.34ms\n  25600 requests in 2.00s, 10.00MB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 5\nRequests/sec:  12800.50\nTransfer/sec:      5.00MB\n";
        let r = parse_wrk(out).unwrap();
        assert_eq!(r.requests_per_sec, 12800.5);
        assert_eq!(r.p50, Duration::from_micros(4500));
        assert_eq!(r.p99, Duration::from_micros(12340));
        assert_eq!(r.requests, 25600);
        assert_eq!(r.errors, 8);
        let slow = out.replace("99%   12.34ms", "99%    1.20s").replace("50%    4.50ms", "50%  900.00us");
        let r = parse_wrk(&slow).unwrap();
        assert_eq!(r.p99, Duration::from_millis(1200));
        assert_eq!(r.p50, Duration::from_micros(900));
        assert!(parse_wrk("Requests/sec: 10\n").is_err());
    }

    #[test]
    fn openssl_speed_line_is_read() {
        let out = "                  sign    verify    sign/s verify/s\nrsa 2048 bits 0.000584s 0.000017s   1712.3  58823.5\n";
        assert_eq!(parse_openssl_speed(out), Some((1712.3, 58823.5)));
        assert_eq!(parse_openssl_speed("nothing"), None);
    }

    #[test]
    fn proc_stat_cpu_time() {
        let stat = "4242 (buurt (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 9 0 100 0 0";
        assert_eq!(parse_stat_cpu(stat).unwrap(), Duration::from_millis(3250));
        assert!(parse_stat_cpu("4242 (buurt) S 1").is_err());
    }

    #[test]
    fn proc_status_memory() {
        let status = "Name:\tbuurt\nVmHWM:\t   30000 kB\nVmRSS:\t   25000 kB\n";
        assert_eq!(parse_status(status).unwrap(), Memory { rss_kib: 25000, hwm_kib: 30000 });
        assert!(parse_status("Name: x\n").is_err());
    }
}
