use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

use super::*;

const PRIVATE: &str = include_str!("../../../tests/fixtures/test_private_key.pem");
const PUBLIC: &str = include_str!("../../../tests/fixtures/test_public_key.pem");

fn signed_request(body: &[u8], now: SystemTime) -> (HeaderMap, SignatureHeader) {
    let url = url::Url::parse("https://beta.example/inbox").unwrap();
    let headers_out = sign(
        &Method::POST,
        &url,
        Some(body),
        Some("application/activity+json"),
        "https://alpha.example/u/anna#main-key",
        PRIVATE,
        now,
    )
    .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("host", "beta.example".parse().unwrap());
    for (name, value) in headers_out {
        headers.insert(name, value.parse().unwrap());
    }
    let sig = SignatureHeader::parse(headers["signature"].to_str().unwrap()).unwrap();
    (headers, sig)
}

#[test]
fn a_signed_request_verifies_and_a_changed_one_does_not() {
    let now = SystemTime::now();
    let body = br#"{"type":"Follow"}"#;
    let (headers, sig) = signed_request(body, now);
    assert_eq!(sig.key_id, "https://alpha.example/u/anna#main-key");
    assert_eq!(sig.headers, ["(request-target)", "host", "date", "digest", "content-type"]);
    check_coverage(&sig, &Method::POST, &headers, now).unwrap();
    verify_covered_digests(&sig.headers, &Method::POST, &headers, body).unwrap();
    check_host(&sig.headers, &headers, "Beta.Example").unwrap();
    let text = signing_string(&sig, &Method::POST, "/inbox", &headers).unwrap();
    verify_rsa(PUBLIC, &text, &sig.signature).unwrap();

    assert_eq!(verify_covered_digests(&sig.headers, &Method::POST, &headers, b"{}"), Err(SignatureError::Digest));
    let other_path = signing_string(&sig, &Method::POST, "/u/bert/inbox", &headers).unwrap();
    assert_eq!(verify_rsa(PUBLIC, &other_path, &sig.signature), Err(SignatureError::Invalid));
    let mut tampered = headers.clone();
    tampered.insert("host", "gamma.example".parse().unwrap());
    let text = signing_string(&sig, &Method::POST, "/inbox", &tampered).unwrap();
    assert_eq!(verify_rsa(PUBLIC, &text, &sig.signature), Err(SignatureError::Invalid));
}

#[test]
fn stale_and_future_dates_are_refused() {
    let now = SystemTime::now();
    let (headers, sig) = signed_request(b"{}", now - Duration::from_secs(13 * 3600));
    assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::Stale));
    let (headers, sig) = signed_request(b"{}", now + Duration::from_secs(2 * 3600));
    assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::Stale));
    let (headers, sig) = signed_request(b"{}", now - Duration::from_secs(60));
    assert!(check_coverage(&sig, &Method::POST, &headers, now).is_ok());
}

#[test]
fn headers_in_other_shapes_parse() {
    let sig = SignatureHeader::parse(
        "keyId=\"https://gts.example/users/a/main-key\", algorithm=\"hs2019\", headers=\"(request-target) host date\", signature=\"AAAA\"",
    )
    .unwrap();
    assert_eq!(sig.actor_candidates(), ["https://gts.example/users/a/main-key", "https://gts.example/users/a"]);
    let auth = SignatureHeader::parse("Signature keyId=\"https://x.example/a#k\",signature=\"AAAA\"").unwrap();
    assert_eq!(auth.headers, ["date"]);
    for bad in ["", "keyId=", "signature=\"AAAA\"", "keyId=\"x\",signature=\"not base64!\"", "keyId=\"x"] {
        assert!(SignatureHeader::parse(bad).is_err(), "{bad}");
    }
    let mut headers = HeaderMap::new();
    headers.insert("digest", "sha-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=".parse().unwrap());
    let covered = ["digest".to_string()];
    assert!(verify_covered_digests(&covered, &Method::POST, &headers, b"{}").is_ok(), "lowercase algorithm name");
}

/// Our signatures (AWS-LC) are exactly what the independent `rsa` crate makes (PKCS#1 v1.5
/// is deterministic) and accepts, ring verifies them, and keys below 2048 bits still verify
/// through the `rsa` crate.
#[test]
fn signing_with_aws_lc_verifying_with_ring_and_the_rsa_crate_agree() {
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
    use rsa::signature::{SignatureEncoding, Signer};
    let message = b"(request-target): post /inbox";
    let theirs = rsa::RsaPrivateKey::from_pkcs8_pem(PRIVATE).unwrap();
    let expected = SigningKey::<Sha256>::new(theirs.clone()).sign(message).to_bytes();
    assert_eq!(sign_rsa(PRIVATE, message).unwrap(), expected.to_vec());
    let public = theirs.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    verify_rsa(&public, "(request-target): post /inbox", &expected).unwrap();
    assert!(verify_rsa(&public, "(request-target): post /inbox2", &expected).is_err());

    let small = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap();
    let signature = SigningKey::<Sha256>::new(small.clone()).sign(message).to_bytes();
    let small_public = small.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
    verify_rsa(&small_public, "(request-target): post /inbox", &signature).unwrap();
    assert!(verify_rsa(&small_public, "(request-target): post /other", &signature).is_err());
    assert!(verify_rsa("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "x", &signature).is_err());
}

#[test]
fn rfc9421_signatures_verify() {
    let now = SystemTime::now();
    let created = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let body = br#"{"type":"Follow"}"#;
    let mut headers = HeaderMap::new();
    headers.insert("host", "beta.example".parse().unwrap());
    headers.insert("content-digest", format!("sha-256=:{}:", BASE64.encode(Sha256::digest(body))).parse().unwrap());
    let params = format!(
        "(\"@method\" \"@target-uri\" \"@authority\" \"content-digest\");created={created};keyid=\"https://alpha.example/u/anna#main-key\";alg=\"rsa-v1_5-sha256\""
    );
    let base = format!(
        "\"@method\": POST\n\"@target-uri\": https://beta.example/inbox\n\"@authority\": beta.example\n\"content-digest\": {}\n\"@signature-params\": {params}",
        headers["content-digest"].to_str().unwrap()
    );
    let sig = sign_rsa(PRIVATE, base.as_bytes()).unwrap();
    headers.insert("signature-input", format!("sig1={params}").parse().unwrap());
    headers.insert("signature", format!("sig1=:{}:", BASE64.encode(sig)).parse().unwrap());

    let parsed = MessageSignature::parse(&headers).unwrap().unwrap();
    assert_eq!(parsed.key_id, "https://alpha.example/u/anna#main-key");
    parsed.check_coverage(&Method::POST, now).unwrap();
    verify_covered_digests(&parsed.components, &Method::POST, &headers, body).unwrap();
    let rebuilt = parsed.base(&Method::POST, "https://beta.example/inbox", &headers).unwrap();
    assert_eq!(rebuilt, base);
    verify_rsa(PUBLIC, &rebuilt, &parsed.signature).unwrap();
    let elsewhere = parsed.base(&Method::POST, "https://beta.example/other", &headers).unwrap();
    assert_eq!(verify_rsa(PUBLIC, &elsewhere, &parsed.signature), Err(SignatureError::Invalid));
    assert_eq!(parsed.check_coverage(&Method::POST, now + Duration::from_secs(13 * 3600)), Err(SignatureError::Stale));
}

#[test]
fn unsigned_essentials_are_refused() {
    let now = SystemTime::now();
    let (headers, mut sig) = signed_request(b"{}", now);
    sig.headers.retain(|h| h != "digest");
    assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::HeaderNotSigned("digest")));
    sig.headers.retain(|h| h != "host");
    assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::HeaderNotSigned("host")));
    let (headers, mut sig) = signed_request(b"{}", now);
    sig.algorithm = Some("hmac-sha256".into());
    assert!(matches!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::Algorithm(_))));
}

/// A `Digest` the signature does not cover is anyone's to add: only the covered digest
/// headers are compared with the body, and every one of them must match.
#[test]
fn only_the_digest_headers_a_signature_covers_count() {
    let body = br#"{"type":"Follow"}"#;
    let other = br#"{"type":"Delete"}"#;
    let content_digest = |b: &[u8]| format!("sha-256=:{}:", BASE64.encode(Sha256::digest(b)));
    let rfc9421: Vec<String> = ["@method", "@target-uri", "content-digest"].map(String::from).to_vec();
    let mut headers = HeaderMap::new();
    headers.insert("content-digest", content_digest(body).parse().unwrap());
    // The attack: the signed Content-Digest is the victim's, an added Digest fits the new body.
    headers.insert("digest", digest_header(other).parse().unwrap());
    assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, other), Err(SignatureError::Digest));
    assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, body), Ok(()));
    // The same the other way round for a draft-cavage signature over `digest`.
    let cavage: Vec<String> = ["(request-target)", "host", "date", "digest"].map(String::from).to_vec();
    let mut headers = HeaderMap::new();
    headers.insert("digest", digest_header(body).parse().unwrap());
    headers.insert("content-digest", content_digest(other).parse().unwrap());
    assert_eq!(verify_covered_digests(&cavage, &Method::POST, &headers, other), Err(SignatureError::Digest));
    assert_eq!(verify_covered_digests(&cavage, &Method::POST, &headers, body), Ok(()));
    // Both covered: both must match.
    let both: Vec<String> = ["digest", "content-digest"].map(String::from).to_vec();
    assert_eq!(verify_covered_digests(&both, &Method::POST, &headers, body), Err(SignatureError::Digest));
    headers.insert("content-digest", content_digest(body).parse().unwrap());
    assert_eq!(verify_covered_digests(&both, &Method::POST, &headers, body), Ok(()));
    // A covered digest header that is missing, or has no SHA-256, or has a wrong one besides.
    headers.remove("content-digest");
    assert_eq!(verify_covered_digests(&both, &Method::POST, &headers, body), Err(SignatureError::Digest));
    headers.insert("content-digest", "sha-512=:AAAA:".parse().unwrap());
    assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, body), Err(SignatureError::Digest));
    let twice = format!("{}, {}", content_digest(body), content_digest(other));
    headers.insert("content-digest", twice.parse().unwrap());
    assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, body), Err(SignatureError::Digest));
    // A POST must cover a digest; a GET need not.
    let none: Vec<String> = ["(request-target)", "host", "date"].map(String::from).to_vec();
    assert_eq!(
        verify_covered_digests(&none, &Method::POST, &headers, body),
        Err(SignatureError::HeaderNotSigned("digest"))
    );
    assert_eq!(verify_covered_digests(&none, &Method::GET, &HeaderMap::new(), b""), Ok(()));
}

#[test]
fn a_signed_host_must_be_ours() {
    let covered: Vec<String> = ["(request-target)", "host", "date"].map(String::from).to_vec();
    let mut headers = HeaderMap::new();
    headers.insert("host", "LocalHost:41234".parse().unwrap());
    assert_eq!(check_host(&covered, &headers, "localhost:41234"), Ok(()));
    assert_eq!(check_host(&covered, &headers, "localhost:41235"), Err(SignatureError::WrongHost));
    assert_eq!(check_host(&covered, &headers, "localhost"), Err(SignatureError::WrongHost));
    headers.insert("host", "other.example".parse().unwrap());
    assert_eq!(check_host(&covered, &headers, "buurt.example"), Err(SignatureError::WrongHost));
    assert_eq!(check_host(&covered, &HeaderMap::new(), "buurt.example"), Err(SignatureError::WrongHost));
    // Not covered (RFC 9421 binds the host through the target URI built from our domain).
    assert_eq!(check_host(&["@target-uri".to_string()], &headers, "buurt.example"), Ok(()));
}
