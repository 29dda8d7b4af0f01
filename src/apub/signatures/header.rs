//! The draft-cavage `Signature` header, and the actor a key id belongs to.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::SignatureError;

/// A parsed `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub key_id: String,
    pub algorithm: Option<String>,
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

impl SignatureHeader {
    /// Parses `keyId="…",algorithm="…",headers="…",signature="…"` (from `Signature` or from
    /// `Authorization: Signature …`).
    pub fn parse(value: &str) -> Result<SignatureHeader, SignatureError> {
        let value = value.trim().strip_prefix("Signature ").unwrap_or(value.trim());
        let mut fields = BTreeMap::new();
        let mut rest = value;
        while !rest.is_empty() {
            let (name, after) = rest.split_once('=').ok_or(SignatureError::Malformed("expected name=value"))?;
            let name = name.trim().trim_start_matches(',').trim().to_ascii_lowercase();
            let after = after.trim_start();
            let (val, remaining) = if let Some(quoted) = after.strip_prefix('"') {
                let end = quoted.find('"').ok_or(SignatureError::Malformed("unterminated quote"))?;
                (&quoted[..end], &quoted[end + 1..])
            } else {
                let end = after.find(',').unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            fields.insert(name, val.to_string());
            rest = remaining.trim_start().trim_start_matches(',').trim_start();
            if fields.len() > 16 {
                return Err(SignatureError::Malformed("too many fields"));
            }
        }
        let key_id = fields.remove("keyid").ok_or(SignatureError::Malformed("keyId missing"))?;
        let signature = fields.remove("signature").ok_or(SignatureError::Malformed("signature missing"))?;
        let signature =
            BASE64.decode(signature.trim()).map_err(|_| SignatureError::Malformed("signature not base64"))?;
        let headers = fields
            .remove("headers")
            .unwrap_or_else(|| "date".into())
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let number = |v: Option<String>| v.and_then(|s| s.trim().parse::<i64>().ok());
        Ok(SignatureHeader {
            key_id,
            algorithm: fields.remove("algorithm"),
            headers,
            signature,
            created: number(fields.remove("created")),
            expires: number(fields.remove("expires")),
        })
    }

    pub fn actor_candidates(&self) -> Vec<String> {
        key_owner_candidates(&self.key_id)
    }
}

/// The actor URL a key id belongs to, by the common conventions: `actor#main-key`, or a key
/// document under the actor such as `actor/main-key` or `actor/publickey`.
pub fn key_owner_candidates(key_id: &str) -> Vec<String> {
    let base = key_id.split('#').next().unwrap_or(key_id).to_string();
    let mut out = vec![base.clone()];
    if let Some((parent, last)) = base.rsplit_once('/')
        && (last.contains("key") || last.contains("Key"))
    {
        out.push(parent.to_string());
    }
    out
}
