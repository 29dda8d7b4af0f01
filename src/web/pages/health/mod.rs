//! `/healthz` (the process answers) and `/readyz` (the database answers too).

use axum::extract::State;
use axum::http::StatusCode;
use diesel_async::RunQueryDsl;

use crate::dispatch;
use crate::state::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let ready = async {
        let mut conn = state.pool.get().await.ok()?;
        dispatch!(&mut conn, c => diesel::sql_query("SELECT 1").execute(c).await).ok()
    };
    match tokio::time::timeout(std::time::Duration::from_secs(5), ready).await {
        Ok(Some(_)) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}
