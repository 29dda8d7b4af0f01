## Account flows by e-mail: confirmation, password reset, e-mail change, invitations (issue #19)

## Mails
mail-account-greeting = Hallo { $name },
mail-confirm-subject = Bevestig je e-mailadres voor { $site }
mail-confirm-body = Je hebt een account op { $site }. Bevestig met de knop hieronder dat dit e-mailadres van jou is.
mail-confirm-valid = De link werkt { $hours } uur en één keer.
mail-confirm-reason = Je krijgt deze mail omdat dit adres is opgegeven bij een account op { $site }. Was jij dat niet? Dan kun je deze mail negeren.
mail-confirm-action = E-mailadres bevestigen
mail-reset-subject = Nieuw wachtwoord instellen voor { $site }
mail-reset-body = Iemand vroeg een nieuw wachtwoord aan voor je account { $name }. Met de knop hieronder stel je een nieuw wachtwoord in. De link werkt { $hours } uur en één keer.
mail-reset-not-you = Heb je dit niet gevraagd? Dan hoef je niets te doen: je wachtwoord blijft hetzelfde.
mail-reset-reason = Je krijgt deze mail omdat op { $site } een nieuw wachtwoord is gevraagd voor het account met dit e-mailadres.
mail-reset-action = Nieuw wachtwoord instellen
mail-change-new-subject = Bevestig je nieuwe e-mailadres voor { $site }
mail-change-new-body = Je wilt het e-mailadres van je account { $name } veranderen in dit adres. Het verandert pas als je op de knop hieronder klikt.
mail-change-new-action = Nieuw e-mailadres bevestigen
mail-change-old-subject = Je e-mailadres op { $site } wordt gewijzigd
mail-change-old-body = Er is gevraagd om het e-mailadres van je account { $name } te veranderen in { $new }. Het verandert pas als de link in de mail aan dat adres wordt gevolgd.
mail-change-old-not-you = Heb jij dit niet gevraagd? Stel dan meteen een nieuw wachtwoord in: zo worden alle andere apparaten uitgelogd.
mail-change-old-reason = Je krijgt deze mail omdat dit nu het e-mailadres is van je account op { $site }.
mail-change-old-action = Nieuw wachtwoord instellen
mail-invite-subject = Je bent uitgenodigd voor { $site }
mail-invite-greeting = Hallo,
mail-invite-body = { $inviter } nodigt je uit om mee te doen op { $site }, de online plek van de buurt. Met de knop hieronder maak je een account.
mail-invite-valid = { $days ->
    [one] De uitnodiging is { $days } dag geldig.
   *[other] De uitnodiging is { $days } dagen geldig.
}
mail-invite-reason = Je krijgt deze mail omdat { $inviter } je uitnodigde voor { $site }. Wil je niet meedoen? Dan hoef je niets te doen.
mail-invite-action = Account maken

## Links from mails
email-link-refused-title = Deze link werkt niet
email-link-unknown = Deze link klopt niet. Misschien is hij niet helemaal gekopieerd.
email-link-used = Deze link is al gebruikt, of er is daarna een nieuwere gestuurd. Een link werkt maar één keer.
email-link-expired = Deze link is verlopen.
email-link-new-reset = Vraag een nieuwe link aan
email-link-new-confirm = Stuur de bevestigingsmail opnieuw
email-link-new-change = Naar je e-mailinstellingen
email-back-to-login = Terug naar inloggen
email-no-mail = Geen mail gekregen? Kijk ook in je map met ongewenste mail, of probeer het over een paar minuten opnieuw.

## Forgotten password
forgot-title = Wachtwoord vergeten
forgot-intro = Vul het e-mailadres van je account in. Je krijgt dan een mail met een link om een nieuw wachtwoord in te stellen.
forgot-submit = Stuur de link
forgot-sent-title = Kijk in je mailbox
forgot-sent = Als er een account is met het adres { $email }, hebben we daar een link naartoe gestuurd. De link werkt een uur.
reset-title = Nieuw wachtwoord instellen
reset-intro = Kies een nieuw wachtwoord. Daarna word je op al je apparaten en in al je apps uitgelogd.
reset-submit = Wachtwoord instellen
reset-done-title = Je wachtwoord is ingesteld
reset-done = Je kunt nu inloggen met je nieuwe wachtwoord. Op je andere apparaten en in apps log je opnieuw in.

## Address confirmation
confirm-done-title = Je e-mailadres is bevestigd
confirm-done = Bedankt: { $email } is bevestigd.
resend-title = Bevestigingsmail opnieuw sturen
resend-intro = Vul het e-mailadres van je account in. Je krijgt dan een nieuwe link om het te bevestigen.
resend-submit = Stuur de mail opnieuw
resend-sent-title = Kijk in je mailbox
resend-sent = Als er een account is met het adres { $email } dat nog bevestigd moet worden, hebben we daar een nieuwe link naartoe gestuurd.
registration-confirm-title = Bevestig je e-mailadres
registration-confirm-sent = Je account is gemaakt. We hebben een mail gestuurd naar { $email }. Klik op de link in die mail; daarna kun je inloggen.
register-intro-invited = Je bent uitgenodigd. Maak hier je account.
login-forgot = Wachtwoord vergeten?
login-confirm-again = Stuur de bevestigingsmail opnieuw
error-login-unconfirmed = Je hebt je e-mailadres nog niet bevestigd. Klik op de link in de mail die we je stuurden, of vraag hieronder een nieuwe aan.

## E-mail change
settings-email-link = E-mailadres wijzigen
email-change-title = E-mailadres
email-current = Je e-mailadres is { $email }.
email-current-confirmed = Het is bevestigd.
email-current-unconfirmed = Dit adres is nog niet bevestigd. Tot dan krijg je alleen mails om het te bevestigen of om je wachtwoord te herstellen.
email-confirm-submit = Stuur een bevestigingsmail
email-confirm-sent = We hebben een bevestigingsmail gestuurd. Klik op de link in die mail.
email-change-heading = Ander e-mailadres
email-change-intro = We sturen een link naar het nieuwe adres, en een bericht naar je huidige adres. Je adres verandert pas als je de link volgt.
field-new-email = Nieuw e-mailadres
email-change-submit = E-mailadres wijzigen
email-change-sent = We hebben een link gestuurd naar het nieuwe adres. Je e-mailadres verandert als je die link volgt.
email-changed-title = Je e-mailadres is gewijzigd
email-changed = Vanaf nu is { $email } het e-mailadres van je account.
email-change-taken = Een ander account gebruikt dit e-mailadres inmiddels. Er is niets veranderd.
error-email-same = Dit is al je e-mailadres.

## Invitations
admin-invites-by-link = Uitnodigen met een link
admin-invites-by-email = Uitnodigen per e-mail
admin-invites-by-email-intro = De uitnodiging gaat per mail naar één persoon en werkt één keer.
admin-invite-email-create = Uitnodiging sturen
admin-invite-sent = De uitnodiging is gestuurd naar { $email }.
admin-invite-to = Gestuurd aan
admin-invite-landing = Komt uit op
field-invite-email = E-mailadres van wie je uitnodigt
field-invite-landing = Pagina na het aanmelden
field-invite-landing-hint = Een pad op deze site, bijvoorbeeld /g/buurttuin. Leeg: de voorpagina.
error-landing-invalid = Vul een pad op deze site in dat met / begint, zonder spaties.
