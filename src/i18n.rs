//! Translations: Fluent catalogues under `locales/`, embedded at build time. Dutch is the
//! default; English is complete. A count in a sentence is passed as a number (`t_count`, or
//! `t_with` and `Arg::Number`), never as text: only a number makes `{ $count -> [one] … *[other]
//! … }` choose its plural form ("Er is 1 bewoner", "Er zijn 2 bewoners").

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

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

/// Formatted messages without arguments, per language (in `Lang` order).
static TEXTS: LazyLock<[RwLock<HashMap<String, String>>; 2]> = LazyLock::new(Default::default);
/// The most messages [`TEXTS`] keeps per language.
const TEXTS_MAX: usize = 10_000;

static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

/// An argument of a message: text is shown as it is; a number is also what plural forms
/// (`[one]`, `[other]`) are chosen by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl Arg {
    fn value(&self) -> FluentValue<'_> {
        match self {
            Arg::Text(s) => FluentValue::from(s.as_str()),
            Arg::Number(n) => FluentValue::from(*n),
        }
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Number(n)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

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
        // A message without arguments is the same text every time: formatted once, then read
        // from memory (a queue page of 50 rows asks for a few hundred).
        let memo = &TEXTS[self as usize];
        if let Some(text) = memo.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(key) {
            return text.clone();
        }
        let Some(text) = LOCALES.try_lookup(self.id(), key) else {
            tracing::warn!(key, lang = self.code(), "missing translation");
            return key.to_string();
        };
        let mut memo = memo.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Keys come from the code, so the set is bounded; the cap only guards against a mistake.
        if memo.len() < TEXTS_MAX {
            memo.insert(key.to_string(), text.clone());
        }
        text
    }

    /// The text for `key` with named text arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.as_str()))).collect();
        self.lookup(key, &map)
    }

    /// The text for `key` with named arguments of either kind: numbers reach Fluent as numbers,
    /// so that `{ $count -> [one] … *[other] … }` picks the plural form of the language.
    pub fn t_with(self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.value())).collect();
        self.lookup(key, &map)
    }

    /// The text for `key` with one number, `$count`: "Er is 1 bewoner", "Er zijn 2 bewoners".
    pub fn t_count(self, key: &str, count: i64) -> String {
        self.t_with(key, &[("count", Arg::Number(count))])
    }

    fn lookup(self, key: &str, args: &HashMap<Cow<'static, str>, FluentValue>) -> String {
        LOCALES.try_lookup_with_args(self.id(), key, args).unwrap_or_else(|| key.to_string())
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

    #[test]
    fn numbers_choose_the_plural_form() {
        assert_eq!(Lang::Nl.t_count("home-members", 1), "Er is 1 bewoner aangemeld.");
        assert_eq!(Lang::Nl.t_count("home-members", 2), "Er zijn 2 bewoners aangemeld.");
        assert_eq!(Lang::Nl.t_count("home-members", 0), "Er zijn 0 bewoners aangemeld.");
        assert_eq!(Lang::En.t_count("home-members", 1), "1 resident has joined.");
        assert_eq!(Lang::En.t_count("profile-followers", 1), "1 follower");
        assert_eq!(Lang::En.t_count("profile-followers", 12), "12 followers");
        // A number given as text never matches `[one]`: that is why counts go through `t_count`.
        assert_eq!(Lang::Nl.t_args("home-members", &[("count", "1".into())]), "Er zijn 1 bewoners aangemeld.");
    }
}
