//! The request context of a page: language, signed-in account, CSRF token; and the middleware
//! that prepares it and renders error pages.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::error::{ErrorPage, WebError};
use super::layout::{Layout, NavEntry};
use crate::db::models::local_user::{Account, Role};
use crate::i18n::Lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "buurt_session";
pub const ANON_COOKIE: &str = "buurt_anon";
pub const LANG_COOKIE: &str = "buurt_lang";

/// Everything a page handler needs to know about who asks and in which language.
#[derive(Clone)]
pub struct Ctx {
    pub state: AppState,
    pub lang: Lang,
    pub account: Option<Account>,
    pub session_token: Option<String>,
    /// The token every form of this page must send back (written into a page as `{{ ctx.csrf }}`).
    pub csrf: CsrfToken,
    /// Path and query of the request, for the language switcher's way back.
    pub path: String,
    /// Navigation and home-page sections of the modules that are on.
    pub layout: Arc<Layout>,
    /// How many notifications the signed-in person has not read (0 for visitors).
    pub unread: i64,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t_args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.t_args(key, args)
    }

    /// The text for `key` with one named argument (templates use this).
    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    /// The text for `key` with the number `$count`, in the plural form it calls for (templates
    /// use this for every count shown).
    pub fn t_count(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        self.lang.t_count(key, *count.borrow())
    }

    /// The unread count as a screen reader reads it: "3 ongelezen meldingen".
    pub fn unread_label(&self) -> String {
        self.t_count("nav-notifications-unread", self.unread)
    }

    /// The modules' links in the site navigation.
    pub fn nav(&self) -> &[NavEntry] {
        &self.layout.nav
    }

    /// Whether a module that is on links `href` in the navigation (its pages are there).
    pub fn has_nav(&self, href: &str) -> bool {
        self.layout.nav.iter().any(|n| n.href == href)
    }

    pub fn site_name(&self) -> &str {
        &self.state.settings.instance.name
    }

    pub fn is_admin(&self) -> bool {
        self.account.as_ref().is_some_and(|a| a.user.role() == Role::Admin)
    }

    pub fn is_moderator(&self) -> bool {
        self.account.as_ref().is_some_and(|a| a.user.role() >= Role::Moderator)
    }

    /// The languages offered, for the switcher: (code, name in that language, current?).
    pub fn languages(&self) -> Vec<(&'static str, String, bool)> {
        offered(&self.state).into_iter().map(|l| (l.code(), l.t("language-name"), l == self.lang)).collect()
    }

    /// The signed-in account, or an error that sends the person to the login page.
    pub fn require_account(&self) -> Result<&Account, WebError> {
        self.account.as_ref().ok_or_else(|| WebError::SignInRequired(self.path.clone()))
    }

    pub fn css_url(&self) -> String {
        super::assets::url("buurt.css")
    }

    /// The organisation's theme stylesheet, when one is configured.
    pub fn theme_url(&self) -> Option<String> {
        self.state.theme.as_ref().map(|t| format!("/eigen/{}", t.name))
    }

    /// The organisation's logo, when one is configured.
    pub fn logo_url(&self) -> Option<String> {
        self.state.logo.as_ref().map(|l| format!("/eigen/{}", l.name))
    }

    /// A stored UTC time in the instance's time zone, in the page language's format.
    pub fn datetime(&self, utc: chrono::NaiveDateTime) -> String {
        let tz: chrono_tz::Tz = self.state.settings.instance.timezone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
        local_datetime(self.lang, tz, utc)
    }
}

/// A UTC time in `tz`, as `lang` writes it: "07-12-2026 22:05" or "7 Dec 2026, 22:05". Written
/// out rather than through a strftime string, which chrono parses at every call (a report queue
/// formats a time per row: 3% of its time).
pub fn local_datetime(lang: Lang, tz: chrono_tz::Tz, utc: chrono::NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    let t = utc.and_utc().with_timezone(&tz);
    let (day, year, hour, minute) = (t.day(), t.year(), t.hour(), t.minute());
    match lang {
        Lang::Nl => format!("{day:02}-{:02}-{year} {hour:02}:{minute:02}", t.month()),
        Lang::En => format!("{day} {} {year}, {hour:02}:{minute:02}", MONTHS_EN[t.month0() as usize]),
    }
}

/// English month abbreviations, as chrono's `%b` writes them.
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The languages of the instance, in configured order.
pub fn offered(state: &AppState) -> Vec<Lang> {
    state.settings.instance.languages.iter().filter_map(|c| Lang::parse(c)).collect()
}

/// The anonymous visitor's random id, to which their CSRF token is bound until they sign in,
/// and whether a page wrote that token (only then does a new visitor get the id's cookie).
#[derive(Clone)]
struct AnonId {
    id: String,
    used: Arc<AtomicBool>,
}

/// A page's CSRF token. Writing it into a page (its `Display`) marks it used: an anonymous
/// visitor's page that wrote no token sets no cookie and is the same for every anonymous reader,
/// so the public cache may keep it.
#[derive(Clone, Default)]
pub struct CsrfToken {
    value: String,
    used: Arc<AtomicBool>,
}

impl CsrfToken {
    pub fn new(value: String) -> CsrfToken {
        CsrfToken { value, used: Arc::default() }
    }

    /// The token, for comparing with the one a form sent back.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl std::fmt::Display for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.used.store(true, Ordering::Relaxed);
        f.write_str(&self.value)
    }
}

/// Language from cookie, then Accept-Language, then the instance default.
fn request_lang(state: &AppState, headers: &HeaderMap, jar: &CookieJar) -> Lang {
    let offered = offered(state);
    jar.get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .filter(|l| offered.contains(l))
        .or_else(|| {
            headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(|h| Lang::negotiate(h, &offered))
        })
        .or_else(|| offered.first().copied())
        .unwrap_or(Lang::Nl)
}

/// HMAC of the session (or anonymous id) under the instance secret.
pub fn csrf_token(secret: &str, binding: &str) -> String {
    use base64::Engine;
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(b"csrf:");
    mac.update(binding.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let session_token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
        let account = match &session_token {
            Some(token) => crate::domain::accounts::session_account(&state.pool, token).await?,
            None => None,
        };
        let session_token = session_token.filter(|_| account.is_some());
        let unread = match &account {
            Some(account) => {
                let mut conn = state.pool.get().await?;
                crate::domain::notifications::reading::unread_count(&mut conn, account).await?
            }
            None => 0,
        };
        let (binding, used) = match (&session_token, parts.extensions.get::<AnonId>()) {
            (Some(token), _) => (format!("s:{token}"), Arc::default()),
            (None, Some(anon)) => (format!("a:{}", anon.id), anon.used.clone()),
            (None, None) => (String::new(), Arc::default()),
        };
        let lang = account
            .as_ref()
            .and_then(|a| a.user.language.as_deref())
            .and_then(Lang::parse)
            .filter(|l| offered(state).contains(l))
            .unwrap_or_else(|| request_lang(state, &parts.headers, &jar));
        let ctx = Ctx {
            state: state.clone(),
            lang,
            account,
            session_token,
            csrf: CsrfToken { value: csrf_token(&state.site.secret, &binding), used },
            path: parts.uri.path_and_query().map_or("/".into(), |p| p.to_string()),
            layout: parts.extensions.get::<Arc<Layout>>().cloned().unwrap_or_default(),
            unread,
        };
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// Builds a cookie with the instance's security attributes.
pub fn cookie(state: &AppState, name: &'static str, value: String, max_age_days: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(state.settings.scheme() == "https")
        .same_site(SameSite::Lax)
        .max_age(time_duration_days(max_age_days))
        .build()
}

fn time_duration_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

/// Middleware for every page: gives anonymous visitors an id for CSRF tokens, renders error
/// pages in the visitor's language, and sets security headers.
pub async fn page_middleware(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let lang = request_lang(&state, request.headers(), &jar);
    let layout = request.extensions().get::<Arc<Layout>>().cloned().unwrap_or_default();
    // A request without credentials of any kind gets the page every anonymous reader gets.
    let cookieless = !request.headers().contains_key(axum::http::header::COOKIE)
        && !request.headers().contains_key(axum::http::header::AUTHORIZATION);
    let new_anon = match jar.get(ANON_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() <= 64) {
        Some(existing) => {
            request.extensions_mut().insert(AnonId { id: existing, used: Arc::default() });
            None
        }
        None => {
            let fresh = AnonId { id: crate::util::tokens::random_token(18), used: Arc::default() };
            request.extensions_mut().insert(fresh.clone());
            Some(fresh)
        }
    };
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions().get::<ErrorPage>().copied() {
        let status = response.status();
        let mut page = super::pages::error::render(&state, layout, lang, status, error.message);
        // Keep cookies a handler set (e.g. a cleared session) on the error page.
        for value in response.headers().get_all(SET_COOKIE) {
            page.headers_mut().append(SET_COOKIE, value.clone());
        }
        if let Some(value) = response.headers().get(axum::http::header::RETRY_AFTER) {
            page.headers_mut().insert(axum::http::header::RETRY_AFTER, value.clone());
        }
        response = page;
    }
    let is_html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        // JSON served from a page URL (an actor document) gets no page cookies or headers.
        return response;
    }
    match new_anon {
        // The page wrote a token bound to the new id: the visitor keeps the id.
        Some(anon) if anon.used.load(Ordering::Relaxed) => {
            let c = cookie(&state, ANON_COOKIE, anon.id, 365);
            if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
                response.headers_mut().append(SET_COOKIE, v);
            }
        }
        // No form, no credentials: the page is the same for every anonymous reader.
        Some(_) if cookieless && response.status() == axum::http::StatusCode::OK => {
            response = crate::public_cache::shareable(response);
        }
        _ => {}
    }
    let headers = response.headers_mut();
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert("content-security-policy", state.page_csp.clone());
    if !headers.contains_key("cache-control") {
        headers.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    response
}

/// The content policy of pages: everything from this server, images from any https server (remote
/// avatars and media) and from the map's tile server.
pub fn page_csp(settings: &crate::config::Settings) -> anyhow::Result<HeaderValue> {
    let tiles =
        settings.map.tile_origin().filter(|o| o.starts_with("http://")).map(|o| format!(" {o}")).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; img-src 'self' data: https:{tiles}; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    );
    Ok(HeaderValue::from_str(&policy)?)
}

/// Accepts only a local path as a place to return to, so `next=` cannot send people away: `/`
/// followed by anything but a second `/` or `\`, without control characters or white space
/// anywhere (browsers drop tabs and line breaks from URLs and read `\` as `/`, so `/\t/evil`
/// would be `//evil`, another site).
pub fn safe_next(next: &str) -> &str {
    let mut chars = next.chars();
    let local = chars.next() == Some('/')
        && chars.next().is_none_or(|c| c != '/' && c != '\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
        && next.len() < 1000;
    if local { next } else { "/" }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_read_as_strftime_wrote_them() {
        use super::{Lang, local_datetime};
        let tz = chrono_tz::Europe::Amsterdam;
        for text in ["2026-12-07 21:05:09", "2026-06-01 03:00:00", "2031-03-30 00:59:00", "1999-01-31 23:59:59"] {
            let utc = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
            let local = utc.and_utc().with_timezone(&tz);
            assert_eq!(local_datetime(Lang::Nl, tz, utc), local.format("%d-%m-%Y %H:%M").to_string());
            assert_eq!(local_datetime(Lang::En, tz, utc), local.format("%-d %b %Y, %H:%M").to_string());
        }
    }

    use super::safe_next;

    #[test]
    fn only_local_paths_are_places_to_return_to() {
        for good in ["/", "/instellingen", "/u/anna?tab=posts", "/p/12#reply", "/zoeken?q=%20fiets"] {
            assert_eq!(safe_next(good), good);
        }
        for bad in [
            "",
            "https://evil.example/",
            "evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\t\\evil.example",
            "\t//evil.example",
            " //evil.example",
            "/ /evil.example",
            "/path with space",
            "/\u{0}/evil.example",
            "/\u{7f}x",
            "/\u{85}/evil.example",
            "/\u{a0}/evil.example",
            "/\u{2028}/evil.example",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(1000))), "/");
    }
}
