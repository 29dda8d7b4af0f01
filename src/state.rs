//! What every request handler can reach.

use std::sync::Arc;

use crate::config::Settings;
use crate::db::DbPool;
use crate::db::models::site::Site;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: DbPool,
    pub site: Arc<Site>,
    /// Cached `settings.base_url()`.
    pub base_url: Arc<str>,
}

impl AppState {
    pub fn new(settings: Settings, pool: DbPool, site: Site) -> AppState {
        let base_url = settings.base_url().into();
        AppState { settings: Arc::new(settings), pool, site: Arc::new(site), base_url }
    }
}
