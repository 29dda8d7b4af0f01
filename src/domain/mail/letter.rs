//! The one shape of every mail Buurt sends: a greeting, paragraphs, an optional button, optional
//! sections of linked items (digests), and a footer that says why the mail came and how to stop
//! it. Rendered as HTML and as plain text, in the recipient's language.

use askama::Template;

use crate::i18n::Lang;
use crate::mail::Outgoing;

/// A linked line in a section.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub text: String,
    pub url: String,
}

/// A titled list (a digest's "In je buurt", say).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub items: Vec<Item>,
}

/// A mail before rendering.
#[derive(Debug, Clone)]
pub struct Letter {
    pub lang: Lang,
    pub to: String,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// A button: its label and link.
    pub action: Option<(String, String)>,
    pub sections: Vec<Section>,
    /// Why this mail came ("Je krijgt deze mail omdat …").
    pub reason: String,
    /// The link that stops mails like this one without signing in.
    pub unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/letter.html")]
struct Html<'a> {
    l: &'a Letter,
    site: &'a str,
    unsubscribe_label: String,
}

#[derive(Template)]
#[template(path = "mail/letter.txt")]
struct Text<'a> {
    l: &'a Letter,
    site: &'a str,
    unsubscribe_label: String,
}

impl Letter {
    /// The finished mail, with a new message id.
    pub fn render(&self, settings: &crate::config::Settings) -> Result<Outgoing, askama::Error> {
        let site = settings.instance.name.as_str();
        let unsubscribe_label = self.lang.t("mail-unsubscribe");
        let html = Html { l: self, site, unsubscribe_label: unsubscribe_label.clone() }.render()?;
        let text = Text { l: self, site, unsubscribe_label }.render()?;
        Ok(Outgoing {
            to: self.to.clone(),
            subject: self.subject.clone(),
            text,
            html,
            unsubscribe: self.unsubscribe.clone(),
            message_id: crate::mail::Mailer::message_id(settings),
        })
    }
}
