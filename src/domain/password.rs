//! Password hashing with argon2id, off the async threads, a few at a time.

use std::sync::{LazyLock, OnceLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

use super::{DomainError, DomainResult};
use crate::limits::Gate;

/// Each hash takes 19 MiB and a core for a while: at most one per core runs, the others wait
/// (without this, a burst of sign-ins fills the blocking pool of 512 threads with ~10 GB).
static HASHING: LazyLock<Gate> = LazyLock::new(|| Gate::new(crate::limits::cores()));

/// Runs `work` on a blocking thread once a hashing place is free.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> DomainResult<T> {
    HASHING.run_blocking(work).await.ok_or_else(|| DomainError::Internal("password hashing stopped".into()))
}

pub async fn hash(password: &str) -> DomainResult<String> {
    let password = password.to_string();
    hashing(move || hash_blocking(&password)).await?
}

fn hash_blocking(password: &str) -> DomainResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Internal(format!("hashing password: {e}")))
}

/// Checks `password` against a stored hash. With `None` it checks against a throw-away hash,
/// so that an unknown login takes as long as a wrong password.
pub async fn verify(stored: Option<String>, password: &str) -> bool {
    let password = password.to_string();
    hashing(move || {
        let stored = match stored {
            Some(s) => s,
            None => dummy_hash().to_string(),
        };
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a real password, only for timing").unwrap_or_default())
}
