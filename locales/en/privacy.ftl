# Privacy (issue #21): the privacy statement, downloading your data, deleting your account.
footer-privacy = Privacy
privacy-title = Privacy statement
privacy-intro = This page explains which data { $site } keeps about you, why, for how long, and what your rights are.
privacy-who-heading = Who is responsible
privacy-who = { $controller } runs this platform and is responsible for the personal data on it (the controller under the GDPR).
privacy-address = Address:
privacy-dpo = Data protection officer:
privacy-what-heading = What we keep
privacy-what-intro = For everyone with an account we keep:
privacy-stored-account = your account: user name, e-mail address, hashed password, role, language and when you registered;
privacy-stored-profile = your profile: name, "About me", profile photo and header photo, and your neighbourhood if you choose one;
privacy-stored-posts = your posts and replies, with earlier versions if you edited them;
privacy-stored-relations = whom you follow and who follows you, what you like and share, whom you block or mute and which posts you hide;
privacy-stored-memberships = the groups you are a member of and your role in them;
privacy-stored-settings = your notification settings and the apps that send you push notifications;
privacy-stored-media = the photos you post, with their descriptions;
privacy-stored-moderation = reports you file, moderators' decisions about you or your posts, and your appeals;
privacy-stored-deliveries = what we send to other servers on your behalf, until it is delivered;
privacy-stored-received = the ids of what other servers send us, to refuse duplicates.
privacy-why = We use this data only to run the platform: to let you take part, to show your posts to those who may see them, to keep you informed the way you want, and to keep the platform safe. We sell nothing and show no advertising.
privacy-federation = This platform talks to other servers in the fediverse (ActivityPub). What you write publicly or for followers on another server goes to those servers. When you delete something, we ask them to delete it too.
privacy-retention-heading = How long we keep it
privacy-retention-account = Your account, profile and posts are kept until you delete them.
privacy-retention-received = { $count ->
    [one] Ids of activities received from other servers: 1 day.
   *[other] Ids of activities received from other servers: { $count } days.
}
privacy-retention-outbox = { $count ->
    [one] What we sent to other servers: 1 day after it was delivered.
   *[other] What we sent to other servers: { $count } days after it was delivered.
}
privacy-retention-notifications = { $count ->
    [one] Notifications you have read: 1 day.
   *[other] Notifications you have read: { $count } days.
}
privacy-retention-uploads = Photos you upload but never post: 1 day.
privacy-rights-heading = Your rights
privacy-right-access = Access and portability: download everything we keep about you.
privacy-right-rectification = Rectification: change your name, profile and e-mail address yourself.
privacy-right-erasure = Erasure: delete your account, with or without your posts.
privacy-right-objection = Objection and restriction: write to us at the contact address below.
privacy-right-complaint = If you disagree with how we handle your data, you may complain to the Dutch data protection authority, the
privacy-authority = Autoriteit Persoonsgegevens
privacy-contact-heading = Contact
privacy-contact = Questions about your data? Mail
privacy-contact-admins = Questions about your data? Contact the admins of this platform.
privacy-data-title = Download my data
privacy-data-intro = You get a zip file with data.json (everything we keep about you, readable by people and programs) and the photos you posted. It holds:
privacy-data-api = Apps fetch the same file with GET /api/buurt/v1/me/export.
privacy-data-submit = Download my data
privacy-delete-title = Delete my account
privacy-delete-intro = Once you delete your account, you cannot get it back.
privacy-delete-what-actor = Your profile disappears, you are signed out everywhere and your e-mail address is wiped.
privacy-delete-what-relations = Whom you follow, your followers and your group memberships end.
privacy-delete-what-other-servers = Other servers that know you are told that your account was deleted.
privacy-delete-download-first = Want a copy of your data first?
privacy-delete-content-legend = What happens to your posts?
privacy-delete-remove = Remove my posts
privacy-delete-remove-hint = All your posts, replies and photos are deleted.
privacy-delete-anonymise = Keep my posts, without my name
privacy-delete-anonymise-hint = Your posts stay readable in their conversations, as by "Former resident", without your name or a link to your profile.
privacy-delete-password = Your password
privacy-delete-submit = Delete my account
privacy-delete-choose = Choose what happens to your posts.
privacy-delete-last-admin = You are the last admin. Make someone else an admin before you delete your account.
privacy-deleted-title = Your account was deleted
privacy-deleted-text = Your account was deleted and you are signed out. Other servers are being told. Thank you for what you did for the neighbourhood.
privacy-former-resident = Former resident
