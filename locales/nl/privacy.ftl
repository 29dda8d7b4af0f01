# Privacy (issue #21): de privacyverklaring, je gegevens downloaden, je account verwijderen.
footer-privacy = Privacy
privacy-title = Privacyverklaring
privacy-intro = Hier lees je welke gegevens { $site } over je bewaart, waarom, hoe lang, en wat je rechten zijn.
privacy-who-heading = Wie is verantwoordelijk
privacy-who = { $controller } beheert dit platform en is verantwoordelijk voor de persoonsgegevens erop (verwerkingsverantwoordelijke volgens de AVG).
privacy-address = Adres:
privacy-dpo = Functionaris gegevensbescherming:
privacy-what-heading = Wat we bewaren
privacy-what-intro = Van wie een account heeft, bewaren we:
privacy-stored-account = je account: gebruikersnaam, e-mailadres, versleuteld wachtwoord, rol, taal en wanneer je je aanmeldde;
privacy-stored-profile = je profiel: naam, "Over mij", profielfoto en headerfoto, en je buurt als je die kiest;
privacy-stored-posts = je berichten en reacties, met eerdere versies als je ze bewerkte;
privacy-stored-relations = wie je volgt en wie jou volgt, wat je leuk vindt en deelt, wie je blokkeert of negeert en welke berichten je verbergt;
privacy-stored-memberships = de groepen waar je lid van bent en je rol daarin;
privacy-stored-settings = je instellingen voor meldingen en de apps die je pushmeldingen sturen;
privacy-stored-media = de foto's die je plaatst, met hun beschrijving;
privacy-stored-moderation = meldingen die je doet, besluiten van moderatoren over jou of je berichten, en je bezwaren;
privacy-stored-deliveries = wat we namens jou naar andere servers sturen, tot het is afgeleverd;
privacy-stored-received = de kenmerken van wat andere servers ons sturen, om dubbele berichten te weigeren.
privacy-why = We gebruiken deze gegevens alleen om het platform te laten werken: om je te laten meedoen, je berichten te tonen aan wie ze mag zien, je op de hoogte te houden zoals je dat wilt, en om het platform veilig te houden. We verkopen niets en tonen geen advertenties.
privacy-federation = Dit platform praat met andere servers in de fediverse (ActivityPub). Wat je openbaar of voor volgers op een andere server schrijft, gaat naar die servers. Verwijder je iets, dan vragen we hen het ook te verwijderen.
privacy-retention-heading = Hoe lang we het bewaren
privacy-retention-account = Je account, profiel en berichten bewaren we tot je ze verwijdert.
privacy-retention-received = { $count ->
    [one] Kenmerken van ontvangen berichten van andere servers: 1 dag.
   *[other] Kenmerken van ontvangen berichten van andere servers: { $count } dagen.
}
privacy-retention-outbox = { $count ->
    [one] Wat we naar andere servers stuurden: 1 dag nadat het is afgeleverd.
   *[other] Wat we naar andere servers stuurden: { $count } dagen nadat het is afgeleverd.
}
privacy-retention-notifications = { $count ->
    [one] Meldingen die je gelezen hebt: 1 dag.
   *[other] Meldingen die je gelezen hebt: { $count } dagen.
}
privacy-retention-uploads = Foto's die je uploadt maar nooit plaatst: 1 dag.
privacy-rights-heading = Je rechten
privacy-right-access = Inzage en overdracht: download alles wat we over je bewaren.
privacy-right-rectification = Correctie: pas je naam, profiel en e-mailadres zelf aan.
privacy-right-erasure = Verwijdering: verwijder je account, met of zonder je berichten.
privacy-right-objection = Bezwaar en beperking: schrijf ons via het contactadres hieronder.
privacy-right-complaint = Ben je het niet eens met hoe we met je gegevens omgaan, dan kun je een klacht indienen bij de
privacy-authority = Autoriteit Persoonsgegevens
privacy-contact-heading = Contact
privacy-contact = Vragen over je gegevens? Mail
privacy-contact-admins = Vragen over je gegevens? Neem contact op met de beheerders van dit platform.
privacy-data-title = Mijn gegevens downloaden
privacy-data-intro = Je krijgt een zip-bestand met data.json (alles wat we over je bewaren, leesbaar voor mensen en programma's) en de foto's die je plaatste. Daarin staat:
privacy-data-api = Apps halen hetzelfde bestand op met GET /api/buurt/v1/me/export.
privacy-data-submit = Download mijn gegevens
privacy-delete-title = Mijn account verwijderen
privacy-delete-intro = Verwijder je je account, dan kun je het niet terugkrijgen.
privacy-delete-what-actor = Je profiel verdwijnt, je wordt overal afgemeld en je e-mailadres wordt gewist.
privacy-delete-what-relations = Wie je volgt, je volgers en je lidmaatschappen van groepen vervallen.
privacy-delete-what-other-servers = Andere servers die je kennen, krijgen het bericht dat je account is verwijderd.
privacy-delete-download-first = Wil je eerst een kopie van je gegevens?
privacy-delete-content-legend = Wat gebeurt er met je berichten?
privacy-delete-remove = Verwijder mijn berichten
privacy-delete-remove-hint = Al je berichten, reacties en foto's worden verwijderd.
privacy-delete-anonymise = Laat mijn berichten staan, zonder mijn naam
privacy-delete-anonymise-hint = Je berichten blijven leesbaar in hun gesprekken, als van "Voormalig buurtbewoner", zonder je naam of een link naar je profiel.
privacy-delete-password = Je wachtwoord
privacy-delete-submit = Verwijder mijn account
privacy-delete-choose = Kies wat er met je berichten gebeurt.
privacy-delete-last-admin = Je bent de laatste beheerder. Maak eerst iemand anders beheerder voordat je je account verwijdert.
privacy-deleted-title = Je account is verwijderd
privacy-deleted-text = Je account is verwijderd en je bent afgemeld. Andere servers krijgen bericht. Bedankt voor je bijdrage aan de buurt.
privacy-former-resident = Voormalig buurtbewoner
