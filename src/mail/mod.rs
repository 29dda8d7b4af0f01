//! Sending e-mail: over SMTP (`[mail] smtp_url`, TLS or STARTTLS), or, with no server
//! configured, into a folder as `.eml` files so that a small instance still works.
//!
//! What a mail says is decided above (the domain renders it in the person's language); this
//! module only hands a finished [`Outgoing`] mail over. Mails are sent by the job queue
//! (`mail.send` jobs), so an SMTP outage delays them and a crash does not lose them.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, header::Header};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;

/// A rendered mail, as queued.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Outgoing {
    /// The recipient's address.
    pub to: String,
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// A link that unsubscribes without signing in (`List-Unsubscribe`, RFC 8058 one-click).
    pub unsubscribe: Option<String>,
    /// `<…@domain>`, fixed when the mail is queued: a mail sent again after a crash carries the
    /// same id, so mail programs show it once.
    pub message_id: String,
}

/// Why a mail was not handed over.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The server is down, slow or refused for now (4xx): try again later.
    #[error("mail server unavailable: {0}")]
    Temporary(String),
    /// The mail can never go (a bad address, a 5xx refusal).
    #[error("mail refused: {0}")]
    Permanent(String),
}

/// Where mails go.
pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Folder { dir: PathBuf, from: Mailbox },
}

impl Mailer {
    /// The mailer `[mail]` describes (checked at start-up by the settings' validation).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        let mail = &settings.mail;
        let from: Mailbox = mail.sender(settings).parse()?;
        let url = mail.smtp_url.trim();
        if url.is_empty() {
            return Ok(Mailer::Folder { dir: PathBuf::from(&mail.folder), from });
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(Duration::from_secs(mail.timeout_secs.max(1))))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    /// A new message id under the instance's host.
    pub fn message_id(settings: &Settings) -> String {
        let host = settings.instance.domain.split(':').next().unwrap_or("buurt.invalid");
        format!("<{}@{host}>", crate::util::tokens::random_token(18))
    }

    /// Hands a mail to the server (or writes it to the folder).
    pub async fn send(&self, mail: &Outgoing) -> Result<(), MailError> {
        match self {
            Mailer::Smtp { transport, from } => {
                let message = build(from, mail)?;
                transport.send(message).await.map(|_| ()).map_err(|e| {
                    if e.is_permanent() {
                        MailError::Permanent(e.to_string())
                    } else {
                        MailError::Temporary(e.to_string())
                    }
                })
            }
            Mailer::Folder { dir, from } => {
                let message = build(from, mail)?;
                write_to_folder(dir, mail, &message.formatted()).await
            }
        }
    }
}

/// The mail as a MIME message: plain text and HTML alternatives, with `List-Unsubscribe`.
fn build(from: &Mailbox, mail: &Outgoing) -> Result<Message, MailError> {
    let to: Mailbox = mail.to.parse().map_err(|e| MailError::Permanent(format!("address {:?}: {e}", mail.to)))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()))
        .date_now();
    if let Some(link) = &mail.unsubscribe {
        builder = builder
            .header(ListUnsubscribe(format!("<{link}>")))
            .header(ListUnsubscribePost("List-Unsubscribe=One-Click".into()));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| MailError::Permanent(e.to_string()))
}

/// Writes the message as `<folder>/<message id>.eml`, through a temporary file: a mail written
/// again (after a crash) replaces itself instead of appearing twice.
async fn write_to_folder(dir: &std::path::Path, mail: &Outgoing, bytes: &[u8]) -> Result<(), MailError> {
    let name: String = mail
        .message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' })
        .collect();
    let temporary = |e: std::io::Error| MailError::Temporary(format!("mail folder {}: {e}", dir.display()));
    tokio::fs::create_dir_all(dir).await.map_err(temporary)?;
    let path = dir.join(format!("{name}.eml"));
    let partial = dir.join(format!(".{name}.partial"));
    tokio::fs::write(&partial, bytes).await.map_err(temporary)?;
    tokio::fs::rename(&partial, &path).await.map_err(temporary)?;
    tracing::info!(to = %mail.to, subject = %mail.subject, file = %path.display(), "no mail server configured: mail written to the folder");
    Ok(())
}

/// `List-Unsubscribe` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

/// `List-Unsubscribe-Post` (RFC 8058): the link unsubscribes with one POST.
#[derive(Clone)]
struct ListUnsubscribePost(String);

macro_rules! text_header {
    ($t:ident, $name:literal) => {
        impl Header for $t {
            fn name() -> HeaderName {
                HeaderName::new_from_ascii_str($name)
            }
            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok($t(s.to_string()))
            }
            fn display(&self) -> HeaderValue {
                HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}
text_header!(ListUnsubscribe, "List-Unsubscribe");
text_header!(ListUnsubscribePost, "List-Unsubscribe-Post");

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing() -> Outgoing {
        Outgoing {
            to: "Anna <anna@example.org>".into(),
            subject: "Nieuwe reactie".into(),
            text: "Hallo Anna".into(),
            html: "<p>Hallo Anna</p>".into(),
            unsubscribe: Some("https://buurt.example/meldingen/afmelden?t=abc".into()),
            message_id: "<abc123@buurt.example>".into(),
        }
    }

    #[test]
    fn a_mail_has_both_bodies_its_id_and_the_unsubscribe_headers() {
        let from: Mailbox = "Buurt <noreply@buurt.example>".parse().unwrap();
        let text = String::from_utf8(build(&from, &outgoing()).unwrap().formatted()).unwrap();
        assert!(text.contains("Message-ID: <abc123@buurt.example>"), "{text}");
        assert!(text.contains("List-Unsubscribe: <https://buurt.example/meldingen/afmelden?t=abc>"), "{text}");
        assert!(text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{text}");
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("text/plain") && text.contains("text/html"), "{text}");
    }

    #[test]
    fn a_bad_address_can_never_be_sent() {
        let from: Mailbox = "Buurt <noreply@buurt.example>".parse().unwrap();
        let mail = Outgoing { to: "not an address".into(), ..outgoing() };
        assert!(matches!(build(&from, &mail), Err(MailError::Permanent(_))));
    }

    #[tokio::test]
    async fn the_folder_keeps_one_file_per_mail_also_when_written_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mailer =
            Mailer::Folder { dir: dir.path().to_path_buf(), from: "Buurt <noreply@buurt.example>".parse().unwrap() };
        mailer.send(&outgoing()).await.unwrap();
        mailer.send(&outgoing()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
    }
}
