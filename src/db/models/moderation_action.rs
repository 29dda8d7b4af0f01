//! `moderation_action` and `moderation_appeal`: what moderators decided about someone's content
//! or account, the statement of reasons that goes with it (DSA article 17), whether it was
//! undone, and the affected person's appeal.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::post::PostId;
use super::text_enum;
use crate::db::schema::{moderation_action, moderation_appeal};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

text_enum! {
    /// What a moderator did.
    pub enum ActionKind {
        /// Seen only by its author and moderators, in no list; restorable.
        HidePost = "hide_post",
        /// Deleted for everyone (a `Delete` goes out), its content kept; restorable.
        RemovePost = "remove_post",
        /// The thread takes no new replies.
        LockThread = "lock_thread",
        /// Removed from a group and kept out.
        BanMember = "ban_member",
        /// Their posts are in no one's lists but their followers'.
        SilenceAccount = "silence_account",
        /// Their posts are seen by moderators only; a local account cannot sign in.
        SuspendAccount = "suspend_account",
    }
}

impl ActionKind {
    /// Whether it is about a post (else about an account).
    pub fn on_post(self) -> bool {
        matches!(self, ActionKind::HidePost | ActionKind::RemovePost | ActionKind::LockThread)
    }
}

text_enum! {
    /// On which ground: the law, or the instance's or group's rules.
    pub enum Ground {
        /// Illegal content under the Digital Services Act: the law is named.
        Illegal = "illegal",
        /// Against the instance's rules.
        Terms = "terms",
        /// Against the group's rules.
        GroupRules = "group_rules",
        Harassment = "harassment",
        Spam = "spam",
        Privacy = "privacy",
        Other = "other",
    }
}

text_enum! {
    pub enum AppealState {
        Open = "open",
        /// The decision stands.
        Upheld = "upheld",
        /// The decision was undone.
        Reversed = "reversed",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel_derive_newtype::DieselNewType, serde::Serialize)]
pub struct ActionId(pub i64);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_action)]
pub struct ModerationAction {
    pub id: ActionId,
    pub kind: String,
    pub moderator_id: Option<ActorId>,
    pub target_actor_id: Option<ActorId>,
    pub post_id: Option<PostId>,
    pub group_id: Option<ActorId>,
    pub report_id: Option<i64>,
    pub ground: String,
    pub law: Option<String>,
    pub facts: String,
    pub ends_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub reversed_at: Option<chrono::NaiveDateTime>,
    pub reversed_by: Option<ActorId>,
    pub reversal_reason: Option<String>,
}

impl ModerationAction {
    /// Unknown text (never written by this code) reads as the mildest measure.
    pub fn kind(&self) -> ActionKind {
        ActionKind::parse(&self.kind).unwrap_or(ActionKind::HidePost)
    }

    pub fn ground(&self) -> Ground {
        Ground::parse(&self.ground).unwrap_or(Ground::Other)
    }

    pub fn reversed(&self) -> bool {
        self.reversed_at.is_some()
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = moderation_action)]
pub struct ActionInsert<'a> {
    pub kind: &'a str,
    pub moderator_id: Option<ActorId>,
    pub target_actor_id: Option<ActorId>,
    pub post_id: Option<PostId>,
    pub group_id: Option<ActorId>,
    pub report_id: Option<i64>,
    pub ground: &'a str,
    pub law: Option<&'a str>,
    pub facts: &'a str,
    pub ends_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

impl ModerationAction {
    pub async fn insert(conn: &mut DbConn, form: &ActionInsert<'_>) -> DbResult<ModerationAction> {
        dispatch!(conn, c => diesel::insert_into(moderation_action::table)
            .values(form)
            .returning(ModerationAction::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn by_id(conn: &mut DbConn, id: ActionId) -> DbResult<Option<ModerationAction>> {
        dispatch!(conn, c => moderation_action::table
            .find(id)
            .select(ModerationAction::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// The decisions with these ids, in no particular order.
    pub async fn by_ids(conn: &mut DbConn, ids: &[ActionId]) -> DbResult<Vec<ModerationAction>> {
        dispatch!(conn, c => moderation_action::table
            .filter(moderation_action::id.eq_any(ids))
            .select(ModerationAction::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Marks the decision undone; false when it already was.
    pub async fn reverse(conn: &mut DbConn, id: ActionId, by: ActorId, reason: &str) -> DbResult<bool> {
        let form = (
            moderation_action::reversed_at.eq(now()),
            moderation_action::reversed_by.eq(by),
            moderation_action::reversal_reason.eq(reason),
        );
        let n = dispatch!(conn, c => diesel::update(
            moderation_action::table.find(id).filter(moderation_action::reversed_at.is_null()),
        )
        .set(form)
        .execute(c)
        .await)?;
        Ok(n > 0)
    }

    /// The newest decisions, older than `before` when given: the public moderation log.
    pub async fn page(conn: &mut DbConn, before: Option<ActionId>, limit: i64) -> DbResult<Vec<ModerationAction>> {
        dispatch!(conn, c => {
            let mut query = moderation_action::table
                .select(ModerationAction::as_select())
                .order(moderation_action::id.desc())
                .limit(limit)
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(moderation_action::id.lt(before));
            }
            query.load(c).await
        })
        .map_err(Into::into)
    }

    /// The decisions about `actor` (their content or account), newest first.
    pub async fn about(conn: &mut DbConn, actor: ActorId, limit: i64) -> DbResult<Vec<ModerationAction>> {
        dispatch!(conn, c => moderation_action::table
            .filter(moderation_action::target_actor_id.eq(actor))
            .select(ModerationAction::as_select())
            .order(moderation_action::id.desc())
            .limit(limit)
            .load(c)
            .await)
        .map_err(Into::into)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_appeal)]
pub struct Appeal {
    pub id: i64,
    pub action_id: ActionId,
    pub appellant_id: ActorId,
    pub text: String,
    pub state: String,
    pub answer: Option<String>,
    pub decided_by: Option<ActorId>,
    pub created_at: chrono::NaiveDateTime,
    pub decided_at: Option<chrono::NaiveDateTime>,
}

impl Appeal {
    pub fn state(&self) -> AppealState {
        AppealState::parse(&self.state).unwrap_or(AppealState::Open)
    }

    /// Files an appeal; `None` when the decision already has one.
    pub async fn insert(
        conn: &mut DbConn,
        action: ActionId,
        appellant: ActorId,
        text: &str,
    ) -> DbResult<Option<Appeal>> {
        let row = (
            moderation_appeal::action_id.eq(action),
            moderation_appeal::appellant_id.eq(appellant),
            moderation_appeal::text.eq(text),
            moderation_appeal::state.eq(AppealState::Open.as_str()),
            moderation_appeal::created_at.eq(now()),
        );
        dispatch!(conn, c => diesel::insert_into(moderation_appeal::table)
            .values(row)
            .on_conflict(moderation_appeal::action_id)
            .do_nothing()
            .returning(Appeal::as_returning())
            .get_result(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn of_action(conn: &mut DbConn, action: ActionId) -> DbResult<Option<Appeal>> {
        dispatch!(conn, c => moderation_appeal::table
            .filter(moderation_appeal::action_id.eq(action))
            .select(Appeal::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<Appeal>> {
        dispatch!(conn, c => moderation_appeal::table
            .find(id)
            .select(Appeal::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Appeals in `state`, oldest first (the admins' queue).
    pub async fn in_state(conn: &mut DbConn, state: AppealState, limit: i64) -> DbResult<Vec<Appeal>> {
        dispatch!(conn, c => moderation_appeal::table
            .filter(moderation_appeal::state.eq(state.as_str()))
            .select(Appeal::as_select())
            .order(moderation_appeal::id.asc())
            .limit(limit)
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Records the admins' answer; false when the appeal was already answered.
    pub async fn decide(conn: &mut DbConn, id: i64, by: ActorId, state: AppealState, answer: &str) -> DbResult<bool> {
        let form = (
            moderation_appeal::state.eq(state.as_str()),
            moderation_appeal::answer.eq(answer),
            moderation_appeal::decided_by.eq(by),
            moderation_appeal::decided_at.eq(now()),
        );
        let n = dispatch!(conn, c => diesel::update(
            moderation_appeal::table.find(id).filter(moderation_appeal::state.eq(AppealState::Open.as_str())),
        )
        .set(form)
        .execute(c)
        .await)?;
        Ok(n > 0)
    }
}
