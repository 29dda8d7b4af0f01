//! The mails of the account flows, in the recipient's language: address confirmation, password
//! reset, e-mail change (to the new and the old address), an invitation and its "someone joined".
//! None has an unsubscribe link: each answers something the person (or an inviter) did.

use crate::config::Settings;
use crate::db::models::local_user::{Account, LocalUser};
use crate::domain::mail::Letter;
use crate::i18n::Lang;

/// The language a person's mails are written in: their choice, else the instance's first.
pub fn lang_of(settings: &Settings, user: Option<&LocalUser>) -> Lang {
    user.and_then(|u| u.language.as_deref())
        .and_then(Lang::parse)
        .or_else(|| settings.instance.languages.first().and_then(|c| Lang::parse(c)))
        .unwrap_or(Lang::Nl)
}

fn site(settings: &Settings) -> String {
    settings.instance.name.clone()
}

fn letter(lang: Lang, to: &str, subject: String, greeting: String, paragraphs: Vec<String>, reason: String) -> Letter {
    Letter {
        lang,
        to: to.to_string(),
        subject,
        greeting,
        paragraphs,
        action: None,
        sections: Vec::new(),
        reason,
        unsubscribe: None,
    }
}

fn greeting(lang: Lang, account: &Account) -> String {
    lang.t_args("mail-account-greeting", &[("name", account.actor.display_name.clone())])
}

/// The link that confirms `to` for `account` (registration or from the settings).
pub fn confirm(settings: &Settings, account: &Account, to: &str, link: String) -> Letter {
    let lang = lang_of(settings, Some(&account.user));
    let args = [("site", site(settings).into()), ("hours", super::email::CONFIRM_HOURS.into())];
    let mut l = letter(
        lang,
        to,
        lang.t_with("mail-confirm-subject", &args),
        greeting(lang, account),
        vec![lang.t_with("mail-confirm-body", &args), lang.t_with("mail-confirm-valid", &args)],
        lang.t_with("mail-confirm-reason", &args),
    );
    l.action = Some((lang.t("mail-confirm-action"), link));
    l
}

/// The link that sets a new password.
pub fn reset(settings: &Settings, account: &Account, link: String) -> Letter {
    let lang = lang_of(settings, Some(&account.user));
    let args = [
        ("site", site(settings).into()),
        ("name", account.actor.username.as_str().into()),
        ("hours", super::email::RESET_HOURS.into()),
    ];
    let mut l = letter(
        lang,
        &account.user.email,
        lang.t_with("mail-reset-subject", &args),
        greeting(lang, account),
        vec![lang.t_with("mail-reset-body", &args), lang.t_with("mail-reset-not-you", &args)],
        lang.t_with("mail-reset-reason", &args),
    );
    l.action = Some((lang.t("mail-reset-action"), link));
    l
}

/// To the new address: the link that makes it the account's address.
pub fn change_to_new(settings: &Settings, account: &Account, new: &str, link: String) -> Letter {
    let lang = lang_of(settings, Some(&account.user));
    let args = [
        ("site", site(settings).into()),
        ("name", account.actor.username.as_str().into()),
        ("hours", super::email::CONFIRM_HOURS.into()),
    ];
    let mut l = letter(
        lang,
        new,
        lang.t_with("mail-change-new-subject", &args),
        greeting(lang, account),
        vec![lang.t_with("mail-change-new-body", &args), lang.t_with("mail-confirm-valid", &args)],
        lang.t_with("mail-confirm-reason", &args),
    );
    l.action = Some((lang.t("mail-change-new-action"), link));
    l
}

/// To the old address: a notice that someone asked to move the account elsewhere.
pub fn change_notice_to_old(settings: &Settings, account: &Account, new: &str, password_link: String) -> Letter {
    let lang = lang_of(settings, Some(&account.user));
    let args = [("site", site(settings).into()), ("name", account.actor.username.as_str().into()), ("new", new.into())];
    let mut l = letter(
        lang,
        &account.user.email,
        lang.t_with("mail-change-old-subject", &args),
        greeting(lang, account),
        vec![lang.t_with("mail-change-old-body", &args), lang.t_with("mail-change-old-not-you", &args)],
        lang.t_with("mail-change-old-reason", &args),
    );
    l.action = Some((lang.t("mail-change-old-action"), password_link));
    l
}

/// An invitation to an address: the link registers with the invitation's code.
pub fn invitation(settings: &Settings, inviter: &Account, to: &str, days: i64, link: String) -> Letter {
    let lang = lang_of(settings, None);
    let args = [
        ("site", site(settings).into()),
        ("inviter", inviter.actor.display_name.as_str().into()),
        ("days", days.into()),
    ];
    let mut l = letter(
        lang,
        to,
        lang.t_with("mail-invite-subject", &args),
        lang.t("mail-invite-greeting"),
        vec![lang.t_with("mail-invite-body", &args), lang.t_with("mail-invite-valid", &args)],
        lang.t_with("mail-invite-reason", &args),
    );
    l.action = Some((lang.t("mail-invite-action"), link));
    l
}
