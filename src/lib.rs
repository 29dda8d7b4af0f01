//! Buurt: a federated community server for neighbourhoods, organisations and municipalities.

pub mod api;
pub mod apub;
pub mod cli;
pub mod config;
pub mod db;
pub mod delivery;
pub mod domain;
pub mod federation_policy;
pub mod i18n;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod media;
pub mod modules;
pub mod public_cache;
pub mod runtime_settings;
pub mod server;
pub mod state;
pub mod util;
pub mod web;

/// Chooses the TLS crypto provider (ring) for every HTTP client; safe to call more than once.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
