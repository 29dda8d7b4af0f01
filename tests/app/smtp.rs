//! A real SMTP server for the tests: Python's `aiosmtpd` (from PyPI) on a loopback port, keeping
//! what it receives in a Maildir that the tests read.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::util::python_venv;

pub struct SmtpServer {
    child: Child,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    /// A free loopback port for a server that is not there yet.
    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    /// Starts the server on `port` and waits until it accepts connections.
    pub async fn start(port: u16) -> SmtpServer {
        let requirements = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/smtp-requirements.txt");
        let python = tokio::task::spawn_blocking(move || python_venv("smtp-venv", requirements)).await.unwrap();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(tokio::time::Instant::now() < deadline, "aiosmtpd did not start on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        SmtpServer { child, maildir }
    }

    /// The Maildir the server writes to (a browser test reads it).
    #[allow(dead_code)]
    pub fn maildir(&self) -> PathBuf {
        self.maildir.path().join("box")
    }

    /// `smtp://127.0.0.1:PORT` for `[mail] smtp_url`.
    pub fn url(port: u16) -> String {
        format!("smtp://127.0.0.1:{port}")
    }

    /// Every message received, as raw text, in arrival order.
    pub fn messages(&self) -> Vec<String> {
        let new: PathBuf = self.maildir.path().join("box").join("new");
        let Ok(dir) = std::fs::read_dir(new) else {
            return vec![];
        };
        // In arrival order: by the file's time (Python's Maildir names do not sort by time
        // within one second: their microseconds are not zero-padded).
        let mut files: Vec<(Option<std::time::SystemTime>, PathBuf)> =
            dir.flatten().map(|e| (e.metadata().and_then(|m| m.modified()).ok(), e.path())).collect();
        files.sort();
        files.into_iter().map(|(_, p)| std::fs::read_to_string(p).unwrap()).collect()
    }

    /// Waits until `n` messages arrived; returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(tokio::time::Instant::now() < deadline, "{} of {n} mails arrived", messages.len());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The decoded text of a header (`Subject: …`), unfolded.
pub fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    let prefix = format!("{name}: ");
    message.lines().find_map(|l| l.strip_prefix(prefix.as_str()))
}

/// The message with quoted-printable soft line breaks and `=3D` undone (enough to read our
/// HTML parts).
pub fn unfolded(message: &str) -> String {
    message.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
}

/// The first link in a mail that starts with `prefix`.
pub fn link(message: &str, prefix: &str) -> Option<String> {
    let unfolded = unfolded(message);
    let start = unfolded.find(prefix)?;
    let rest = &unfolded[start..];
    let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>').unwrap_or(rest.len());
    Some(rest[..end].to_string())
}
