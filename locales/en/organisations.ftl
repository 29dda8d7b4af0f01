## Organisations, group invitations and groups elsewhere (issue #20)

group-org_type-none = Not an organisation
group-org_type-association = Association or foundation
group-org_type-business = Business or shop
group-org_type-care_provider = Care provider
group-org_type-municipality = Municipality
group-org_type-other = Other organisation
field-group-org_type = Kind of organisation
field-group-org_type-hint = Only for an organisation: what kind of organisation it is.
profile-organisation = Organisation · { $type }

error-group-invite-unknown = This invitation does not exist (any more) for this group.
error-group-invite-expired = This invitation has expired. Ask the group's administrator for a new one.
error-group-invite-used-up = This invitation has been used as often as it may. Ask the group's administrator for a new one.
error-invite-group-only = This is an invitation to a group. To register here you need an invitation to this site.
error-group-status-already = The group has that status already.
error-group-status-not-now = That is not possible with the group as it is now.

group-invites-link = Invitations by link or e-mail
group-invites-title = Invitations to { $name }
group-invites-intro = Whoever uses an invitation becomes a member at once, even when the group is by invitation only. Someone without an account makes one with the link.
group-invites-by-link = Invite with a link
group-invites-by-email = Invite by e-mail
group-invites-create = Make link
group-invites-mail = Send invitation
group-invites-made = The link was made. You find it below.
group-invites-mailed = The invitation was sent.
group-invites-list = Invitations
group-invites-none = There are no invitations yet.

group-invitation-title = Invitation to { $name }
group-invitation-join-intro = You are invited to become a member of this group.
group-invitation-join = Become a member
group-invitation-anonymous = You are invited to become a member of this group. Make an account with this invitation, or sign in and open the link again.
group-invitation-register = Make an account
group-invitation-login = Sign in
group-invitation-group = To the group

group-my-invitations-title = Group invitations
group-my-invitations-none = You have no invitations waiting for an answer.
group-my-invitations-accept = Become a member
group-my-invitations-decline = Decline

mail-group-invite-subject = { $inviter } invites you to { $group }
mail-group-invite-greeting = Hello,
mail-group-invite-body = { $inviter } invites you to become a member of { $group } on { $site }, the neighbourhood's place online. The button below makes you a member; if you have no account yet, you make one first.
mail-group-invite-valid = { $days ->
    [one] The invitation is valid for { $days } day.
   *[other] The invitation is valid for { $days } days.
}
mail-group-invite-reason = You get this mail because { $inviter } invited you to { $group }. Do you not want to join? Then you need not do anything.
mail-group-invite-action = See the invitation
