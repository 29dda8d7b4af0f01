//! Digests: per person, daily or weekly, one mail with what happened since the previous one —
//! the notifications they chose to hear of in a digest, and sections the features fill (today:
//! new posts in the neighbourhood; later groups, events, requests for help near them).
//!
//! A `digest.schedule` job runs every hour and queues a `digest.send` job per person whose
//! digest is due (at 07:00 in the instance's time zone: daily every day, weekly on Mondays),
//! with a key that makes it one per person and day. `digest.send` reads what came after the
//! person's `digest.covered_until` for that period, queues the mail, moves `covered_until` and
//! completes itself in one transaction: each notification is in exactly one digest.

use chrono::{Datelike, TimeDelta, Timelike};

use super::kinds::{Channel, Kind};
use crate::db::models::digest::Digest;
use crate::db::models::local_user::{Account, LocalUserId};
use crate::db::models::notification::Notification;
use crate::db::models::post::{PostView, TimelineQuery};
use crate::db::{DbConn, DbResult, now};
use crate::domain::mail::{self, Item, Letter, Section};
use crate::i18n::Lang;
use crate::jobs::{JobError, NewJob, Running};
use crate::state::AppState;

pub const SCHEDULE_JOB: &str = "digest.schedule";
pub const SEND_JOB: &str = "digest.send";

/// The hour (in the instance's time zone) digests go out.
const HOUR: u32 = 7;
/// Lines per section at most.
const SECTION_MAX: usize = 10;

/// The digest as a preference: `off`, `daily` or `weekly`. It is not a notification kind (not
/// in `KINDS`), but the preferences page and the unsubscribe link treat it as one.
pub static DIGEST: Kind = Kind {
    name: "digest",
    mastodon: None,
    default: Channel::Weekly,
    grouped: false,
    staff_only: false,
    channels: &[Channel::Off, Channel::Daily, Channel::Weekly],
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Daily,
    Weekly,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
        }
    }

    fn channel(self) -> Channel {
        match self {
            Period::Daily => Channel::Daily,
            Period::Weekly => Channel::Weekly,
        }
    }

    fn length(self) -> TimeDelta {
        match self {
            Period::Daily => TimeDelta::days(1),
            Period::Weekly => TimeDelta::days(7),
        }
    }
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct SendDigest {
    user: i64,
    period: Period,
}

/// Queues the first `digest.schedule` job at start-up (one among all processes: its key is the
/// hour).
pub async fn start(state: &AppState) -> DbResult<()> {
    let mut conn = state.pool.write().await?;
    schedule_next(&mut conn, now()).await
}

async fn schedule_next(conn: &mut DbConn, after: chrono::NaiveDateTime) -> DbResult<()> {
    let next_hour =
        after.with_minute(0).and_then(|t| t.with_second(0)).and_then(|t| t.with_nanosecond(0)).unwrap_or(after)
            + TimeDelta::hours(1);
    let key = format!("{SCHEDULE_JOB}:{}", next_hour.format("%Y-%m-%dT%H"));
    crate::jobs::enqueue(conn, NewJob::new(SCHEDULE_JOB, &()).at(next_hour).unique(key)).await?;
    Ok(())
}

/// The `digest.schedule` handler: queues the digests due this hour, then the next run.
pub async fn schedule(state: AppState, job: Running) -> Result<(), JobError> {
    let t = now();
    let tz: chrono_tz::Tz = state.settings.instance.timezone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
    let local = chrono::TimeZone::from_utc_datetime(&tz, &t);
    let mut tx = state.pool.begin().await?;
    if local.hour() == HOUR {
        let day = local.format("%Y-%m-%d").to_string();
        let mut periods = vec![Period::Daily];
        if local.weekday() == chrono::Weekday::Mon {
            periods.push(Period::Weekly);
        }
        for period in periods {
            let since = t - period.length() - TimeDelta::days(1);
            for user in
                Digest::recipients(&mut tx, period.as_str(), DIGEST.name, DIGEST.default.as_str(), since).await?
            {
                let job = NewJob::new(SEND_JOB, &SendDigest { user: user.0, period }).unique(format!(
                    "{SEND_JOB}:{}:{}:{day}",
                    user.0,
                    period.as_str()
                ));
                crate::jobs::enqueue(&mut tx, job).await?;
            }
        }
    }
    schedule_next(&mut tx, t).await?;
    if job.complete_in(&mut tx).await? {
        tx.commit().await?;
    }
    Ok(())
}

/// The `digest.send` handler.
pub async fn send(state: AppState, job: Running) -> Result<(), JobError> {
    let SendDigest { user, period } = job.payload()?;
    let mut tx = state.pool.begin().await?;
    let Some(account) = Account::by_id(&mut tx, LocalUserId(user)).await? else {
        return Ok(());
    };
    let until = now();
    let since = Digest::covered_until(&mut tx, account.user.id, period.as_str())
        .await?
        .unwrap_or_else(|| (until - period.length()).max(account.user.created_at));
    let lang = crate::domain::accounts::letters::lang_of(&state.settings, Some(&account.user));
    let sections = sections(&mut tx, &state, &account, period, since, until, lang).await?;
    Digest::cover(&mut tx, account.user.id, period.as_str(), until).await?;
    if !sections.is_empty() && super::email::may_mail(&state, &account) {
        let letter = Letter {
            lang,
            to: account.user.email.clone(),
            subject: lang.t_args(
                &format!("digest-subject-{}", period.as_str()),
                &[("site", state.settings.instance.name.clone())],
            ),
            greeting: lang.t_args("mail-greeting", &[("name", account.actor.display_name.clone())]),
            paragraphs: vec![lang.t(&format!("digest-intro-{}", period.as_str()))],
            action: Some((lang.t("digest-open"), format!("{}/", state.base_url))),
            sections,
            reason: lang.t(&format!("digest-reason-{}", period.as_str())),
            unsubscribe: Some(super::email::unsubscribe_link(&state, account.user.id, &DIGEST)),
        };
        mail::queue(&mut tx, &state.settings, &letter).await?;
    }
    if job.complete_in(&mut tx).await? {
        tx.commit().await?;
        crate::jobs::wake(&state);
    }
    Ok(())
}

/// The digest's sections, in order; empty ones are left out.
async fn sections(
    conn: &mut DbConn,
    state: &AppState,
    account: &Account,
    period: Period,
    since: chrono::NaiveDateTime,
    until: chrono::NaiveDateTime,
    lang: Lang,
) -> DbResult<Vec<Section>> {
    let mut sections = vec![];
    let notifications =
        Notification::of_channel_between(conn, account.actor.id, period.channel().as_str(), since, until).await?;
    if !notifications.is_empty() {
        let link = format!("{}/meldingen", state.base_url);
        let items = super::describe::lines(conn, &notifications, lang)
            .await?
            .into_iter()
            .take(SECTION_MAX)
            .map(|text| Item { text, url: link.clone() })
            .collect();
        sections.push(Section { heading: lang.t("digest-notifications"), items });
    }
    // New public posts of the people here ("in je buurt"), not the reader's own.
    let screen = crate::domain::visibility::screen_for(
        crate::domain::visibility::Viewer::Actor(account.actor.id),
        crate::domain::visibility::List::Timeline,
    );
    let query = TimelineQuery { local_only: true, screen, limit: 40, ..Default::default() };
    let posts: Vec<PostView> = PostView::timeline(conn, &query)
        .await?
        .into_iter()
        .filter(|v| v.post.published > since && v.post.published <= until && v.author.id != account.actor.id)
        .take(SECTION_MAX)
        .collect();
    if !posts.is_empty() {
        let items = posts
            .iter()
            .map(|v| Item {
                text: format!("{}: {}", v.author.shown_name(), crate::util::html::excerpt(&v.post.content, 120)),
                url: v.post.url.clone().unwrap_or_else(|| v.post.ap_id.clone()),
            })
            .collect();
        sections.push(Section { heading: lang.t("digest-neighbourhood"), items });
    }
    Ok(sections)
}
