# Moderation: decisions with their statement of reasons, appeals, the public log (issue #21).

moderation-kind-hide_post = Bericht verborgen
moderation-kind-remove_post = Bericht verwijderd
moderation-kind-lock_thread = Gesprek gesloten
moderation-kind-ban_member = Uit de groep gezet
moderation-kind-silence_account = Account beperkt
moderation-kind-suspend_account = Account geschorst

moderation-ground-illegal = Illegale inhoud
moderation-ground-terms = In strijd met de huisregels van { -site-generic }
moderation-ground-group_rules = In strijd met de regels van de groep
moderation-ground-harassment = Intimidatie of pesten
moderation-ground-spam = Spam
moderation-ground-privacy = Schending van iemands privacy
moderation-ground-other = Andere reden

-site-generic = dit platform

moderation-statement-ground = Grond: { $ground }
moderation-statement-facts = Feiten en omstandigheden: { $facts }
moderation-statement-content = Het ging om: „{ $content }”
moderation-statement-reversed = Toelichting: { $reason }
moderation-statement-redress = Ben je het er niet mee eens? Je kunt binnen { $days } dagen bezwaar maken via de knop hieronder; de beheerders bekijken het besluit dan opnieuw. Je kunt ook een erkende geschilbeslechtingsinstantie of de rechter inschakelen.

moderation-mail-greeting = Hallo,
moderation-mail-action = Besluit bekijken
moderation-mail-reason = Je krijgt deze mail omdat een moderator van { $site } een besluit nam over jouw bericht of account. Zulke mails krijg je altijd.
mail-moderation_decision-subject = Besluit over jouw bericht of account op { $site }
mail-moderation_decision-body = Een moderator van { $site } heeft een besluit genomen: { $what }.
mail-moderation_reversed-subject = Besluit teruggedraaid op { $site }
mail-moderation_reversed-body = Het besluit „{ $what }” op { $site } is teruggedraaid.
mail-appeal_answered-subject = Antwoord op je bezwaar op { $site }
mail-appeal_answered-body = De beheerders van { $site } hebben je bezwaar tegen het besluit „{ $what }” behandeld.

notification-moderation_decision = Een moderator heeft een besluit genomen over jouw bericht of account.
notification-moderation_decision-many = Moderatoren hebben besluiten genomen over jouw berichten of account.
notification-moderation_reversed = Een besluit over jouw bericht of account is teruggedraaid.
notification-moderation_reversed-many = Besluiten over jouw berichten of account zijn teruggedraaid.
notification-appeal_answered = De beheerders hebben je bezwaar behandeld.
notification-appeal_answered-many = De beheerders hebben je bezwaren behandeld.
notification-moderation_appeal = { $who } maakt bezwaar tegen een moderatiebesluit.
notification-moderation_appeal-many = { $who } maken bezwaar tegen moderatiebesluiten.
notification-kind-moderation_decision = Een besluit over jouw bericht of account (ook altijd per e-mail)
notification-kind-moderation_reversed = Een besluit over jou is teruggedraaid (ook altijd per e-mail)
notification-kind-appeal_answered = Antwoord op je bezwaar (ook altijd per e-mail)
notification-kind-moderation_appeal = Iemand maakt bezwaar tegen een moderatiebesluit (beheer)

error-moderation-kind = Kies wat je wilt doen.
error-moderation-ground = Kies de grond van het besluit.
error-moderation-law-required = Noem bij illegale inhoud de wet of het wetsartikel.
error-moderation-law-long = Noem de wet korter (hoogstens 300 tekens).
error-moderation-facts-required = Beschrijf de feiten en omstandigheden: de persoon leest dit.
error-moderation-facts-long = Beschrijf de feiten korter (hoogstens 5000 tekens).
error-moderation-lock-reply = Alleen een gesprek in een groep kan worden gesloten, niet een antwoord.
error-moderation-report-other = Deze melding gaat over iets anders dan dit besluit.
error-moderation-lock-by-decision = Het gesprek van iemand anders sluit je met een moderatiebesluit, met een motivering voor de schrijver.
error-moderation-reason-required = Geef een toelichting (hoogstens 5000 tekens).
error-appeal-text-required = Schrijf waarom je het niet eens bent met het besluit.
error-appeal-text-long = Schrijf korter (hoogstens 5000 tekens).
error-appeal-closed = Tegen dit besluit kun je geen bezwaar (meer) maken.
error-appeal-exists = Je hebt al bezwaar gemaakt tegen dit besluit.
error-appeal-answered = Dit bezwaar is al behandeld.

moderation-log-title = Moderatielogboek
moderation-log-intro = Elk besluit van moderatoren over berichten en accounts staat hier, zonder de namen van wie het betreft of wie iets meldde. De betrokkene krijgt de volledige motivering en kan bezwaar maken.
moderation-log-empty = Er zijn nog geen besluiten genomen.
moderation-log-when = Datum
moderation-log-what = Besluit
moderation-log-ground = Grond
moderation-log-where = Waar
moderation-log-instance = Hele platform
moderation-log-reversed = teruggedraaid op { $date }
moderation-log-older = Oudere besluiten

moderation-decide-title = Moderatiebesluit
moderation-decide-intro = De betrokkene krijgt deze motivering per e-mail en in de meldingen, met de mogelijkheid om bezwaar te maken. Het besluit komt zonder namen in het openbare moderatielogboek.
moderation-decide-about-post = Het gaat om dit bericht:
moderation-decide-about-account = Het gaat om het account { $name }.
field-moderation-kind = Besluit
field-moderation-ground = Grond
field-moderation-law = Wet of wetsartikel (bij illegale inhoud)
field-moderation-facts = Feiten en omstandigheden
field-moderation-facts-hint = Wat er gebeurde en waarom dit besluit nodig is. De betrokkene leest dit.
moderation-decide-submit = Besluit nemen

moderation-statement-title = Besluit: { $what }
moderation-statement-date = Genomen op { $date }.
moderation-statement-in-group = In de groep { $group }.
moderation-statement-undone = Dit besluit is teruggedraaid op { $date }: { $reason }
moderation-appeal-title = Bezwaar maken
moderation-appeal-intro = Leg uit waarom je het niet eens bent met dit besluit. De beheerders bekijken het opnieuw en laten je de uitkomst weten.
field-appeal-text = Jouw bezwaar
moderation-appeal-submit = Bezwaar indienen
moderation-appeal-filed = Je bezwaar is ingediend op { $date }; de beheerders behandelen het.
moderation-appeal-upheld = De beheerders hebben je bezwaar afgewezen: { $answer }
moderation-appeal-reversed = De beheerders hebben je bezwaar toegewezen: { $answer }
moderation-reverse-title = Besluit terugdraaien
field-moderation-reason = Toelichting
moderation-reverse-submit = Terugdraaien
moderation-appeals-title = Bezwaren
moderation-appeals-empty = Er zijn geen open bezwaren.
moderation-appeal-answer-title = Bezwaar beantwoorden
field-appeal-answer = Antwoord aan de betrokkene
moderation-appeal-uphold = Besluit handhaven
moderation-appeal-undo = Besluit terugdraaien
moderation-link-hide = Verbergen (moderatie)
moderation-link-remove = Verwijderen (moderatie)
moderation-link-lock = Gesprek sluiten (moderatie)
moderation-link-silence = Account beperken
moderation-link-suspend = Account schorsen
moderation-link-ban = Uit de groep zetten
moderation-hidden-notice = Dit bericht is door een moderator verborgen; alleen jij en moderatoren zien het.
nav-moderation-log = Moderatielogboek
nav-appeals = Bezwaren

# Verified organisations.
verified-field-name = Geverifieerd
verified-field-value = Geverifieerde organisatie op { $site }
verified-badge = Geverifieerd
verified-badge-title = De beheerders van dit platform hebben gecontroleerd dat deze organisatie is wie ze zegt te zijn.
verify-action = Organisatie verifiëren
unverify-action = Verificatie intrekken
