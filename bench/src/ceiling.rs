//! Ceilings measured in the same run: how many RSA-2048 signatures and verifications per
//! second Buurt's own signature code achieves with one thread per core, and OpenSSL's numbers
//! on the same machine for comparison.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::http::Method;
use buurt::apub::signatures;

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs `work` on every core for `duration`; returns calls per second in total.
fn on_all_cores(duration: Duration, work: impl Fn() -> bool + Send + Sync + 'static) -> anyhow::Result<f64> {
    let work = Arc::new(work);
    let (stop, count) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores())
        .map(|_| {
            let (work, stop, count) = (work.clone(), stop.clone(), count.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if !work() {
                        return false;
                    }
                    count.fetch_add(1, Ordering::Relaxed);
                }
                true
            })
        })
        .collect();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let mut ok = true;
    for t in threads {
        ok &= t.join().unwrap_or(false);
    }
    if !ok {
        anyhow::bail!("the measured operation failed");
    }
    Ok(count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// Signatures per second of `buurt::apub::signatures::sign` (what the delivery worker calls for
/// every delivery) with a 2048-bit key.
pub async fn sign_rate(private_pem: String, duration: Duration) -> anyhow::Result<f64> {
    let url = url::Url::parse("http://r00000.bench.test:8000/inbox")?;
    let body = br#"{"type":"Create","id":"http://127.0.0.1/activities/create/x"}"#.to_vec();
    tokio::task::spawn_blocking(move || {
        on_all_cores(duration, move || {
            signatures::sign(
                &Method::POST,
                &url,
                Some(&body),
                Some(buurt::apub::ACTIVITY_JSON),
                "http://127.0.0.1/u/anna#main-key",
                &private_pem,
                SystemTime::now(),
            )
            .is_ok()
        })
    })
    .await?
}

/// Verifications per second of `buurt::apub::signatures::verify_rsa` (what the inbox calls,
/// parsing the stored PEM each time) with a 2048-bit key.
pub async fn verify_rate(private_pem: String, public_pem: String, duration: Duration) -> anyhow::Result<f64> {
    let url = url::Url::parse("http://127.0.0.1:8000/inbox")?;
    let body = br#"{"type":"Like"}"#.to_vec();
    let headers = signatures::sign(&Method::POST, &url, Some(&body), None, "k", &private_pem, SystemTime::now())?;
    let mut map = axum::http::HeaderMap::new();
    map.insert("host", "127.0.0.1:8000".parse()?);
    for (name, value) in headers {
        map.insert(name, value.parse()?);
    }
    let header = map.get("signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let sig = signatures::SignatureHeader::parse(header)?;
    let text = signatures::signing_string(&sig, &Method::POST, "/inbox", &map)?;
    signatures::verify_rsa(&public_pem, &text, &sig.signature)?;
    tokio::task::spawn_blocking(move || {
        on_all_cores(duration, move || signatures::verify_rsa(&public_pem, &text, &sig.signature).is_ok())
    })
    .await?
}

/// `openssl speed rsa2048` on every core: (signatures/s, verifications/s), when openssl is
/// installed.
pub async fn openssl_speed() -> Option<(f64, f64)> {
    let output = tokio::process::Command::new("openssl")
        .args(["speed", "-seconds", "3", "-multi", &cores().to_string(), "rsa2048"])
        .output()
        .await
        .ok()?;
    crate::stats::parse_openssl_speed(&String::from_utf8_lossy(&output.stdout))
}
