//! Random tokens for ids, secrets and codes people type.

use base64::Engine;
use rand::Rng;

/// A URL-safe random token of `bytes` random bytes.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A code people can type: no 0/O or 1/l/I.
pub fn random_code(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// A signature of `message` for `purpose` under the instance secret (HMAC-SHA256, URL-safe):
/// links that act without signing in (unsubscribe) carry one.
pub fn sign(secret: &str, purpose: &str, message: &str) -> String {
    use hmac::Mac;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(signing_mac(secret, purpose, message).finalize().into_bytes())
}

/// Whether `signature` is [`sign`]'s for this purpose and message (compared in constant time).
pub fn verify(secret: &str, purpose: &str, message: &str, signature: &str) -> bool {
    use hmac::Mac;
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    signing_mac(secret, purpose, message).verify_slice(&bytes).is_ok()
}

fn signing_mac(secret: &str, purpose: &str, message: &str) -> hmac::Hmac<sha2::Sha256> {
    use hmac::Mac;
    // HMAC takes keys of any length: this cannot fail.
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(message.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_secret_purpose_and_message() {
        let sig = sign("s3cret", "unsubscribe", "7:mention");
        assert!(verify("s3cret", "unsubscribe", "7:mention", &sig));
        assert!(!verify("other", "unsubscribe", "7:mention", &sig));
        assert!(!verify("s3cret", "reset", "7:mention", &sig));
        assert!(!verify("s3cret", "unsubscribe", "8:mention", &sig));
        assert!(!verify("s3cret", "unsubscribe", "7:mention", ""));
    }

    #[test]
    fn tokens_are_url_safe_and_of_the_asked_length() {
        let token = random_token(16);
        assert_eq!(token.len(), 22);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(token, random_token(16));
        let code = random_code(8);
        assert_eq!(code.len(), 8);
        assert!(!code.contains(['0', 'o', '1', 'l', 'i']));
    }
}
