//! The instance's VAPID key (RFC 8292) and the sealing of the access tokens that push messages
//! carry.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand::RngCore;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::db::models::site::Site;

/// A new VAPID private key, base64url.
pub fn generate_private_key() -> String {
    let key = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    URL_SAFE_NO_PAD.encode(key.to_bytes())
}

/// The VAPID private key in force: the configured one, else the one in the site row.
pub fn private_key(settings: &Settings, site: &Site) -> Option<p256::SecretKey> {
    let configured = settings.push.vapid_private_key.trim();
    let text = if configured.is_empty() { site.vapid_private_key.as_deref()? } else { configured };
    let bytes = crate::config::private_key_bytes(text)?;
    p256::SecretKey::from_slice(&bytes).ok()
}

/// The VAPID public key apps subscribe with (`applicationServerKey`): the uncompressed point,
/// base64url; empty when push is off.
pub fn public_key(settings: &Settings, site: &Site) -> String {
    if !settings.push.enabled {
        return String::new();
    }
    private_key(settings, site)
        .map(|k| URL_SAFE_NO_PAD.encode(k.public_key().to_encoded_point(false).as_bytes()))
        .unwrap_or_default()
}

fn token_key(secret: &str) -> Option<LessSafeKey> {
    let digest = Sha256::new().chain_update(b"buurt push token\0").chain_update(secret.as_bytes()).finalize();
    UnboundKey::new(&AES_256_GCM, &digest).ok().map(LessSafeKey::new)
}

/// Encrypts an access token with a key derived from the instance secret (AES-256-GCM, random
/// nonce), base64url of nonce and ciphertext.
pub fn seal_token(secret: &str, token: &str) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    rand::thread_rng().fill_bytes(&mut nonce);
    let mut data = token.as_bytes().to_vec();
    let Some(key) = token_key(secret) else {
        return String::new();
    };
    if key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data).is_err() {
        return String::new();
    }
    let mut out = nonce.to_vec();
    out.extend_from_slice(&data);
    URL_SAFE_NO_PAD.encode(out)
}

/// The token [`seal_token`] sealed; `None` when it was sealed with another secret or altered.
pub fn open_token(secret: &str, sealed: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, data) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = data.to_vec();
    let plain = token_key(secret)?.open_in_place(nonce, Aad::empty(), &mut data).ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_with_its_secret_only() {
        let sealed = seal_token("secret-a", "the-token");
        assert_eq!(open_token("secret-a", &sealed).as_deref(), Some("the-token"));
        assert_eq!(open_token("secret-b", &sealed), None);
        assert_ne!(seal_token("secret-a", "the-token"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn a_generated_key_is_valid_and_gives_a_65_byte_public_key() {
        let mut settings = Settings::default();
        settings.push.enabled = true;
        settings.push.vapid_private_key = generate_private_key();
        let site = Site {
            id: 1,
            secret: String::new(),
            public_key: String::new(),
            private_key: String::new(),
            created_at: crate::db::now(),
            vapid_private_key: None,
        };
        let public = URL_SAFE_NO_PAD.decode(public_key(&settings, &site)).unwrap_or_default();
        assert_eq!(public.len(), 65);
        assert_eq!(public[0], 4);
    }
}
