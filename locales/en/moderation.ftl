# Moderation: decisions with their statement of reasons, appeals, the public log (issue #21).

moderation-kind-hide_post = Post hidden
moderation-kind-remove_post = Post removed
moderation-kind-lock_thread = Conversation locked
moderation-kind-ban_member = Banned from the group
moderation-kind-silence_account = Account limited
moderation-kind-suspend_account = Account suspended

moderation-ground-illegal = Illegal content
moderation-ground-terms = Against the rules of { -site-generic }
moderation-ground-group_rules = Against the group's rules
moderation-ground-harassment = Harassment or bullying
moderation-ground-spam = Spam
moderation-ground-privacy = A breach of someone's privacy
moderation-ground-other = Another reason

-site-generic = this platform

moderation-statement-ground = Ground: { $ground }
moderation-statement-facts = Facts and circumstances: { $facts }
moderation-statement-content = It concerned: “{ $content }”
moderation-statement-reversed = Explanation: { $reason }
moderation-statement-redress = Do you disagree? You can appeal within { $days } days with the button below; the administrators will then review the decision. You can also turn to a certified out-of-court dispute settlement body or to the courts.

moderation-mail-greeting = Hello,
moderation-mail-action = Read the decision
moderation-mail-reason = You receive this mail because a moderator of { $site } took a decision about your post or account. Such mails always come.
mail-moderation_decision-subject = A decision about your post or account on { $site }
mail-moderation_decision-body = A moderator of { $site } took a decision: { $what }.
mail-moderation_reversed-subject = A decision was undone on { $site }
mail-moderation_reversed-body = The decision “{ $what }” on { $site } was undone.
mail-appeal_answered-subject = An answer to your appeal on { $site }
mail-appeal_answered-body = The administrators of { $site } have dealt with your appeal against the decision “{ $what }”.

notification-moderation_decision = A moderator took a decision about your post or account.
notification-moderation_decision-many = Moderators took decisions about your posts or account.
notification-moderation_reversed = A decision about your post or account was undone.
notification-moderation_reversed-many = Decisions about your posts or account were undone.
notification-appeal_answered = The administrators dealt with your appeal.
notification-appeal_answered-many = The administrators dealt with your appeals.
notification-moderation_appeal = { $who } appeals a moderation decision.
notification-moderation_appeal-many = { $who } appeal moderation decisions.
notification-kind-moderation_decision = A decision about your post or account (always by e-mail too)
notification-kind-moderation_reversed = A decision about you was undone (always by e-mail too)
notification-kind-appeal_answered = An answer to your appeal (always by e-mail too)
notification-kind-moderation_appeal = Someone appeals a moderation decision (staff)

error-moderation-kind = Choose what to do.
error-moderation-ground = Choose the ground of the decision.
error-moderation-law-required = For illegal content, name the law or article.
error-moderation-law-long = Name the law more briefly (at most 300 characters).
error-moderation-facts-required = Describe the facts and circumstances: the person reads this.
error-moderation-facts-long = Describe the facts more briefly (at most 5000 characters).
error-moderation-lock-reply = Only a conversation in a group can be locked, not a reply.
error-moderation-report-other = This report is about something other than this decision.
error-moderation-lock-by-decision = Someone else's conversation is locked by a moderation decision, with a statement of reasons for its author.
error-moderation-reason-required = Give an explanation (at most 5000 characters).
error-appeal-text-required = Write why you disagree with the decision.
error-appeal-text-long = Write more briefly (at most 5000 characters).
error-appeal-closed = This decision can no longer be appealed.
error-appeal-exists = You already appealed this decision.
error-appeal-answered = This appeal was already dealt with.

moderation-log-title = Moderation log
moderation-log-intro = Every decision of moderators about posts and accounts is listed here, without the names of the people concerned or of who reported something. The person concerned receives the full statement of reasons and can appeal.
moderation-log-empty = No decisions have been taken yet.
moderation-log-when = Date
moderation-log-what = Decision
moderation-log-ground = Ground
moderation-log-where = Where
moderation-log-instance = The whole platform
moderation-log-reversed = undone on { $date }
moderation-log-older = Older decisions

moderation-decide-title = Moderation decision
moderation-decide-intro = The person concerned receives this statement of reasons by e-mail and in their notifications, with the possibility to appeal. The decision appears without names in the public moderation log.
moderation-decide-about-post = It is about this post:
moderation-decide-about-account = It is about the account { $name }.
field-moderation-kind = Decision
field-moderation-ground = Ground
field-moderation-law = Law or article (for illegal content)
field-moderation-facts = Facts and circumstances
field-moderation-facts-hint = What happened and why this decision is needed. The person concerned reads this.
moderation-decide-submit = Take the decision

moderation-statement-title = Decision: { $what }
moderation-statement-date = Taken on { $date }.
moderation-statement-in-group = In the group { $group }.
moderation-statement-undone = This decision was undone on { $date }: { $reason }
moderation-appeal-title = Appeal
moderation-appeal-intro = Explain why you disagree with this decision. The administrators will review it and let you know the outcome.
field-appeal-text = Your appeal
moderation-appeal-submit = Send the appeal
moderation-appeal-filed = Your appeal was sent on { $date }; the administrators will deal with it.
moderation-appeal-upheld = The administrators rejected your appeal: { $answer }
moderation-appeal-reversed = The administrators granted your appeal: { $answer }
moderation-reverse-title = Undo the decision
field-moderation-reason = Explanation
moderation-reverse-submit = Undo
moderation-appeals-title = Appeals
moderation-appeals-empty = There are no open appeals.
moderation-appeal-answer-title = Answer the appeal
field-appeal-answer = Answer to the person concerned
moderation-appeal-uphold = Uphold the decision
moderation-appeal-undo = Undo the decision
moderation-link-hide = Hide (moderation)
moderation-link-remove = Remove (moderation)
moderation-link-lock = Lock conversation (moderation)
moderation-link-silence = Limit account
moderation-link-suspend = Suspend account
moderation-link-ban = Ban from the group
moderation-hidden-notice = A moderator hid this post; only you and moderators see it.
nav-moderation-log = Moderation log
nav-appeals = Appeals

# Verified organisations.
verified-field-name = Verified
verified-field-value = Verified organisation on { $site }
verified-badge = Verified
verified-badge-title = The administrators of this platform checked that this organisation is who it says it is.
verify-action = Verify the organisation
unverify-action = Withdraw the verification
