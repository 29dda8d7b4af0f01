//! How long to wait before trying again (an instance, a job): exponential backoff with jitter,
//! and what a peer's `Retry-After` asks for.

use std::time::{Duration, SystemTime};

use rand::Rng;

/// Backoff cap.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// The backoff after the `n`th failure in a row: 2 s · 2^(n−1), at most 6 h, ± 20 % jitter.
pub fn backoff(n: i32) -> Duration {
    let exp = n.clamp(1, 30) - 1;
    let base = Duration::from_secs(2).saturating_mul(1u32 << exp.min(20)).min(MAX_BACKOFF);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    base.mul_f64(jitter)
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value.trim()).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let secs = |n| backoff(n).as_secs_f64();
        assert!((1.6..=2.4).contains(&secs(1)));
        assert!((3.2..=4.8).contains(&secs(2)));
        assert!((51.0..=77.0).contains(&secs(6)));
        assert!(secs(40) <= 6.0 * 3600.0 * 1.2);
        assert!(secs(40) >= 6.0 * 3600.0 * 0.8);
    }

    #[test]
    fn retry_after_in_both_forms() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(300));
        let parsed = parse_retry_after(&later).unwrap();
        assert!(parsed > Duration::from_secs(290) && parsed <= Duration::from_secs(300));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
