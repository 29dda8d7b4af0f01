//! A short-lived cache of the responses every anonymous reader gets alike (NodeInfo, actor
//! documents, outboxes, the public timeline …), so that a burst of identical reads costs one
//! round of queries instead of one per request.
//!
//! - Only anonymous GETs take part: a request with `Authorization`, `Cookie` or `Signature`
//!   always reaches its handler and its response is never kept.
//! - A handler opts a response in with [`shareable`]; only a `200` without `Set-Cookie` whose
//!   body size is known (and at most [`MAX_ENTRY_BYTES`]) is kept.
//! - Every request that may write (any method but GET, HEAD and OPTIONS) empties the cache when
//!   it starts and when it ends, and a response computed while a write was running is not kept:
//!   this process never serves a page older than a write it has taken.
//! - What this process cannot see — another process on the same PostgreSQL, background fetches of
//!   remote actors — shows after at most `server.public_cache_ms`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest body kept; bigger responses are served uncached.
pub const MAX_ENTRY_BYTES: usize = 512 * 1024;
/// The total size of the kept bodies.
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

/// Marks a response as the same for every anonymous reader.
#[derive(Debug, Clone, Copy)]
pub struct Shareable;

/// `response`, marked as the same for every anonymous reader.
pub fn shareable(mut response: Response) -> Response {
    response.extensions_mut().insert(Shareable);
    response
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    uri: String,
    accept: Option<HeaderValue>,
    /// Pages are written in the language a visitor's browser asks for.
    accept_language: Option<HeaderValue>,
}

struct Entry {
    generation: u64,
    stored: Instant,
    headers: HeaderMap,
    body: Bytes,
}

impl Entry {
    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

pub struct PublicCache {
    entries: moka::sync::Cache<Key, Arc<Entry>>,
    /// One computation per key at a time: when a kept response expires under load, the other
    /// readers of it wait for the first one's answer instead of all asking the database at once.
    computing: moka::sync::Cache<Key, Arc<tokio::sync::Mutex<()>>>,
    /// Bumped at the start and end of every write; entries of an older generation are stale.
    generation: AtomicU64,
    max_age: Duration,
}

impl PublicCache {
    /// A cache keeping responses up to `max_age` (zero: nothing is kept).
    pub fn new(max_age: Duration) -> PublicCache {
        let weight =
            |key: &Key, entry: &Arc<Entry>| u32::try_from(key.uri.len() + entry.body.len() + 256).unwrap_or(u32::MAX);
        PublicCache {
            entries: moka::sync::Cache::builder().max_capacity(CAPACITY_BYTES).weigher(weight).build(),
            computing: moka::sync::Cache::builder().max_capacity(4096).time_to_idle(Duration::from_secs(60)).build(),
            generation: AtomicU64::new(0),
            max_age,
        }
    }

    /// Forgets every kept response (a write has started or ended).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn get(&self, key: &Key) -> Option<Arc<Entry>> {
        let entry = self.entries.get(key)?;
        (entry.generation == self.generation.load(Ordering::Acquire) && entry.stored.elapsed() < self.max_age)
            .then_some(entry)
    }
}

/// Whether the response may depend on who asks.
fn personal(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
        || headers.contains_key(header::COOKIE)
        || headers.contains_key("signature")
}

/// The middleware: serves kept responses, keeps shareable ones, and empties the cache on writes.
pub async fn middleware(State(cache): State<Arc<PublicCache>>, request: Request, next: Next) -> Response {
    if cache.max_age.is_zero() {
        return next.run(request).await;
    }
    match *request.method() {
        Method::GET => {}
        Method::HEAD | Method::OPTIONS => return next.run(request).await,
        _ => {
            cache.invalidate();
            let response = next.run(request).await;
            cache.invalidate();
            return response;
        }
    }
    if personal(request.headers()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let key = Key {
        uri: request.uri().to_string(),
        accept: headers.get(header::ACCEPT).cloned(),
        accept_language: headers.get(header::ACCEPT_LANGUAGE).cloned(),
    };
    if let Some(entry) = cache.get(&key) {
        return entry.response();
    }
    let lock = cache.computing.get_with_by_ref(&key, Arc::default);
    // The first reader computes while holding the lock; the others wait for it, then take its
    // answer from the cache, or (when it was not kept) compute their own without the lock.
    let _computing = match lock.clone().try_lock_owned() {
        Ok(guard) => Some(guard),
        Err(_) => {
            drop(lock.lock().await);
            if let Some(entry) = cache.get(&key) {
                return entry.response();
            }
            None
        }
    };
    let generation = cache.generation.load(Ordering::Acquire);
    let response = next.run(request).await;
    let size = response.body().size_hint().exact();
    let keep = response.status() == StatusCode::OK
        && response.extensions().get::<Shareable>().is_some()
        && !response.headers().contains_key(header::SET_COOKIE)
        && size.is_some_and(|n| n <= MAX_ENTRY_BYTES as u64);
    if !keep {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_ENTRY_BYTES).await {
        Ok(body) => body,
        Err(e) => {
            tracing::warn!(error = %e, "reading a response body for the cache failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // Kept only if no write started or ended while it was computed.
    if cache.generation.load(Ordering::Acquire) == generation {
        let entry = Entry { generation, stored: Instant::now(), headers: parts.headers.clone(), body: body.clone() };
        cache.entries.insert(key, Arc::new(entry));
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cache: &PublicCache) -> Arc<Entry> {
        Arc::new(Entry {
            generation: cache.generation.load(Ordering::Acquire),
            stored: Instant::now(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
        })
    }

    fn key() -> Key {
        Key { uri: "/nodeinfo/2.1".into(), accept: None, accept_language: None }
    }

    #[test]
    fn a_write_makes_kept_responses_stale() {
        let cache = PublicCache::new(Duration::from_secs(60));
        cache.entries.insert(key(), entry(&cache));
        assert!(cache.get(&key()).is_some());
        cache.invalidate();
        assert!(cache.get(&key()).is_none());
    }

    #[test]
    fn responses_expire_after_the_maximum_age() {
        let cache = PublicCache::new(Duration::from_millis(20));
        cache.entries.insert(key(), entry(&cache));
        assert!(cache.get(&key()).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get(&key()).is_none());
    }

    /// A router whose one shareable handler counts its calls and takes 50 ms.
    fn counting(cache: Arc<PublicCache>, calls: Arc<AtomicU64>) -> axum::Router {
        let handler = move || {
            let calls = calls.clone();
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                shareable("{}".into_response())
            }
        };
        axum::Router::new()
            .route("/doc", axum::routing::get(handler.clone()).post(handler))
            .layer(axum::middleware::from_fn_with_state(cache, middleware))
    }

    async fn call(router: &axum::Router, method: Method) -> StatusCode {
        use tower::ServiceExt;
        let request = Request::builder().method(method).uri("/doc").body(Body::empty()).unwrap();
        router.clone().oneshot(request).await.unwrap().status()
    }

    #[tokio::test]
    async fn concurrent_readers_of_a_missing_entry_wait_for_one_computation() {
        let calls = Arc::new(AtomicU64::new(0));
        let router = counting(Arc::new(PublicCache::new(Duration::from_secs(60))), calls.clone());
        let readers = (0..20).map(|_| call(&router, Method::GET));
        for status in futures_util::future::join_all(readers).await {
            assert_eq!(status, StatusCode::OK);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // A write empties the cache: the next read computes again.
        assert_eq!(call(&router, Method::POST).await, StatusCode::OK);
        assert_eq!(call(&router, Method::GET).await, StatusCode::OK);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn with_no_maximum_age_nothing_is_kept() {
        let calls = Arc::new(AtomicU64::new(0));
        let router = counting(Arc::new(PublicCache::new(Duration::ZERO)), calls.clone());
        for _ in 0..3 {
            assert_eq!(call(&router, Method::GET).await, StatusCode::OK);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn credentials_cookies_and_signatures_make_a_request_personal() {
        for name in ["authorization", "cookie", "signature"] {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_static("x"));
            assert!(personal(&headers), "{name}");
        }
        assert!(!personal(&HeaderMap::new()));
    }
}
