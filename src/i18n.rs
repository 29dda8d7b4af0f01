//! Translations: Fluent catalogues under `locales/`, embedded at build time. Dutch is the
//! default; English is complete.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nl",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Language codes the catalogues cover.
pub const SUPPORTED: &[&str] = &["nl", "en"];

static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().split(['-', '_']).next() {
            Some("nl") => Some(Lang::Nl),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// The text for `key`; a missing key shows the key itself (and a test keeps that from happening).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| {
            tracing::warn!(key, lang = self.code(), "missing translation");
            key.to_string()
        })
    }

    /// The text for `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// The best of `offered` for an `Accept-Language` header, by quality.
    pub fn negotiate(header: &str, offered: &[Lang]) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',').take(20) {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag).filter(|l| offered.contains(l))
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        let both = [Lang::Nl, Lang::En];
        assert_eq!(Lang::negotiate("en-GB,en;q=0.9,nl;q=0.8", &both), Some(Lang::En));
        assert_eq!(Lang::negotiate("de, nl-BE;q=0.5, en;q=0.4", &both), Some(Lang::Nl));
        assert_eq!(Lang::negotiate("de, fr", &both), None);
        assert_eq!(Lang::negotiate("en", &[Lang::Nl]), None);
        assert_eq!(Lang::negotiate("en;q=0", &both), None);
    }

    #[test]
    fn translates_with_arguments() {
        assert_eq!(Lang::Nl.t("nav-login"), "Inloggen");
        assert_eq!(Lang::En.t("nav-login"), "Sign in");
        assert!(Lang::En.t_args("registration-pending-for", &[("name", "anna".into())]).contains("anna"));
    }
}
