//! Start-up (database, migrations, keys) and the HTTP server with graceful shutdown.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::db::models::actor::Actor;
use crate::db::models::site::Site;
use crate::db::{DbPool, migrate};
use crate::state::AppState;
use activitypub_federation::config::FederationConfig;

/// Opens the database, applies migrations and makes the instance's keys on the first start.
pub async fn prepare(settings: Settings) -> anyhow::Result<AppState> {
    crate::install_crypto();
    let applied = migrate::run(&settings.database.url)
        .await
        .with_context(|| format!("migrating {}", redact(&settings.database.url)))?;
    for name in &applied {
        tracing::info!(migration = %name, "applied migration");
    }
    let pool = DbPool::new(&settings.database.url, settings.database.pool_size)?;
    let site = crate::domain::site::ensure(&pool).await?;
    let instance_actor = crate::domain::actors::ensure_instance_actor(&pool, &settings, &site).await?;
    build_state(settings, pool, site, instance_actor).await
}

/// The shared state: settings, database, the instance's own files, image storage, caches and
/// limits, and then the federation library's configuration, which holds a copy of the state.
pub async fn build_state(
    settings: Settings,
    pool: DbPool,
    site: Site,
    instance_actor: Actor,
) -> anyhow::Result<AppState> {
    let base_url: Arc<str> = settings.base_url().into();
    let http = crate::apub::http_client(&settings, &base_url)?;
    let own = |key, path: &str, stem| crate::web::assets::load_own(key, path, stem).map(|a| a.map(Arc::new));
    let theme = own("instance.theme_file", &settings.instance.theme_file, "theme")?;
    let logo = own("instance.logo_file", &settings.instance.logo_file, "logo")?;
    let media = crate::media::MediaService::open(&settings, &base_url, &site.secret)?;
    let map_area = crate::web::map::load_area(&settings.map.area_file)?.map(Arc::new);
    let page_csp = crate::web::context::page_csp(&settings)?;
    let public_cache_age = Duration::from_millis(settings.server.public_cache_ms);
    let public_cache = Arc::new(crate::public_cache::PublicCache::new(public_cache_age));
    let limits = Arc::new(crate::limits::Limits::new(&settings));
    let mailer = Arc::new(crate::mail::Mailer::from_settings(&settings)?);
    let vapid_public_key = crate::domain::push::keys::public_key(&settings, &site).into();
    let policies = crate::federation_policy::PolicySet::load(&mut pool.get().await?).await?;
    let federation_policy =
        Arc::new(crate::federation_policy::FederationPolicy::new(policies, settings.federation.allow_list_mode));
    let runtime = Arc::new(crate::runtime_settings::RuntimeSettings::new(&settings.instance));
    runtime.reload(&mut pool.get().await?).await?;
    let state = AppState {
        runtime,
        mailer,
        limits,
        federation_policy,
        map_area,
        page_csp,
        http,
        media,
        theme,
        logo,
        settings: Arc::new(settings),
        pool,
        vapid_public_key,
        site: Arc::new(site),
        instance_actor: Arc::new(instance_actor),
        base_url,
        delivery_wake: Arc::new(tokio::sync::Notify::new()),
        jobs_wake: Arc::new(tokio::sync::Notify::new()),
        public_cache,
        live_instances: moka::sync::Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(60)).build(),
        signers: moka::sync::Cache::builder().max_capacity(2_000).time_to_live(Duration::from_secs(60)).build(),
        federation: Arc::new(OnceLock::new()),
    };
    let config = federation_config(state.clone()).await?;
    let _ = state.federation.set(config);
    Ok(state)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish within the grace time.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = Duration::from_secs(state.settings.server.shutdown_grace_secs);
    let timeouts = Timeouts {
        header_read: Duration::from_secs(state.settings.server.header_read_timeout_secs.max(1)),
        idle: Duration::from_secs(state.settings.server.idle_timeout_secs.max(1)),
    };
    let addr = listener.local_addr()?;
    tracing::info!(address = %addr, url = %state.base_url, "Buurt is listening on http://{addr}");
    let pool = state.pool.clone();
    let maintenance = tokio::spawn(maintenance(state.clone()));
    let sweeper = tokio::spawn(crate::limits::sweeper(state.limits.clone()));
    let policies = tokio::spawn(reload_policies(state.clone()));
    let (stop_delivery, delivery_stop) = tokio::sync::watch::channel(false);
    let delivery = tokio::spawn(crate::delivery::run(state.clone(), delivery_stop.clone()));
    if let Err(e) = crate::domain::notifications::digest::start(&state).await {
        tracing::warn!(error = %e, "scheduling digests failed; the next start tries again");
    }
    let jobs = tokio::spawn(crate::jobs::run(state.clone(), crate::domain::job_handlers(), delivery_stop));
    // `/api/v1/instance/` is `/api/v1/instance`: clients (Mastodon.py) add the slash.
    let app =
        tower::Layer::layer(&tower_http::normalize_path::NormalizePathLayer::trim_trailing_slash(), router(state));
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(accept(listener, app, timeouts, async move {
        shutdown.await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stopping_tx.send(());
    }));
    let mut server = server;
    tokio::select! {
        result = &mut server => { result??; }
        _ = async { let _ = stopping_rx.await; tokio::time::sleep(grace).await; } => {
            tracing::warn!("grace time over: stopping with requests still running");
            server.abort();
        }
    }
    maintenance.abort();
    sweeper.abort();
    policies.abort();
    let _ = stop_delivery.send(true);
    if tokio::time::timeout(grace, delivery).await.is_err() {
        tracing::warn!("delivery worker did not stop in time; unsent deliveries stay queued");
    }
    if tokio::time::timeout(grace, jobs).await.is_err() {
        tracing::warn!("job workers did not stop in time; their jobs run again after their lease");
    }
    pool.close();
    tracing::info!("stopped");
    Ok(())
}

/// Builds the federation library's configuration for this instance.
pub async fn federation_config(state: AppState) -> anyhow::Result<FederationConfig<AppState>> {
    let federation = &state.settings.federation;
    let client = state.http.clone();
    let instance_actor = crate::domain::remote_actors::DbActor::new(state.instance_actor.as_ref().clone())?;
    let config = FederationConfig::builder()
        .domain(state.settings.instance.domain.clone())
        .app_data(state.clone())
        .client(client.into())
        // Debug mode lets the library use http, ports and loopback: only when both are allowed.
        .debug(federation.allow_http && federation.allow_private_addresses)
        .allow_http_urls(federation.allow_http)
        .http_signature_compat(true)
        .signed_fetch_actor(&instance_actor)
        .url_verifier(Box::new(PolicyVerifier(state.federation_policy.clone())))
        .build()
        .await?;
    Ok(config)
}

/// Refuses every fetch the federation library would make from a blocked server (or one not
/// allowed in allow-list mode): actors, objects, WebFinger.
#[derive(Clone)]
struct PolicyVerifier(Arc<crate::federation_policy::FederationPolicy>);

#[async_trait::async_trait]
impl activitypub_federation::config::UrlVerifier for PolicyVerifier {
    async fn verify(&self, url: &url::Url) -> Result<(), activitypub_federation::error::Error> {
        if self.0.refuses_url(url) {
            return Err(activitypub_federation::error::Error::Other(format!(
                "{} is blocked by this instance's federation policy",
                crate::federation_policy::domain_of(url)
            )));
        }
        Ok(())
    }
}

/// The root router: the web's pages and files, the federation routes and the client APIs,
/// each with what the modules that are on add, under the layers every request passes.
pub fn router(state: AppState) -> Router {
    let server = &state.settings.server;
    let modules = crate::modules::mount(&state);
    Router::new()
        .merge(crate::apub::routes::router(&state))
        .merge(modules.activitypub)
        .merge(crate::api::routes::router(&state.settings, modules.api))
        .merge(crate::web::routes::router(&state, modules.pages, modules.layout))
        .layer(DefaultBodyLimit::max(server.max_body_bytes))
        // Inside the signed-fetch check, so a refused request is refused before any cache.
        .layer(middleware::from_fn_with_state(state.public_cache.clone(), crate::public_cache::middleware))
        .layer(middleware::from_fn_with_state(state.clone(), crate::apub::http::signed_fetch_middleware))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(server.request_timeout_secs),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[derive(Debug, Clone, Copy)]
struct Timeouts {
    /// For a request's head; hyper also waits this long for the next request on a kept-alive
    /// connection.
    header_read: Duration,
    /// Without any bytes read or written.
    idle: Duration,
}

/// Accepts connections and serves each with hyper's HTTP/1 (header-read timeout, idle timeout,
/// the peer's address for the limits) until `shutdown` resolves, then waits for the open
/// connections to finish their requests.
async fn accept<S>(
    listener: TcpListener,
    app: S,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()>
where
    S: tower::Service<axum::extract::Request, Response = axum::response::Response, Error = std::convert::Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(timeouts.header_read).keep_alive(true);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait for some to close.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            tower::ServiceExt::oneshot(app.clone(), request.map(axum::body::Body::new))
        });
        let io = TokioIo::new(crate::limits::idle::IdleTimeout::new(stream, timeouts.idle));
        let connection = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, peer = %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Hourly housekeeping: removes expired sessions, e-mail links expired a week ago, what is past
/// its retention period (`[privacy]`) and uploads never posted.
/// An error is logged and retried next hour.
async fn maintenance(state: AppState) {
    let pool = state.pool.clone();
    let mut interval = tokio::time::interval(Duration::from_secs(3600));
    loop {
        interval.tick().await;
        let result = async {
            let mut conn = pool.get().await?;
            let sessions = crate::db::models::session::delete_expired(&mut conn, crate::db::now()).await?;
            let week_ago = crate::db::now() - chrono::TimeDelta::days(7);
            crate::db::models::email_token::EmailToken::delete_expired(&mut conn, week_ago).await?;
            Ok::<usize, crate::db::DbError>(sessions)
        }
        .await;
        match result {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "removed expired sessions"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
        // Received activity ids, sent activities and read notifications, as `[privacy]` says.
        match crate::domain::privacy::prune(&state, crate::db::now()).await {
            Ok(pruned) => tracing::debug!(?pruned, "retention applied"),
            Err(e) => tracing::warn!(error = %e, "applying the retention periods failed"),
        }
        match crate::domain::media::prune_unattached(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(uploads = n, "removed uploads that were never posted"),
            Err(e) => tracing::warn!(error = %e, "removing unposted uploads failed"),
        }
    }
}

/// How often the federation policy and the run-time instance settings are read again: a change
/// made by another process on the same database (another server, `buurt admin block-domain`)
/// holds here within this time; a change made here holds at once.
const POLICY_RELOAD: Duration = Duration::from_secs(60);

async fn reload_policies(state: AppState) {
    let mut interval = tokio::time::interval(POLICY_RELOAD);
    interval.tick().await;
    loop {
        interval.tick().await;
        let reloaded = async { state.federation_policy.reload(&mut state.pool.get().await?).await };
        if let Err(e) = reloaded.await {
            tracing::warn!(error = %e, "reading the federation policy again failed");
        }
        let reloaded = async { state.runtime.reload(&mut state.pool.get().await?).await };
        if let Err(e) = reloaded.await {
            tracing::warn!(error = %e, "reading the instance settings again failed");
        }
    }
}

/// Binds the configured address (before the database work, so a taken port fails fast).
pub async fn bind(settings: &Settings) -> anyhow::Result<TcpListener> {
    TcpListener::bind(&settings.server.bind).await.with_context(|| format!("cannot listen on {}", settings.server.bind))
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
