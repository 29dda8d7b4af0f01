//! HTML from other servers and from people: sanitized before it is stored or shown.

use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(HashSet::from([
        "p",
        "br",
        "a",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "del",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "h2",
        "h3",
        "h4",
    ]))
    .tag_attributes(std::collections::HashMap::from([("a", HashSet::from(["href"]))]))
    .allowed_classes(std::collections::HashMap::from([(
        "span",
        HashSet::from(["h-card", "mention", "hashtag", "invisible", "ellipsis"]),
    )]))
    .url_schemes(HashSet::from(["http", "https", "mailto"]))
    .link_rel(Some("nofollow noopener noreferrer"));
    b
});

/// Keeps the harmless subset of HTML that posts and profiles use; removes the rest.
pub fn sanitize(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// The text of an HTML fragment, without tags, for names and summaries.
pub fn plain_text(html: &str) -> String {
    let cleaned = ammonia::Builder::empty().clean(html).to_string();
    // ammonia escapes what it keeps; names are shown escaped again by the templates.
    cleaned
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Plain text typed by a person as HTML paragraphs, with links left as text.
pub fn text_to_html(text: &str) -> String {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect()
}

/// What [`text_to_html`] made, back as the text that was typed (for a form or an API's PATCH).
pub fn html_to_text(html: &str) -> String {
    plain_text(&html.replace("</p><p>", "\n\n").replace("<br>", "\n"))
}

/// The text of an HTML fragment on one line, cut at a word near `max` characters with "…"
/// (mails and digests quote posts with it).
pub fn excerpt(html: &str, max: usize) -> String {
    let text = html_to_text(html).split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut = truncate(&text, max);
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// Cuts `s` to at most `max` characters.
pub fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let dirty = r#"<p onclick="x()">Hoi <script>alert(1)</script><a href="javascript:alert(1)">x</a> <a href="https://a.example/">a</a></p><img src=x onerror=y>"#;
        let clean = sanitize(dirty);
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript")
                && !clean.contains("img")
        );
        assert!(clean.contains(r#"<a href="https://a.example/" rel="nofollow noopener noreferrer">a</a>"#), "{clean}");
    }

    #[test]
    fn text_becomes_paragraphs() {
        assert_eq!(
            text_to_html("Hallo <buurt>\nregel 2\n\nalinea"),
            "<p>Hallo &lt;buurt&gt;<br>regel 2</p><p>alinea</p>"
        );
        assert_eq!(plain_text("<b>Anna</b> &amp; Co"), "Anna & Co");
    }
}
