//! What people type: Markdown (CommonMark with strikethrough and tables) rendered by
//! pulldown-cmark and sanitized like every HTML shown here, with `@name` and `@name@host`
//! mentions linked; and the mentions and hashtags of a plain text.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A mention in a text: `@name` or `@name@host`, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention<'a> {
    pub start: usize,
    pub end: usize,
    pub name: &'a str,
    pub host: Option<&'a str>,
}

/// Most mentions read from one text.
pub const MAX_MENTIONS: usize = 20;

/// The `@name` and `@name@host` in a text: an `@` at the start or after something that is not
/// part of a word (so an e-mail address is not a mention). At most [`MAX_MENTIONS`].
pub fn mentions(text: &str) -> Vec<Mention<'_>> {
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let host_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':';
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = c == '@' && prev.is_none_or(|p| !(name_char(p) || p == '@' || p == '.' || p == '/'));
        prev = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[i + 1..];
        let name_len = rest.find(|c: char| !name_char(c)).unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let name = &rest[..name_len];
        let after = &rest[name_len..];
        let host = after.strip_prefix('@').map(|h| {
            let len = h.find(|c: char| !host_char(c)).unwrap_or(h.len());
            h[..len].trim_end_matches(['.', ':', '-'])
        });
        let host = host.filter(|h| !h.is_empty());
        let end = i + 1 + name_len + host.map_or(0, |h| 1 + h.len());
        out.push(Mention { start: i, end, name, host });
        if out.len() == MAX_MENTIONS {
            break;
        }
    }
    out
}

/// The hashtags of a text (`#word`, letters, digits and `_`, not all digits), without the `#`,
/// each once, at most 20.
pub fn hashtags(text: &str) -> Vec<String> {
    let word_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut out: Vec<String> = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = c == '#' && prev.is_none_or(|p| !(word_char(p) || p == '&' || p == '/'));
        prev = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[i + 1..];
        let len = rest.find(|c: char| !word_char(c)).unwrap_or(rest.len());
        let tag = &rest[..len];
        if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) || tag.chars().count() > 100 {
            continue;
        }
        if !out.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            out.push(tag.to_string());
        }
        if out.len() == 20 {
            break;
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A mention as a link (an `h-card` span, as Mastodon writes it): `name` is what follows the
/// `@`. `wire::mentioned` reads these back as `Mention` tags.
pub fn mention_link(href: &str, name: &str) -> String {
    format!("<span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">@{}</a></span>", escape(href), escape(name))
}

/// Markdown as sanitized HTML. `link` gives the profile URL of a mention (`None`: left as
/// text). Raw HTML in the source is shown as text; headings start at `h2` (the page has the
/// `h1`); images become links to them.
pub fn to_html(source: &str, link: &dyn Fn(&str, Option<&str>) -> Option<String>) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let mut in_code = false;
    let events = Parser::new_ext(source, options).flat_map(|event| -> Vec<Event<'_>> {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                vec![Event::Start(Tag::CodeBlock(kind))]
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                vec![Event::End(TagEnd::CodeBlock)]
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                vec![Event::Start(Tag::Heading { level: lower(level), id, classes, attrs })]
            }
            Event::End(TagEnd::Heading(level)) => vec![Event::End(TagEnd::Heading(lower(level)))],
            Event::Start(Tag::Image { dest_url, title, id, .. }) => {
                vec![Event::Start(Tag::Link { link_type: pulldown_cmark::LinkType::Inline, dest_url, title, id })]
            }
            Event::End(TagEnd::Image) => vec![Event::End(TagEnd::Link)],
            Event::Html(html) | Event::InlineHtml(html) => vec![Event::Text(html)],
            Event::Text(text) if !in_code => linked(text, link),
            other => vec![other],
        }
    });
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    super::html::sanitize(&html)
}

/// One level lower, at most `h4` (what the sanitizer keeps).
fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        _ => HeadingLevel::H4,
    }
}

/// A text with its mentions as links (`h-card` spans, as Mastodon writes them).
fn linked<'a>(text: CowStr<'a>, link: &dyn Fn(&str, Option<&str>) -> Option<String>) -> Vec<Event<'a>> {
    let found: Vec<(usize, usize, String)> =
        mentions(&text).into_iter().filter_map(|m| link(m.name, m.host).map(|href| (m.start, m.end, href))).collect();
    if found.is_empty() {
        return vec![Event::Text(text)];
    }
    let mut out = Vec::with_capacity(found.len() * 2 + 1);
    let mut at = 0;
    for (start, end, href) in found {
        if start > at {
            out.push(Event::Text(CowStr::from(text[at..start].to_string())));
        }
        out.push(Event::InlineHtml(CowStr::from(mention_link(&href, &text[start + 1..end]))));
        at = end;
    }
    if at < text.len() {
        out.push(Event::Text(CowStr::from(text[at..].to_string())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str, _: Option<&str>) -> Option<String> {
        None
    }

    #[test]
    fn renders_markdown_and_keeps_it_safe() {
        let html = to_html("# Titel\n\n**vet** en [link](https://example.org)\n\n<script>x()</script>", &none);
        assert!(html.contains("<h2>Titel</h2>"), "{html}");
        assert!(html.contains("<strong>vet</strong>"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "raw HTML is shown as text: {html}");
        let js = to_html("[x](javascript:alert(1))", &none);
        assert!(!js.contains("javascript:"), "{js}");
    }

    #[test]
    fn links_mentions_outside_code() {
        let link = |name: &str, host: Option<&str>| {
            (name == "anna").then(|| format!("https://{}/u/anna", host.unwrap_or("buurt.example")))
        };
        let html = to_html("Hoi @anna en @bert, `@anna` blijft code", &link);
        assert!(html.contains("<a href=\"https://buurt.example/u/anna\""), "{html}");
        assert!(html.contains("@bert"), "{html}");
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        let remote = to_html("@anna@elders.example!", &link);
        assert!(remote.contains("https://elders.example/u/anna"), "{remote}");
        assert!(remote.contains("!</p>"), "{remote}");
    }

    #[test]
    fn finds_mentions_and_hashtags() {
        let found = mentions("mail a@b.nl, @anna en @bert@elders.example.");
        let names: Vec<_> = found.iter().map(|m| (m.name, m.host)).collect();
        assert_eq!(names, vec![("anna", None), ("bert", Some("elders.example"))]);
        assert_eq!(hashtags("#Buurt #buurt #2024 a#b #fiets_maat"), vec!["Buurt".to_string(), "fiets_maat".into()]);
    }
}
