# Nederlands: de standaardtaal van Buurt. Schrijf op B1-niveau: korte zinnen, gewone woorden.

language-name = Nederlands
language-switch = Kies een taal
skip-to-content = Naar de inhoud
back-home = Terug naar de voorpagina
footer-powered = Gemaakt met Buurt, vrije software die verbindt met het fediverse

nav-label = Hoofdmenu
nav-home = Voorpagina
nav-login = Inloggen
nav-logout = Uitloggen
nav-register = Account maken
nav-settings = Instellingen
nav-admin = Aanmeldingen
nav-invites = Uitnodigingen

home-title = Voorpagina
home-welcome-back = Welkom terug, { $name }.
home-about-heading = Over deze buurt
home-about = Hier vind je wat er in de buurt gebeurt: groepen, activiteiten, initiatieven en nieuws. Je kunt meedoen vanaf deze website of vanuit je eigen fediverse-app.
home-members = { $count ->
    [one] Er is { $count } bewoner aangemeld.
   *[other] Er zijn { $count } bewoners aangemeld.
}

field-optional = niet verplicht
field-username = Gebruikersnaam
field-username-hint = 2 tot 30 tekens: letters, cijfers en _. Anderen zien deze naam.
field-display-name = Naam
field-display-name-hint = Hoe je genoemd wilt worden. Mag leeg blijven.
field-email = E-mailadres
field-password = Wachtwoord
field-password-hint = Minstens 8 tekens. Kies iets dat moeilijk te raden is, bijvoorbeeld een paar losse woorden.
field-password-confirm = Wachtwoord nog een keer
field-current-password = Huidig wachtwoord
field-new-password = Nieuw wachtwoord
field-reason = Waarom wil je meedoen?
field-reason-hint = Een beheerder leest dit en keurt je aanmelding goed.
field-invite = Uitnodigingscode
field-login = Gebruikersnaam of e-mailadres
field-language = Taal
field-invite-max-uses = Hoe vaak te gebruiken
field-invite-days = Geldig voor aantal dagen

form-has-errors = Er gaat iets mis. Kijk bij de velden hieronder.

register-title = Account maken
register-intro-open = Maak een account om mee te doen in de buurt.
register-intro-approval = Meld je aan. Een beheerder kijkt je aanmelding na. Daarna kun je inloggen.
register-intro-invite = Je hebt een uitnodigingscode nodig om een account te maken.
register-submit = Account maken
register-have-account = Heb je al een account? Log in.
registration-closed = Je kunt hier nu geen account maken.
registration-pending-title = Bedankt voor je aanmelding
registration-pending-for = Je aanmelding als { $name } is ontvangen. Een beheerder kijkt ernaar. Daarna kun je inloggen.

login-title = Inloggen
login-submit = Inloggen
login-no-account = Nog geen account? Maak er een.

settings-title = Instellingen
settings-submit = Opslaan
settings-saved = Je instellingen zijn opgeslagen.
settings-language-browser = Zoals mijn browser
settings-account-line = Je bent ingelogd als { $name } ({ $email }).

password-title = Wachtwoord wijzigen
password-intro = Na het wijzigen word je op je andere apparaten uitgelogd.
password-submit = Wachtwoord wijzigen
password-changed = Je wachtwoord is gewijzigd.

admin-registrations-title = Aanmeldingen
admin-registrations-none = Er wachten geen aanmeldingen.
admin-registered-at = Aangemeld op
admin-approve = Goedkeuren
admin-reject = Afwijzen
admin-approved = De aanmelding is goedgekeurd.
admin-rejected = De aanmelding is afgewezen.
admin-invites-title = Uitnodigingen
admin-invites-list = Gemaakte uitnodigingen
admin-invites-none = Er zijn nog geen uitnodigingen.
admin-invites-mode-note = Let op: aanmelden met alleen een uitnodiging staat nu niet aan. Een code is alleen nodig als dat wel zo is.
admin-invite-create = Uitnodiging maken
admin-invite-link = Link
admin-invite-uses = Gebruikt
admin-invite-expires = Geldig tot

error-required = Vul dit veld in.
error-too-long = Dit is te lang.
error-control-chars = Hier staan tekens in die niet mogen.
error-username-length = Een gebruikersnaam heeft 2 tot 30 tekens.
error-username-chars = Gebruik alleen letters, cijfers en _.
error-username-reserved = Deze naam is niet beschikbaar.
error-username-taken = Deze gebruikersnaam is al bezet.
error-email-invalid = Dit is geen geldig e-mailadres.
error-email-taken = Er is al een account met dit e-mailadres.
error-password-short = Je wachtwoord moet minstens 8 tekens hebben.
error-password-weak = Dit wachtwoord is te makkelijk te raden. Maak het langer of gebruik een paar losse woorden.
error-password-mismatch = De wachtwoorden zijn niet hetzelfde.
error-password-wrong = Dit wachtwoord klopt niet.
error-invite-invalid = Deze uitnodigingscode werkt niet (meer).
error-number-range = Vul een getal in dat past.
error-choice-invalid = Kies een van de mogelijkheden.
error-login-missing = Vul je gebruikersnaam of e-mailadres en je wachtwoord in.
error-login-wrong = Deze combinatie van naam en wachtwoord klopt niet.
error-login-too-many = Te veel pogingen om in te loggen. Wacht even en probeer het dan opnieuw.
error-login-pending = Je aanmelding is nog niet goedgekeurd. Je krijgt bericht als je kunt inloggen.
error-login-suspended = Dit account is geblokkeerd.
error-invalid = Wat je stuurde klopt niet.
error-csrf = Dit formulier is verlopen. Ga terug, laad de pagina opnieuw en probeer het nog een keer.
error-content-type = Dit formulier is op een verkeerde manier verstuurd.
error-form-malformed = Dit formulier is beschadigd aangekomen. Probeer het opnieuw.
error-body-too-large = Wat je stuurde is te groot.
error-too-many-requests = Je hebt dit te vaak gedaan in korte tijd. Wacht even en probeer het dan opnieuw.
error-title-not-found = Pagina niet gevonden
error-title-forbidden = Geen toegang
error-title-internal = Er ging iets mis
error-title-request = Dat lukte niet
error-page-not-found = Deze pagina bestaat niet (meer). Controleer het adres.
error-page-forbidden = Je mag deze pagina niet bekijken.
error-page-internal = Er ging bij ons iets mis. Probeer het later nog eens.

profile-person = Bewoner
profile-group = Groep
profile-follow-heading = Volgen
profile-follow-from-app = Volg dit account vanuit je eigen fediverse-app (zoals Mastodon): zoek daar op dit adres.
profile-handle = Adres in het fediverse
error-follow-self = Je kunt jezelf niet volgen.

oauth-title = App toegang geven
oauth-app-wants = De app { $app } wil je account gebruiken, met deze rechten:
oauth-approve = Toegang geven
oauth-deny = Weigeren
oauth-denied = Je hebt de app geen toegang gegeven.
oauth-copy-code = Kopieer deze code en plak hem in de app:
error-oauth-request = Dit verzoek van de app klopt niet. Probeer opnieuw in te loggen vanuit de app.

interaction-open-original = Bekijk het origineel
interaction-follow = Volg { $handle }
interaction-following = Je volgt { $handle }.
interaction-requested = Je verzoek om { $handle } te volgen wacht op goedkeuring.
error-interaction-not-found = We konden dit account of bericht niet vinden. Controleer het adres.

profile-followers = { $count ->
    [one] { $count } volger
   *[other] { $count } volgers
}
profile-follow = Volgen
profile-unfollow = Niet meer volgen
profile-your-handle = Je eigen adres in het fediverse
profile-your-handle-hint = Bijvoorbeeld @jij@mastodon.social. We sturen je naar je eigen server om te volgen.
profile-remote-follow = Volg vanaf mijn server
error-remote-handle = Vul je adres in zoals @naam@server.nl.
error-remote-unreachable = Die server kunnen we nu niet bereiken.
error-remote-unknown = Die server kent dit adres niet.
error-remote-no-template = Je server vertelt niet waar je kunt volgen. Zoek dit adres in je eigen app.

home-posts-heading = Nieuw in de buurt
home-posts-none = Er zijn nog geen berichten.
home-groups-heading = Groepen
home-groups-none = Er zijn nog geen groepen.

statement-title = Toegankelijkheid
statement-intro = { $site } wil dat iedereen deze website kan gebruiken, ook met een beperking. Daarom volgen we de richtlijnen voor digitale toegankelijkheid: WCAG 2.1 op niveau AA.
statement-how-heading = Hoe we dit controleren
statement-how = Elke soort pagina wordt bij elke wijziging automatisch getest met axe-core in een echte browser, in de lichte en de donkere weergave. De pagina's werken zonder JavaScript en met alleen het toetsenbord.
statement-known-heading = Wat nog niet goed gaat
statement-known = Automatische tests vinden niet alles. Loop je ergens tegenaan? Laat het ons weten, dan lossen we het op.
statement-contact-heading = Contact
statement-contact = Meld een probleem met de toegankelijkheid via
statement-contact-admins = Meld een probleem met de toegankelijkheid bij de beheerders van deze buurt.
footer-accessibility = Toegankelijkheid
compose-heading = Een bericht schrijven
compose-submit = Plaatsen
field-post-text = Je bericht
field-photo = Foto
field-photo-hint = JPEG, PNG, WebP of GIF, tot { $size } MB. Plaatsgegevens en andere gegevens uit de camera worden verwijderd.
field-alt-text = Beschrijving van de foto
field-alt-text-hint = Wat staat er op de foto? Voor wie de foto niet kan zien. Verplicht als je een foto kiest.
field-avatar = Nieuwe profielfoto
field-avatar-hint = Een vierkante foto werkt het best.
field-avatar-current = Je huidige profielfoto
field-header = Nieuwe omslagfoto
field-header-hint = Een brede foto boven je profiel.
field-header-current = Je huidige omslagfoto
field-group-name = Naam van de groep
field-group-summary = Beschrijving
field-group-summary-hint = Waar gaat de groep over? Laat een regel leeg tussen alinea's.
field-group-icon = Nieuw groepslogo
field-group-icon-hint = Een vierkante afbeelding werkt het best.
field-group-icon-current = Het huidige groepslogo
group-edit-title = { $name } bewerken
group-edit-submit = Opslaan
group-edit-back = Terug naar de groep
group-edit-link = Groep bewerken
profile-avatar-alt = Profielfoto van { $name }
profile-header-alt = Omslagfoto van { $name }
error-image-too-large = Deze foto is te groot. Kies een kleiner bestand.
error-image-type = Dit is geen foto die we kunnen lezen. Kies een JPEG, PNG, WebP of GIF.
error-image-too-many-pixels = Deze foto heeft te veel pixels. Kies een kleinere foto.
error-image-unreadable = Deze foto is beschadigd of kan niet gelezen worden.
error-description-too-long = Deze beschrijving is te lang (hoogstens 1500 tekens).
error-focus-invalid = Het middelpunt moet twee getallen tussen -1 en 1 zijn, zoals 0.5,-0.2.
error-media-too-many = Een bericht kan hoogstens 4 foto's hebben.
error-media-unknown = Deze foto bestaat niet of hoort bij een ander bericht.
error-marker-id = Dit is geen geldig nummer van een bericht of melding.
error-alt-text-required = Beschrijf de foto, voor wie hem niet kan zien.
error-photo-choose-again = Kies de foto opnieuw.

## Maps
nav-map = Kaart
map-title = De buurt op de kaart
map-label = Kaart van de buurt
map-list-intro = Alle plekken op de kaart staan ook in deze lijst.
map-empty = Er staan nog geen plekken op de kaart.
home-map-heading = Op de kaart
home-map-link = Bekijk de hele kaart
profile-place-heading = Hier komen we samen
profile-place-map-label = Kaart met de plek van { $group }
profile-place-intro = De plek op de kaart:
profile-place-edit = Plek wijzigen
place-title = Plek van { $group }
place-intro = Waar komt de groep samen? Vul het adres in. Wil je de plek op de kaart laten zien? Vul dan ook de coördinaten in, of klik op de kaart. Maak alles leeg om de plek te verwijderen.
place-map-label = Kaart om de plek aan te wijzen
place-map-intro = Klik op de kaart om de coördinaten in te vullen. Je kunt ze ook zelf typen.
place-submit = Plek opslaan
place-back = Terug naar de groep
field-place-name = Naam van de plek
field-place-name-hint = Bijvoorbeeld: Buurthuis De Meeuw
field-street-address = Straat en huisnummer
field-postal-code = Postcode
field-locality = Plaats
field-latitude = Breedtegraad
field-longitude = Lengtegraad
field-coordinates-hint = In graden, bijvoorbeeld 52,3596 en 4,917. Een komma of een punt mag allebei.
error-coordinates-pair = Vul de breedtegraad en de lengtegraad allebei in, of laat ze allebei leeg.
error-latitude = Vul een breedtegraad in tussen -90 en 90.
error-longitude = Vul een lengtegraad in tussen -180 en 180.
home-followed-heading = Van wie je volgt
home-followed-none = Je volgt nog niemand. Volg groepen en buren, dan zie je hun berichten hier als eerste.
api-error-outside-scopes = Het toegangstoken staat deze actie niet toe.
api-error-user-token-required = Voor deze actie is het toegangstoken van een ingelogd account nodig.
api-error-not-found = Dit bestaat niet (meer).
api-error-unknown-endpoint = Op dit adres is geen API-endpoint.
api-error-method-not-allowed = Dit API-endpoint neemt deze HTTP-methode niet aan.
api-error-unauthorized = Het toegangstoken ontbreekt of is niet geldig.
api-error-forbidden = Dit mag je niet doen.
api-error-invalid-body = Wat je stuurde kon niet worden gelezen.
api-error-unsupported-media-type = Stuur JSON, een formulier of een multipart-formulier.
api-error-payload-too-large = Wat je stuurde is te groot.
api-error-validation-failed = Niet alle velden zijn goed ingevuld.
api-error-internal = Er ging bij ons iets mis. Probeer het later nog eens.
api-error-remote-refused = De andere server gaf niet wat werd gevraagd.

## E-mail
mail-unsubscribe = Geen mails meer hierover

# Web push (de push-abonnementen van de client-API en de berichten)
error-push-endpoint = Dit is geen adres van een pushdienst: gebruik een https-URL.
error-push-endpoint-private = Dit adres van een pushdienst ligt in een privé- of lokaal netwerk; het is van hieruit niet bereikbaar.
error-push-p256dh = Dit is geen openbare P-256-sleutel (65 bytes, base64url) zoals de PushSubscription van de browser die geeft.
error-push-auth = Dit is geen authenticatiegeheim (16 bytes, base64url) zoals de PushSubscription van de browser die geeft.
error-push-policy = Kies all, followed, follower of none.
push-title-mention = { $name } noemde je
push-title-reply = { $name } reageerde op je
push-title-follow = { $name } volgt je nu
push-title-follow_request = { $name } wil je volgen
push-title-favourite = { $name } vindt je bericht leuk
push-title-reblog = { $name } deelde je bericht
push-title-sign_up = { $name } heeft zich aangemeld
push-title-other = Er is iets nieuws voor je
nav-notifications = Meldingen
nav-notifications-unread = { $count ->
    [one] { $count } ongelezen melding
   *[other] { $count } ongelezen meldingen
}
notifications-title = Meldingen
notifications-none = Je hebt nog geen meldingen. Als iemand op je reageert, je noemt, je volgt of je bericht leuk vindt, zie je dat hier.
notifications-unread = Nieuw
notifications-mark-read = Alles als gelezen markeren
notifications-marked-read = Je meldingen zijn als gelezen gemarkeerd.
notifications-older = Oudere meldingen
notification-someone = Iemand
notification-who-others = { $others ->
    [one] { $name } en { $others } ander
   *[other] { $name } en { $others } anderen
}
notification-mention = { $who } noemde je in een bericht.
notification-mention-many = { $who } noemden je in een bericht.
notification-reply = { $who } reageerde op je bericht.
notification-reply-many = { $who } reageerden op je bericht.
notification-follow = { $who } volgt je nu.
notification-follow-many = { $who } volgen je nu.
notification-follow_request = { $who } wil je volgen.
notification-follow_request-many = { $who } willen je volgen.
notification-favourite = { $who } vindt je bericht leuk.
notification-favourite-many = { $who } vinden je bericht leuk.
notification-reblog = { $who } deelde je bericht.
notification-reblog-many = { $who } deelden je bericht.
notification-sign_up = { $who } wil meedoen en wacht op goedkeuring.
notification-sign_up-many = { $who } willen meedoen en wachten op goedkeuring.
notification-other = Er is iets nieuws voor je.
notification-preferences-title = Meldingen instellen
notification-preferences-intro = Kies per soort melding hoe je ervan hoort. Je ziet meldingen altijd op de meldingenpagina, behalve als je ze uitzet.
notification-kind-mention = Iemand noemt je
notification-kind-reply = Iemand reageert op je bericht
notification-kind-follow = Iemand volgt je
notification-kind-follow_request = Iemand vraagt of hij je mag volgen
notification-kind-favourite = Iemand vindt je bericht leuk
notification-kind-reblog = Iemand deelt je bericht
notification-kind-sign_up = Iemand wacht op goedkeuring van de aanmelding (beheer)
notification-kind-invite_used = Iemand meldt zich aan met jouw uitnodiging
notification-invite_used = { $who } heeft zich aangemeld met jouw uitnodiging.
notification-invite_used-many = { $who } hebben zich aangemeld met jouw uitnodiging.
notification-preference-digest = Overzicht per e-mail
digest-channel-off = Geen overzicht
digest-channel-daily = Elke dag
digest-channel-weekly = Elke week, op maandag
notification-kind-group_join_request = Iemand wil lid worden van een groep die je modereert
notification-kind-group_joined = Je bent lid geworden van een groep
notification-kind-group_invite = Je bent uitgenodigd voor een groep
notification-group_join_request = { $who } wil lid worden van je groep.
notification-group_join_request-many = { $who } willen lid worden van je groep.
notification-group_joined = { $who } heeft je als lid van de groep geaccepteerd.
notification-group_joined-many = { $who } hebben je als lid geaccepteerd.
notification-group_invite = { $who } nodigt je uit voor een groep.
notification-group_invite-many = { $who } nodigen je uit voor een groep.
notification-channel-off = Uit
notification-channel-in_app = Alleen op de meldingenpagina
notification-channel-email = Ook meteen per e-mail
notification-channel-daily = Ook in de dagelijkse samenvatting
notification-channel-weekly = Ook in de wekelijkse samenvatting
error-notification-scope = Dit kan alleen voor iemand of een groep die je volgt.
