//! The module registry: for each optional part of the platform, its routes (pages, client API,
//! ActivityPub), navigation entries, home-page section and ActivityPub types. `[modules]` in the
//! config turns each on or off; a module that is off is not mounted, so its routes answer 404.
//!
//! Adding a module: a folder here with `mod.rs` (its [`Module`]) and `routes.rs` (all its
//! routes), its switch in `config::ModulesSettings`, and one line in [`MODULES`].

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::config::ModulesSettings;
use crate::state::AppState;
use crate::web::layout::{HomeSectionFn, Layout, NavEntry};

mod events;
mod groups;
mod map;

/// Every module, in the order of the navigation and of the home page's sections.
pub const MODULES: &[Module] = &[groups::MODULE, events::MODULE, map::MODULE];

/// What a module adds to the server.
pub struct Module {
    /// Its key in `[modules]`.
    pub name: &'static str,
    /// Reads its switch in `[modules]`.
    pub enabled: fn(&ModulesSettings) -> bool,
    /// Its pages; they get the page context, CSRF and error pages like every page.
    pub pages: fn(&AppState) -> Router<AppState>,
    /// Its routes in Buurt's own API, relative to `/api/buurt/v1`; `utoipa_axum::routes!`
    /// puts each in the OpenAPI document.
    pub api: fn(&AppState) -> OpenApiRouter<AppState>,
    /// Its ActivityPub routes (collections, inboxes) besides the content-negotiated pages.
    pub activitypub: fn(&AppState) -> Router<AppState>,
    /// Its links in the site navigation.
    pub nav: &'static [NavEntry],
    /// Its sections of the home page, in order.
    pub home: &'static [HomeSectionFn],
    /// The ActivityStreams types it serves and accepts.
    pub activitypub_types: &'static [&'static str],
}

/// The modules `[modules]` turns on, in registry order.
pub fn enabled(settings: &ModulesSettings) -> impl Iterator<Item = &'static Module> + '_ {
    MODULES.iter().filter(|m| (m.enabled)(settings))
}

/// The ActivityStreams types of the modules that are on.
pub fn activitypub_types(settings: &ModulesSettings) -> Vec<&'static str> {
    enabled(settings).flat_map(|m| m.activitypub_types.iter().copied()).collect()
}

/// What the modules that are on add to the server's routes and pages.
#[derive(Default)]
pub struct Mounted {
    /// Pages: they get the page context, CSRF and error pages like the core's.
    pub pages: Router<AppState>,
    /// Routes of Buurt's API, relative to `/api/buurt/v1`.
    pub api: OpenApiRouter<AppState>,
    pub activitypub: Router<AppState>,
    /// Navigation entries and home-page sections.
    pub layout: Layout,
}

/// The routes, navigation entries and home-page sections of every module that is on.
pub fn mount(state: &AppState) -> Mounted {
    let mut mounted = Mounted::default();
    for module in enabled(&state.settings.modules) {
        tracing::debug!(module = module.name, "module on");
        mounted.pages = mounted.pages.merge((module.pages)(state));
        mounted.api = mounted.api.merge((module.api)(state));
        mounted.activitypub = mounted.activitypub.merge((module.activitypub)(state));
        mounted.layout.nav.extend_from_slice(module.nav);
        mounted.layout.home.extend_from_slice(module.home);
    }
    mounted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_has_its_own_switch() {
        let all_on = ModulesSettings::default();
        assert_eq!(enabled(&all_on).count(), MODULES.len());
        let mut names: Vec<&str> = MODULES.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODULES.len(), "two modules share a name");
        let switches = toml::Value::try_from(&all_on).unwrap_or(toml::Value::Boolean(false));
        for module in MODULES {
            // Turning off the switch of this name turns off this module and no other.
            let mut table = switches.clone();
            if let Some(t) = table.as_table_mut() {
                t.insert(module.name.to_string(), toml::Value::Boolean(false));
            }
            let settings: ModulesSettings = table.try_into().unwrap_or_else(|_| panic!("no switch {}", module.name));
            let on: Vec<&str> = enabled(&settings).map(|m| m.name).collect();
            assert!(!on.contains(&module.name), "{} stays on", module.name);
            assert_eq!(on.len(), MODULES.len() - 1, "{} turns off others", module.name);
        }
    }
}
