## Account flows by e-mail: confirmation, password reset, e-mail change, invitations (issue #19)

## Mails
mail-account-greeting = Hello { $name },
mail-confirm-subject = Confirm your e-mail address for { $site }
mail-confirm-body = You have an account on { $site }. Confirm with the button below that this e-mail address is yours.
mail-confirm-valid = { $hours ->
    [one] The link works for { $hours } hour, once.
   *[other] The link works for { $hours } hours, once.
}
mail-confirm-reason = You get this mail because this address was given for an account on { $site }. Was that not you? Then you can ignore this mail.
mail-confirm-action = Confirm e-mail address
mail-reset-subject = Set a new password for { $site }
mail-reset-body = Someone asked for a new password for your account { $name }. The button below lets you set a new password. The link works for { $hours ->
    [one] { $hours } hour
   *[other] { $hours } hours
}, once.
mail-reset-not-you = Did you not ask for this? Then you need not do anything: your password stays the same.
mail-reset-reason = You get this mail because a new password was asked for on { $site } for the account with this e-mail address.
mail-reset-action = Set a new password
mail-change-new-subject = Confirm your new e-mail address for { $site }
mail-change-new-body = You want to change the e-mail address of your account { $name } to this address. It changes only when you click the button below.
mail-change-new-action = Confirm new e-mail address
mail-change-old-subject = Your e-mail address on { $site } is being changed
mail-change-old-body = Someone asked to change the e-mail address of your account { $name } to { $new }. It changes only when the link in the mail to that address is followed.
mail-change-old-not-you = Did you not ask for this? Then set a new password right away: that signs out every other device.
mail-change-old-reason = You get this mail because this is now the e-mail address of your account on { $site }.
mail-change-old-action = Set a new password
mail-invite-subject = You are invited to { $site }
mail-invite-greeting = Hello,
mail-invite-body = { $inviter } invites you to join { $site }, the neighbourhood's place online. The button below lets you make an account.
mail-invite-valid = { $days ->
    [one] The invitation is valid for { $days } day.
   *[other] The invitation is valid for { $days } days.
}
mail-invite-reason = You get this mail because { $inviter } invited you to { $site }. Do you not want to join? Then you need not do anything.
mail-invite-action = Make an account

## Links from mails
email-link-refused-title = This link does not work
email-link-unknown = This link is not right. Perhaps it was not copied completely.
email-link-used = This link was already used, or a newer one was sent after it. A link works only once.
email-link-expired = This link has expired.
email-link-new-reset = Ask for a new link
email-link-new-confirm = Send the confirmation mail again
email-link-new-change = To your e-mail settings
email-back-to-login = Back to sign in
email-no-mail = No mail? Look in your spam folder too, or try again in a few minutes.

## Forgotten password
forgot-title = Forgot your password
forgot-intro = Fill in the e-mail address of your account. You will get a mail with a link to set a new password.
forgot-submit = Send the link
forgot-sent-title = Check your mailbox
forgot-sent = If there is an account with the address { $email }, we sent a link there. The link works for an hour.
reset-title = Set a new password
reset-intro = Choose a new password. After that you are signed out on all your devices and in all your apps.
reset-submit = Set password
reset-done-title = Your password is set
reset-done = You can sign in with your new password now. On your other devices and in apps, sign in again.

## Address confirmation
confirm-done-title = Your e-mail address is confirmed
confirm-done = Thank you: { $email } is confirmed.
resend-title = Send the confirmation mail again
resend-intro = Fill in the e-mail address of your account. You will get a new link to confirm it.
resend-submit = Send the mail again
resend-sent-title = Check your mailbox
resend-sent = If there is an account with the address { $email } that still needs confirming, we sent a new link there.
registration-confirm-title = Confirm your e-mail address
registration-confirm-sent = Your account was made. We sent a mail to { $email }. Click the link in that mail; then you can sign in.
register-intro-invited = You are invited. Make your account here.
login-forgot = Forgot your password?
login-confirm-again = Send the confirmation mail again
error-login-unconfirmed = You have not confirmed your e-mail address yet. Click the link in the mail we sent you, or ask for a new one below.

## E-mail change
settings-email-link = Change e-mail address
email-change-title = E-mail address
email-current = Your e-mail address is { $email }.
email-current-confirmed = It is confirmed.
email-current-unconfirmed = This address is not confirmed yet. Until it is, you only get mails to confirm it or to reset your password.
email-confirm-submit = Send a confirmation mail
email-confirm-sent = We sent a confirmation mail. Click the link in that mail.
email-change-heading = Another e-mail address
email-change-intro = We send a link to the new address, and a message to your current address. Your address changes only when you follow the link.
field-new-email = New e-mail address
email-change-submit = Change e-mail address
email-change-sent = We sent a link to the new address. Your e-mail address changes when you follow that link.
email-changed-title = Your e-mail address was changed
email-changed = From now on { $email } is your account's e-mail address.
email-change-taken = Another account uses this e-mail address by now. Nothing was changed.
error-email-same = This already is your e-mail address.

## Invitations
admin-invites-by-link = Invite with a link
admin-invites-by-email = Invite by e-mail
admin-invites-by-email-intro = The invitation goes by mail to one person and works once.
admin-invite-email-create = Send invitation
admin-invite-sent = The invitation was sent to { $email }.
admin-invite-to = Sent to
admin-invite-landing = Lands on
field-invite-email = E-mail address of the person you invite
field-invite-landing = Page after registering
field-invite-landing-hint = A path on this site, for example /g/community-garden. Empty: the home page.
error-landing-invalid = Fill in a path on this site that starts with /, without spaces.
