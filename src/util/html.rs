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

/// A cleaner that keeps no tag at all (built once: building one fills a dozen sets).
static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(ammonia::Builder::empty);

/// The text of an HTML fragment, without tags, for names and summaries. Text with neither
/// a tag nor an entity is its own text and is not parsed.
pub fn plain_text(html: &str) -> String {
    if !html.contains(['<', '&', '>', '\0', '\r']) {
        return html.to_string();
    }
    let cleaned = TEXT_ONLY.clean(html).to_string();
    // ammonia escapes what it keeps; names are shown escaped again by the templates.
    cleaned
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The text of HTML that [`sanitize`] made (a stored post), without parsing it: tags are
/// skipped (quoted attribute values included), paragraphs and line breaks become spaces, and
/// the entities the sanitizer writes are decoded. About twenty times faster than
/// [`plain_text`], for pages that show many excerpts; untrusted HTML goes through
/// [`plain_text`].
pub fn text_of_clean(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with('<') {
            let end = tag_end(rest);
            let tag = &rest[..end];
            if tag.starts_with("<br") || tag.starts_with("</p") || tag.starts_with("</li") {
                out.push(' ');
            }
            rest = &rest[end..];
        } else {
            let (decoded, used) = entity(rest);
            out.push_str(decoded.as_deref().unwrap_or("&"));
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag at the start of `s` (up to and with its `>`; all of `s` when open).
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The entity at the start of `s` (which starts with `&`): its text and length, or `None`
/// and 1 for a lone `&`.
fn entity(s: &str) -> (Option<String>, usize) {
    let Some(end) = s[1..].find(';').map(|i| i + 1).filter(|&i| i <= 10) else { return (None, 1) };
    let name = &s[1..end];
    let text = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => match name.strip_prefix('#') {
            Some(n) => match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse().ok(),
            }
            .and_then(char::from_u32),
            None => None,
        },
    };
    match text {
        Some(c) => (Some(c.to_string()), end + 1),
        None => (None, 1),
    }
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
/// (the notifications page, mails and digests quote stored posts with it).
pub fn excerpt(html: &str, max: usize) -> String {
    let text = text_of_clean(html).split_whitespace().collect::<Vec<_>>().join(" ");
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
        // Plain text is its own text, quotes and all (not parsed: the fast path).
        assert_eq!(plain_text("Anna \"de Buurvrouw\" O'Neill"), "Anna \"de Buurvrouw\" O'Neill");
        assert_eq!(plain_text("Anna <b>de</b> Vries"), "Anna de Vries");
    }

    #[test]
    fn clean_html_becomes_its_text() {
        let cases = [
            (
                r#"<p>Hoi <a href="https://a.example/?q=1&amp;r=>2" rel="nofollow">@anna</a> &amp; co</p><p>regel&nbsp;2<br>drie</p>"#,
                "Hoi @anna & co regel 2 drie",
            ),
            (
                "<p>&lt;script&gt; &#39;x&#39; &#x263A; &quot;q&quot; a&b &unknown; &#xFFFFFFFF;</p>",
                "<script> 'x' ☺ \"q\" a&b &unknown; &#xFFFFFFFF;",
            ),
            ("<ul><li>een</li><li>twee</li></ul>", "een twee"),
            ("geen tags, een & teken", "geen tags, een & teken"),
            ("<p>open tag <a href=\"x", "open tag"),
        ];
        for (html, text) in cases {
            let words = text_of_clean(html).split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(words, text, "{html}");
        }
        assert_eq!(excerpt("<p>Een twee drie vier</p>", 9), "Een twee…");
    }
}
