//! RSA keys: parsed once, then verifying and signing with them.

use std::sync::{Arc, LazyLock};

use rsa::RsaPublicKey;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::Sha256;

use super::SignatureError;

/// Parses a PEM public key in SPKI (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`) form.
pub fn parse_public_key(pem: &str) -> Result<RsaPublicKey, SignatureError> {
    RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|e| SignatureError::Key(e.to_string()))
}

/// A public key ready to verify with. `ring` verifies RSA several times faster than the `rsa`
/// crate (BENCHMARKS.md); it takes keys of 2048 bits and more, so smaller keys (old servers) go
/// through the `rsa` crate.
#[derive(Clone)]
enum PublicKey {
    Ring(Arc<[u8]>),
    Small(RsaPublicKey),
}

/// Remote actors' keys are reused for every activity they send: parse each once.
static PUBLIC_KEYS: LazyLock<moka::sync::Cache<String, PublicKey>> =
    LazyLock::new(|| moka::sync::Cache::builder().max_capacity(10_000).build());

fn public_key(pem: &str) -> Result<PublicKey, SignatureError> {
    if let Some(key) = PUBLIC_KEYS.get(pem) {
        return Ok(key);
    }
    let parsed = parse_public_key(pem)?;
    let key = if rsa::traits::PublicKeyParts::size(&parsed) >= 256 {
        let der = parsed.to_pkcs1_der().map_err(|e| SignatureError::Key(e.to_string()))?;
        PublicKey::Ring(der.as_bytes().into())
    } else {
        PublicKey::Small(parsed)
    };
    PUBLIC_KEYS.insert(pem.to_string(), key.clone());
    Ok(key)
}

/// Verifies an RSA-SHA256 (PKCS#1 v1.5) signature over `signing_string`.
pub fn verify_rsa(public_key_pem: &str, signing_string: &str, signature: &[u8]) -> Result<(), SignatureError> {
    match public_key(public_key_pem)? {
        PublicKey::Ring(der) => {
            ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, &*der)
                .verify(signing_string.as_bytes(), signature)
                .map_err(|_| SignatureError::Invalid)
        }
        PublicKey::Small(key) => {
            let signature = Signature::try_from(signature).map_err(|_| SignatureError::Invalid)?;
            VerifyingKey::<Sha256>::new(key)
                .verify(signing_string.as_bytes(), &signature)
                .map_err(|_| SignatureError::Invalid)
        }
    }
}

/// Private keys are parsed once: parsing a PEM costs more than a signature.
static PRIVATE_KEYS: LazyLock<moka::sync::Cache<String, Arc<aws_lc_rs::rsa::KeyPair>>> =
    LazyLock::new(|| moka::sync::Cache::builder().max_capacity(10_000).build());

fn private_key(pem: &str) -> Result<Arc<aws_lc_rs::rsa::KeyPair>, SignatureError> {
    if let Some(key) = PRIVATE_KEYS.get(pem) {
        return Ok(key);
    }
    let der = rsa::pkcs8::SecretDocument::from_pem(pem.trim()).map_err(|e| SignatureError::Key(e.to_string()))?.1;
    let key = aws_lc_rs::rsa::KeyPair::from_pkcs8(der.as_bytes()).map_err(|e| SignatureError::Key(e.to_string()))?;
    let key = Arc::new(key);
    PRIVATE_KEYS.insert(pem.to_string(), key.clone());
    Ok(key)
}

/// An RSA-SHA256 (PKCS#1 v1.5) signature of `message` with a PKCS#8 PEM private key.
///
/// Made with AWS-LC (`aws-lc-rs`), which has the vector code for RSA's big-number arithmetic
/// that `ring` lacks: 6,700–7,200 signatures/s against ring's 4,100/s on two cores of an Intel
/// Xeon (BENCHMARKS.md, round 9), and about the same as ring where those instructions are
/// missing. Every delivery needs one signature, so this is the most of a fan-out's CPU time.
pub fn sign_rsa(private_key_pem: &str, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
    let key = private_key(private_key_pem)?;
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(&aws_lc_rs::signature::RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), message, &mut signature)
        .map_err(|_| SignatureError::Key("signing failed".into()))?;
    Ok(signature)
}
