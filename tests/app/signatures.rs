//! What a signature must bind (body, host, target), what remote input is refused before anything
//! is stored, and the SSRF guard.
