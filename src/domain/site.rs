//! The instance's own identity, created at first start and reused after; and the settings
//! admins change while it runs (`crate::runtime_settings`).

use std::sync::Arc;

use rand::RngCore;

use super::validate::FieldErrors;
use super::{DomainError, DomainResult};
use crate::config::{GroupCreation, RegistrationMode};
use crate::db::DbPool;
use crate::db::models::local_user::{Account, Role, Status};
use crate::db::models::site::{SITE_ID, Site};
use crate::db::models::site_setting;
use crate::runtime_settings::{Values, names};
use crate::state::AppState;
use crate::util::hex::hex;

/// Returns the site row, creating it (secret, RSA key pair, VAPID key) on the first start; a
/// site made before web push gets its VAPID key at its next start.
pub async fn ensure(pool: &DbPool) -> DomainResult<Site> {
    let mut conn = pool.get().await?;
    if let Some(mut site) = Site::get(&mut conn).await? {
        if site.vapid_private_key.is_none() {
            let key = super::push::keys::generate_private_key();
            site.vapid_private_key = Site::set_vapid_if_missing(&mut conn, &key).await?;
        }
        return Ok(site);
    }
    tracing::info!("first start: generating the instance's keys");
    let keys = tokio::task::spawn_blocking(activitypub_federation::http_signatures::generate_actor_keypair)
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))?
        .map_err(|e| DomainError::Internal(format!("generating keys: {e}")))?;
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let new = Site {
        id: SITE_ID,
        secret: hex(&secret),
        public_key: keys.public_key,
        private_key: keys.private_key,
        created_at: crate::db::now(),
        vapid_private_key: Some(super::push::keys::generate_private_key()),
    };
    Ok(Site::insert_or_get(&mut conn, &new).await?)
}

/// The run-time settings as an admin sends them (words as in the configuration file).
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub description: String,
    pub contact_email: String,
    pub registration: String,
    pub group_creation: String,
}

/// The longest description.
pub const DESCRIPTION_MAX: usize = 300;

/// Only an active admin reads and changes the run-time settings.
fn require_admin(account: &Account) -> DomainResult<()> {
    if account.user.status() != Status::Active || account.user.role() != Role::Admin {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// The run-time settings in force, for an admin.
pub fn settings_for(state: &AppState, admin: &Account) -> DomainResult<Arc<Values>> {
    require_admin(admin)?;
    Ok(state.runtime.current())
}

/// An admin saves the run-time settings; they hold at once here and within a minute in every
/// other process. A value equal to the configuration file's is not kept, so a later change of
/// the file holds again. Invalid input changes nothing.
pub async fn save_settings(state: &AppState, admin: &Account, input: &SettingsInput) -> DomainResult<Arc<Values>> {
    require_admin(admin)?;
    let mut errors = FieldErrors::default();
    let description = input.description.trim();
    if description.chars().any(char::is_control) {
        errors.add("description", "error-control-chars");
    }
    super::validate::max_len("description", description, DESCRIPTION_MAX, &mut errors);
    let contact_email = input.contact_email.trim();
    if !contact_email.is_empty() {
        let mut email = FieldErrors::default();
        super::validate::email(contact_email, &mut email);
        if !email.is_empty() {
            errors.add("contact_email", "error-email-invalid");
        }
    }
    let registration = RegistrationMode::parse(&input.registration);
    if registration.is_none() {
        errors.add("registration", "error-choice-invalid");
    }
    let group_creation = GroupCreation::parse(&input.group_creation);
    if group_creation.is_none() {
        errors.add("group_creation", "error-choice-invalid");
    }
    let (Some(registration), Some(group_creation)) = (registration, group_creation) else {
        return Err(DomainError::Invalid(errors));
    };
    errors.into_result()?;
    let configured = state.runtime.configured();
    let wanted = [
        (names::DESCRIPTION, description, configured.description.as_str()),
        (names::CONTACT_EMAIL, contact_email, configured.contact_email.as_str()),
        (names::REGISTRATION, registration.as_str(), configured.registration.as_str()),
        (names::GROUP_CREATION, group_creation.as_str(), configured.group_creation.as_str()),
    ];
    let mut tx = state.pool.begin().await?;
    for (name, value, from_config) in wanted {
        if value == from_config {
            site_setting::clear(&mut tx, name).await?;
        } else {
            site_setting::set(&mut tx, name, value, Some(admin.actor.id)).await?;
        }
    }
    tx.commit().await?;
    state.runtime.reload(&mut state.pool.get().await?).await?;
    tracing::info!(by = %admin.actor.username, "instance settings saved");
    Ok(state.runtime.current())
}
