//! Field validation shared by web forms, the API and the command line. Messages are keys of
//! the translation catalogue, so every caller shows them in the person's language.

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    /// A key in `locales/*/main.ftl`.
    pub message: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: &'static str) {
        if !self.has(field) {
            self.0.push(FieldError { field, message });
        }
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn one(field: &'static str, message: &'static str) -> FieldErrors {
        FieldErrors(vec![FieldError { field, message }])
    }
    /// `Ok` when empty, else the errors as a domain error.
    pub fn into_result(self) -> super::DomainResult<()> {
        if self.is_empty() { Ok(()) } else { Err(super::DomainError::Invalid(self)) }
    }
}

pub const USERNAME_MAX: usize = 30;
pub const DISPLAY_NAME_MAX: usize = 100;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 8;
/// Argon2 hashes whatever it gets; a cap keeps a request from buying seconds of CPU.
pub const PASSWORD_MAX: usize = 256;
pub const REASON_MAX: usize = 1000;

/// Names that would be confusing or collide with paths and well-known accounts.
const RESERVED_NAMES: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "buurt",
    "instance",
    "system",
    "support",
    "help",
    "moderator",
    "moderators",
    "beheer",
    "beheerder",
    "www",
    "api",
    "static",
    "media",
    "inbox",
    "outbox",
    "nodeinfo",
    "well-known",
    "about",
    "u",
    "g",
    "actor",
    "relay",
    "noreply",
    "postmaster",
    "abuse",
    "security",
];

/// Whether `name` is kept from persons and groups (any case).
pub fn is_reserved(name: &str) -> bool {
    RESERVED_NAMES.contains(&name.to_ascii_lowercase().as_str())
}

pub fn username(value: &str, errors: &mut FieldErrors) {
    let chars = value.chars().count();
    if value.is_empty() {
        errors.add("username", "error-required");
    } else if !(2..=USERNAME_MAX).contains(&chars) {
        errors.add("username", "error-username-length");
    } else if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        errors.add("username", "error-username-chars");
    } else if RESERVED_NAMES.contains(&value.to_ascii_lowercase().as_str()) {
        errors.add("username", "error-username-reserved");
    }
}

pub fn display_name(value: &str, errors: &mut FieldErrors) {
    if value.chars().count() > DISPLAY_NAME_MAX {
        errors.add("display_name", "error-too-long");
    } else if value.chars().any(char::is_control) {
        errors.add("display_name", "error-control-chars");
    }
}

pub fn email(value: &str, errors: &mut FieldErrors) {
    if value.is_empty() {
        errors.add("email", "error-required");
    } else if value.len() > EMAIL_MAX
        || !email_address::EmailAddress::is_valid(value)
        || !value.split_once('@').is_some_and(|(_, domain)| domain.contains('.'))
    {
        errors.add("email", "error-email-invalid");
    }
}

/// Length limits and a zxcvbn score of at least 3 ("safely unguessable"), taking the person's
/// other inputs into account.
pub fn new_password(value: &str, confirm: &str, user_inputs: &[&str], errors: &mut FieldErrors) {
    let chars = value.chars().count();
    if value.is_empty() {
        errors.add("password", "error-required");
    } else if chars < PASSWORD_MIN {
        errors.add("password", "error-password-short");
    } else if chars > PASSWORD_MAX {
        errors.add("password", "error-too-long");
    } else if zxcvbn::zxcvbn(value, user_inputs).score() < zxcvbn::Score::Three {
        errors.add("password", "error-password-weak");
    } else if value != confirm {
        errors.add("password_confirm", "error-password-mismatch");
    }
}

pub fn max_len(field: &'static str, value: &str, max: usize, errors: &mut FieldErrors) {
    if value.chars().count() > max {
        errors.add(field, "error-too-long");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["anna", "Anna_B", "jan2"] {
            let mut e = FieldErrors::default();
            username(ok, &mut e);
            assert!(e.is_empty(), "{ok}");
        }
        for (bad, key) in [
            ("", "error-required"),
            ("a", "error-username-length"),
            ("a b", "error-username-chars"),
            ("anna@x", "error-username-chars"),
            ("ADMIN", "error-username-reserved"),
            (&"x".repeat(31), "error-username-length"),
        ] {
            let mut e = FieldErrors::default();
            username(bad, &mut e);
            assert_eq!(e.get("username"), Some(key), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        let mut e = FieldErrors::default();
        new_password("wachtwoord", "wachtwoord", &[], &mut e);
        assert_eq!(e.get("password"), Some("error-password-weak"));
        let mut e = FieldErrors::default();
        new_password("kort", "kort", &[], &mut e);
        assert_eq!(e.get("password"), Some("error-password-short"));
        let mut e = FieldErrors::default();
        new_password("fiets-molen-Kanaal-93", "fiets-molen-Kanaal-94", &[], &mut e);
        assert_eq!(e.get("password_confirm"), Some("error-password-mismatch"));
        let mut e = FieldErrors::default();
        new_password("fiets-molen-Kanaal-93", "fiets-molen-Kanaal-93", &[], &mut e);
        assert!(e.is_empty());
    }

    #[test]
    fn emails() {
        for bad in ["", "no-at", "a@b", "a b@c.nl", "@x.nl"] {
            let mut e = FieldErrors::default();
            email(bad, &mut e);
            assert!(e.has("email"), "{bad}");
        }
        let mut e = FieldErrors::default();
        email("anna@buurt.example", &mut e);
        assert!(e.is_empty());
    }
}
