//! Limits against exhaustion and abuse: rate limits, sign-in lockout, connection timeouts,
//! bounded decoding, redirects and token scopes.
