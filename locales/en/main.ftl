# English: complete, second to Dutch.

language-name = English
language-switch = Choose a language
skip-to-content = Skip to content
back-home = Back to the home page
footer-powered = Made with Buurt, free software that connects with the fediverse

nav-label = Main menu
nav-home = Home
nav-login = Sign in
nav-logout = Sign out
nav-register = Create account
nav-settings = Settings
nav-admin = Registrations
nav-invites = Invitations

home-title = Home
home-welcome-back = Welcome back, { $name }.
home-about-heading = About this neighbourhood
home-about = Here you find what is going on in the neighbourhood: groups, events, initiatives and news. Take part from this website or from your own fediverse app.
home-members = { $count ->
    [one] { $count } resident has joined.
   *[other] { $count } residents have joined.
}

field-optional = optional
field-username = Username
field-username-hint = 2 to 30 characters: letters, digits and _. Others see this name.
field-display-name = Name
field-display-name-hint = What you want to be called. May stay empty.
field-email = Email address
field-password = Password
field-password-hint = At least 8 characters. Pick something hard to guess, for example a few unrelated words.
field-password-confirm = Password again
field-current-password = Current password
field-new-password = New password
field-reason = Why do you want to join?
field-reason-hint = An admin reads this and approves your registration.
field-invite = Invitation code
field-login = Username or email address
field-language = Language
field-invite-max-uses = How many times it can be used
field-invite-days = Valid for this many days

form-has-errors = Something is wrong. Please check the fields below.

register-title = Create account
register-intro-open = Create an account to take part in the neighbourhood.
register-intro-approval = Apply for an account. An admin reviews your application; then you can sign in.
register-intro-invite = You need an invitation code to create an account.
register-submit = Create account
register-have-account = Already have an account? Sign in.
registration-closed = You cannot create an account here at the moment.
registration-pending-title = Thank you for applying
registration-pending-for = Your application as { $name } has been received. An admin will review it; then you can sign in.

login-title = Sign in
login-submit = Sign in
login-no-account = No account yet? Create one.

settings-title = Settings
settings-submit = Save
settings-saved = Your settings have been saved.
settings-language-browser = Same as my browser
settings-account-line = You are signed in as { $name } ({ $email }).

password-title = Change password
password-intro = After the change you are signed out on your other devices.
password-submit = Change password
password-changed = Your password has been changed.

admin-registrations-title = Registrations
admin-registrations-none = No registrations are waiting.
admin-registered-at = Applied on
admin-approve = Approve
admin-reject = Reject
admin-approved = The registration was approved.
admin-rejected = The registration was rejected.
admin-invites-title = Invitations
admin-invites-list = Invitations made
admin-invites-none = There are no invitations yet.
admin-invites-mode-note = Note: invite-only registration is not switched on. A code is only needed when it is.
admin-invite-create = Create invitation
admin-invite-link = Link
admin-invite-uses = Used
admin-invite-expires = Valid until

error-required = Please fill in this field.
error-too-long = This is too long.
error-control-chars = This contains characters that are not allowed.
error-username-length = A username has 2 to 30 characters.
error-username-chars = Use only letters, digits and _.
error-username-reserved = This name is not available.
error-username-taken = This username is already taken.
error-email-invalid = This is not a valid email address.
error-email-taken = There already is an account with this email address.
error-password-short = Your password needs at least 8 characters.
error-password-weak = This password is too easy to guess. Make it longer or use a few unrelated words.
error-password-mismatch = The passwords are not the same.
error-password-wrong = This password is not correct.
error-invite-invalid = This invitation code does not work (any more).
error-number-range = Please enter a number in the allowed range.
error-choice-invalid = Please choose one of the options.
error-login-missing = Please fill in your username or email address and your password.
error-login-wrong = This combination of name and password is not correct.
error-login-too-many = Too many attempts to sign in. Wait a while and try again.
error-login-pending = Your registration has not been approved yet. You will hear when you can sign in.
error-login-suspended = This account is suspended.
error-invalid = What you sent is not valid.
error-csrf = This form has expired. Go back, reload the page and try again.
error-content-type = This form was sent in the wrong way.
error-form-malformed = This form arrived damaged. Please try again.
error-body-too-large = What you sent is too large.
error-too-many-requests = You did this too often in a short time. Wait a while and try again.
error-title-not-found = Page not found
error-title-forbidden = No access
error-title-internal = Something went wrong
error-title-request = That did not work
error-page-not-found = This page does not exist (any more). Please check the address.
error-page-forbidden = You may not view this page.
error-page-internal = Something went wrong on our side. Please try again later.

profile-person = Resident
profile-group = Group
profile-follow-heading = Follow
profile-follow-from-app = Follow this account from your own fediverse app (such as Mastodon): search for this address there.
profile-handle = Fediverse address
error-follow-self = You cannot follow yourself.

oauth-title = Give an app access
oauth-app-wants = The app { $app } wants to use your account, with these permissions:
oauth-approve = Give access
oauth-deny = Refuse
oauth-denied = You did not give the app access.
oauth-copy-code = Copy this code and paste it into the app:
error-oauth-request = This request from the app is not valid. Try to sign in again from the app.

interaction-open-original = View the original
interaction-follow = Follow { $handle }
interaction-following = You follow { $handle }.
interaction-requested = Your request to follow { $handle } is waiting for approval.
error-interaction-not-found = We could not find this account or post. Please check the address.

profile-followers = { $count ->
    [one] { $count } follower
   *[other] { $count } followers
}
profile-follow = Follow
profile-unfollow = Unfollow
profile-your-handle = Your own fediverse address
profile-your-handle-hint = For example @you@mastodon.social. We send you to your own server to follow.
profile-remote-follow = Follow from my server
error-remote-handle = Enter your address like @name@server.example.
error-remote-unreachable = We cannot reach that server right now.
error-remote-unknown = That server does not know this address.
error-remote-no-template = Your server does not say where to follow. Search for this address in your own app.

home-posts-heading = New in the neighbourhood
home-posts-none = There are no posts yet.
home-groups-heading = Groups
home-groups-none = There are no groups yet.

statement-title = Accessibility
statement-intro = { $site } wants everyone to be able to use this website, including people with a disability. That is why we follow the guidelines for digital accessibility: WCAG 2.1 at level AA.
statement-how-heading = How we check this
statement-how = Every kind of page is tested automatically with axe-core in a real browser on every change, in the light and the dark theme. The pages work without JavaScript and with the keyboard alone.
statement-known-heading = What does not work well yet
statement-known = Automated tests do not find everything. Do you run into a problem? Let us know and we will fix it.
statement-contact-heading = Contact
statement-contact = Report an accessibility problem to
statement-contact-admins = Report an accessibility problem to the admins of this neighbourhood.
footer-accessibility = Accessibility
compose-heading = Write a post
compose-submit = Post
field-post-text = Your post
field-photo = Photo
field-photo-hint = JPEG, PNG, WebP or GIF, up to { $size } MB. Location and other camera data are removed.
field-alt-text = Description of the photo
field-alt-text-hint = What is in the photo? For people who cannot see it. Required when you choose a photo.
field-avatar = New profile photo
field-avatar-hint = A square photo works best.
field-avatar-current = Your current profile photo
field-header = New header photo
field-header-hint = A wide photo above your profile.
field-header-current = Your current header photo
field-group-name = Name of the group
field-group-summary = Description
field-group-summary-hint = What is the group about? Leave an empty line between paragraphs.
field-group-icon = New group logo
field-group-icon-hint = A square image works best.
field-group-icon-current = The current group logo
group-edit-title = Edit { $name }
group-edit-submit = Save
group-edit-back = Back to the group
group-edit-link = Edit group
profile-avatar-alt = Profile photo of { $name }
profile-header-alt = Header photo of { $name }
error-image-too-large = This photo is too large. Choose a smaller file.
error-image-type = This is not a photo we can read. Choose a JPEG, PNG, WebP or GIF.
error-image-too-many-pixels = This photo has too many pixels. Choose a smaller photo.
error-image-unreadable = This photo is damaged or cannot be read.
error-description-too-long = This description is too long (1500 characters at most).
error-focus-invalid = The focal point must be two numbers between -1 and 1, such as 0.5,-0.2.
error-media-too-many = A post can have 4 photos at most.
error-media-unknown = This photo does not exist or belongs to another post.
error-marker-id = This is not a valid id of a post or notification.
error-alt-text-required = Every photo needs a description (alt text) for people who cannot see it.
error-photo-choose-again = Please choose the photo again.

## Maps
nav-map = Map
map-title = The neighbourhood on the map
map-label = Map of the neighbourhood
map-list-intro = Every place on the map is also in this list.
map-empty = There are no places on the map yet.
home-map-heading = On the map
home-map-link = See the whole map
profile-place-heading = Where we meet
profile-place-map-label = Map showing where { $group } meets
profile-place-intro = The place on the map:
profile-place-edit = Change the place
place-title = Meeting place of { $group }
place-intro = Where does the group meet? Enter the address. To show the place on the map, also enter its coordinates, or click the map. Clear every field to remove the place.
place-map-label = Map to point out the place
place-map-intro = Click the map to fill in the coordinates. You can also type them.
place-submit = Save the place
place-back = Back to the group
field-place-name = Name of the place
field-place-name-hint = For example: Community centre De Meeuw
field-street-address = Street and number
field-postal-code = Postcode
field-locality = Town
field-latitude = Latitude
field-longitude = Longitude
field-coordinates-hint = In degrees, for example 52.3596 and 4.917. A comma or a point both work.
error-coordinates-pair = Enter both latitude and longitude, or leave both empty.
error-latitude = Enter a latitude between -90 and 90.
error-longitude = Enter a longitude between -180 and 180.
home-followed-heading = From those you follow
home-followed-none = You do not follow anyone yet. Follow groups and neighbours and their posts show here first.
api-error-outside-scopes = The access token does not allow this action.
api-error-user-token-required = This action needs the access token of a signed-in account.
api-error-not-found = This does not exist (any more).
api-error-unknown-endpoint = There is no API endpoint at this address.
api-error-method-not-allowed = This API endpoint does not take this HTTP method.
api-error-unauthorized = The access token is missing or not valid.
api-error-forbidden = You may not do this.
api-error-invalid-body = What you sent could not be read.
api-error-unsupported-media-type = Send JSON, a form or a multipart form.
api-error-payload-too-large = What you sent is too large.
api-error-validation-failed = Some fields are not valid.
api-error-internal = Something went wrong on our side. Please try again later.
api-error-remote-refused = The other server did not give what was asked for.

## E-mail
mail-unsubscribe = Stop these mails

# Web push (the client API's push subscriptions and the messages)
error-push-endpoint = This is not a push service address: use an https URL.
error-push-endpoint-private = This push service address is on a private or local network; it cannot be reached from here.
error-push-p256dh = This is not a P-256 public key (65 bytes, base64url) as the browser's PushSubscription gives it.
error-push-auth = This is not an authentication secret (16 bytes, base64url) as the browser's PushSubscription gives it.
error-push-policy = Choose all, followed, follower or none.
push-title-mention = { $name } mentioned you
push-title-reply = { $name } replied to you
push-title-follow = { $name } followed you
push-title-follow_request = { $name } asked to follow you
push-title-favourite = { $name } liked your post
push-title-reblog = { $name } shared your post
push-title-sign_up = { $name } signed up
push-title-other = Something new for you
nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [one] { $count } unread notification
   *[other] { $count } unread notifications
}
notifications-title = Notifications
notifications-none = You have no notifications yet. When someone replies to you, mentions you, follows you or likes your post, you will see it here.
notifications-unread = New
notifications-mark-read = Mark all as read
notifications-marked-read = Your notifications have been marked as read.
notifications-older = Older notifications
notification-someone = Someone
notification-who-others = { $others ->
    [one] { $name } and { $others } other
   *[other] { $name } and { $others } others
}
notification-mention = { $who } mentioned you in a post.
notification-mention-many = { $who } mentioned you in a post.
notification-reply = { $who } replied to your post.
notification-reply-many = { $who } replied to your post.
notification-follow = { $who } followed you.
notification-follow-many = { $who } followed you.
notification-follow_request = { $who } asked to follow you.
notification-follow_request-many = { $who } asked to follow you.
notification-favourite = { $who } liked your post.
notification-favourite-many = { $who } liked your post.
notification-reblog = { $who } shared your post.
notification-reblog-many = { $who } shared your post.
notification-sign_up = { $who } registered and is waiting for approval.
notification-sign_up-many = { $who } registered and are waiting for approval.
notification-other = There is something new for you.
notification-preferences-title = Notification settings
notification-preferences-intro = Choose for each kind of notification how you hear of it. Notifications are always on your notifications page, unless you turn them off.
notification-kind-mention = Someone mentions you
notification-kind-reply = Someone replies to your post
notification-kind-follow = Someone follows you
notification-kind-follow_request = Someone asks to follow you
notification-kind-favourite = Someone likes your post
notification-kind-reblog = Someone shares your post
notification-kind-sign_up = Someone waits for their registration to be approved (staff)
notification-kind-invite_used = Someone registers with your invitation
notification-invite_used = { $who } registered with your invitation.
notification-invite_used-many = { $who } registered with your invitation.
notification-preference-digest = Digest by e-mail
digest-channel-off = No digest
digest-channel-daily = Every day
digest-channel-weekly = Every week, on Monday
notification-kind-group_join_request = Someone asks to join a group you moderate
notification-kind-group_joined = You became a member of a group
notification-kind-group_invite = You are invited to a group
notification-group_join_request = { $who } asks to join your group.
notification-group_join_request-many = { $who } ask to join your group.
notification-group_joined = { $who } accepted you as a member of the group.
notification-group_joined-many = { $who } accepted you as a member.
notification-group_invite = { $who } invites you to a group.
notification-group_invite-many = { $who } invite you to a group.
notification-channel-off = Off
notification-channel-in_app = Only on the notifications page
notification-channel-email = Also by e-mail right away
notification-channel-daily = Also in the daily digest
notification-channel-weekly = Also in the weekly digest
error-notification-scope = This is only possible for someone or a group you follow.
