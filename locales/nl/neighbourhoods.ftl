# Buurten: de pagina van een buurt, je eigen buurt op de startpagina en het kiezen van je buurt.

neighbourhood-code = buurtcode { $code }
neighbourhood-map-heading = De buurt op de kaart
neighbourhood-map-label = Kaart van { $name }
neighbourhood-map-intro = De grens van de buurt staat op de kaart. Deze lijst noemt de groepen met een vaste plek in de buurt, net als de kaart.
neighbourhood-map-intro-empty = De kaart toont de grens van de buurt. Er zijn nog geen groepen met een vaste plek in de buurt.
neighbourhood-no-boundary = Van deze buurt is geen grens bekend.
neighbourhood-groups-heading = Groepen en organisaties in de buurt
neighbourhood-groups-none = Er zijn nog geen groepen of organisaties in deze buurt.
neighbourhood-belongs-to = Hoort bij de buurt
neighbourhood-residents = { $count ->
    [0] Er woont nog geen bewoner in deze buurt die dat heeft aangegeven.
    [one] Er woont { $count } bewoner in deze buurt.
   *[other] Er wonen { $count } bewoners in deze buurt.
}

home-neighbourhood-heading = Jouw buurt: { $name }
home-neighbourhood-link = Naar { $name }
home-neighbourhood-change = Andere buurt kiezen
home-neighbourhood-no-posts = Er is nog geen gesprek begonnen in je buurt.
home-neighbourhood-choose-heading = Jouw buurt
home-neighbourhood-choose = Kies de buurt waar je woont: dan zie je die hier als eerste.
home-neighbourhood-choose-link = Kies je buurt

home-choice-title = Jouw buurt
home-choice-current = Je woont in
home-choice-none-yet = Je hebt nog geen buurt gekozen.
home-choice-no-neighbourhoods = Deze website heeft nog geen buurten.
home-choice-list-heading = Kies uit de lijst
home-choice-postcode-heading = Zoek op postcode of adres
home-choice-map-heading = Kies op de kaart
home-choice-map-intro = Klik op de kaart waar je woont, of vul de breedte- en lengtegraad in.
home-choice-map-label = Kaart met de buurten
home-choice-map-list = De kaart toont de grenzen van de buurten; de lijst hierboven noemt ze allemaal.
home-choice-back = Terug naar je instellingen
home-choice-saved = Je buurt is opgeslagen.
home-choice-cleared = Je hebt nu geen buurt meer gekozen.
home-choice-no-home = Geen buurt
home-choice-list-submit = Buurt opslaan
home-choice-map-submit = Zoek de buurt bij deze plek
home-choice-postcode-submit = Zoek mijn buurt
settings-home-neighbourhood = Jouw buurt kiezen

field-home-neighbourhood = Buurt
field-home-coordinates-hint = Bijvoorbeeld 52,0907 en 5,1214.
field-home-postcode = Postcode of adres
field-home-postcode-hint = Bijvoorbeeld 3511 AB of Oudegracht 1, Utrecht.

groups-neighbourhood = Buurt
groups-neighbourhood-all = Alle buurten
field-group-neighbourhood = Buurt
field-group-neighbourhood-none = Geen buurt
field-group-neighbourhood-hint = De buurt waar de groep of organisatie bij hoort.

error-neighbourhood-unknown = Kies een buurt uit de lijst.
error-neighbourhood-none-here = Deze plek ligt in geen van de buurten. Kies een plek binnen een buurt.
error-postcode-unknown = Deze postcode of dit adres kennen we niet. Kijk of je het goed hebt geschreven.
error-geocoder-off = Zoeken op postcode kan op deze website niet. Kies je buurt uit de lijst of op de kaart.
error-geocoder-unavailable = Zoeken op postcode lukt nu niet. Probeer het later nog eens, of kies je buurt uit de lijst.
