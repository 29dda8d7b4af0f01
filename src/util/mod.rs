//! Small helpers every layer may use: random tokens, URL and HTML helpers, hex, retry backoff. Nothing here
//! knows the database, the domain or HTTP.

pub mod backoff;
pub mod hex;
pub mod html;
pub mod markdown;
pub mod tokens;
pub mod url;
