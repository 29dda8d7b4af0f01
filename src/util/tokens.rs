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

#[cfg(test)]
mod tests {
    use super::*;

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
