## Organisaties, uitnodigingen voor groepen en groepen elders (issue #20)

group-org_type-none = Geen organisatie
group-org_type-association = Vereniging of stichting
group-org_type-business = Bedrijf of winkel
group-org_type-care_provider = Zorgaanbieder
group-org_type-municipality = Gemeente
group-org_type-other = Andere organisatie
field-group-org_type = Soort organisatie
field-group-org_type-hint = Alleen voor een organisatie: wat voor organisatie het is.
profile-organisation = Organisatie · { $type }

error-group-invite-unknown = Deze uitnodiging bestaat niet (meer) voor deze groep.
error-group-invite-expired = Deze uitnodiging is verlopen. Vraag de beheerder van de groep om een nieuwe.
error-group-invite-used-up = Deze uitnodiging is al zo vaak gebruikt als mocht. Vraag de beheerder van de groep om een nieuwe.
error-invite-group-only = Dit is een uitnodiging voor een groep. Om je hier aan te melden heb je een uitnodiging voor deze site nodig.
error-group-status-already = De groep heeft die status al.
error-group-status-not-now = Dat kan niet met de groep zoals hij nu is.

group-invites-link = Uitnodigingen met een link of per e-mail
group-invites-title = Uitnodigingen voor { $name }
group-invites-intro = Wie een uitnodiging gebruikt, wordt meteen lid, ook als de groep alleen op uitnodiging is. Wie nog geen account heeft, maakt er een met de link.
group-invites-by-link = Uitnodigen met een link
group-invites-by-email = Uitnodigen per e-mail
group-invites-create = Link maken
group-invites-mail = Uitnodiging sturen
group-invites-made = De link is gemaakt. Je vindt hem hieronder.
group-invites-mailed = De uitnodiging is verstuurd.
group-invites-list = Uitnodigingen
group-invites-none = Er zijn nog geen uitnodigingen.

group-invitation-title = Uitnodiging voor { $name }
group-invitation-join-intro = Je bent uitgenodigd om lid te worden van deze groep.
group-invitation-join = Lid worden
group-invitation-anonymous = Je bent uitgenodigd om lid te worden van deze groep. Maak een account met deze uitnodiging, of log in en open de link nog eens.
group-invitation-register = Account maken
group-invitation-login = Inloggen
group-invitation-group = Naar de groep

group-my-invitations-title = Uitnodigingen voor groepen
group-my-invitations-none = Je hebt geen uitnodigingen die op antwoord wachten.
group-my-invitations-accept = Lid worden
group-my-invitations-decline = Afslaan

mail-group-invite-subject = { $inviter } nodigt je uit voor { $group }
mail-group-invite-greeting = Hallo,
mail-group-invite-body = { $inviter } nodigt je uit om lid te worden van { $group } op { $site }, de online plek van de buurt. Met de knop hieronder word je lid; heb je nog geen account, dan maak je er eerst een.
mail-group-invite-valid = { $days ->
    [one] De uitnodiging is { $days } dag geldig.
   *[other] De uitnodiging is { $days } dagen geldig.
}
mail-group-invite-reason = Je krijgt deze mail omdat { $inviter } je uitnodigde voor { $group }. Wil je niet meedoen? Dan hoef je niets te doen.
mail-group-invite-action = Uitnodiging bekijken
