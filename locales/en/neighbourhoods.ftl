# Neighbourhoods: a neighbourhood's page, your own neighbourhood on the home page and choosing it.

neighbourhood-code = neighbourhood code { $code }
neighbourhood-map-heading = The neighbourhood on the map
neighbourhood-map-label = Map of { $name }
neighbourhood-map-intro = The map shows the neighbourhood's boundary. This list names the groups that meet in the neighbourhood, as the map does.
neighbourhood-map-intro-empty = The map shows the neighbourhood's boundary. No group meets at a set place in the neighbourhood yet.
neighbourhood-no-boundary = This neighbourhood has no known boundary.
neighbourhood-groups-heading = Groups and organisations in the neighbourhood
neighbourhood-groups-none = There are no groups or organisations in this neighbourhood yet.
neighbourhood-belongs-to = Part of the neighbourhood
neighbourhood-residents = { $count ->
    [0] No resident has said they live in this neighbourhood yet.
    [one] { $count } resident lives in this neighbourhood.
   *[other] { $count } residents live in this neighbourhood.
}

home-neighbourhood-heading = Your neighbourhood: { $name }
home-neighbourhood-link = Go to { $name }
home-neighbourhood-change = Choose another neighbourhood
home-neighbourhood-no-posts = Nobody has started a conversation in your neighbourhood yet.
home-neighbourhood-choose-heading = Your neighbourhood
home-neighbourhood-choose = Choose the neighbourhood you live in, and it comes first here.
home-neighbourhood-choose-link = Choose your neighbourhood

home-choice-title = Your neighbourhood
home-choice-current = You live in
home-choice-none-yet = You have not chosen a neighbourhood yet.
home-choice-no-neighbourhoods = This website has no neighbourhoods yet.
home-choice-list-heading = Choose from the list
home-choice-postcode-heading = Find it by postcode or address
home-choice-map-heading = Choose on the map
home-choice-map-intro = Click where you live on the map, or enter the latitude and longitude.
home-choice-map-label = Map of the neighbourhoods
home-choice-map-list = The map shows the neighbourhoods' boundaries; the list above names them all.
home-choice-back = Back to your settings
home-choice-saved = Your neighbourhood is saved.
home-choice-cleared = You no longer have a neighbourhood chosen.
home-choice-no-home = No neighbourhood
home-choice-list-submit = Save neighbourhood
home-choice-map-submit = Find the neighbourhood of this place
home-choice-postcode-submit = Find my neighbourhood
settings-home-neighbourhood = Choose your neighbourhood

field-home-neighbourhood = Neighbourhood
field-home-coordinates-hint = For example 52.0907 and 5.1214.
field-home-postcode = Postcode or address
field-home-postcode-hint = For example 3511 AB or Oudegracht 1, Utrecht.

groups-neighbourhood = Neighbourhood
groups-neighbourhood-all = All neighbourhoods
field-group-neighbourhood = Neighbourhood
field-group-neighbourhood-none = No neighbourhood
field-group-neighbourhood-hint = The neighbourhood the group or organisation is part of.

error-neighbourhood-unknown = Choose a neighbourhood from the list.
error-neighbourhood-none-here = This place is in none of the neighbourhoods. Choose a place inside one.
error-postcode-unknown = We do not know this postcode or address. Check how it is written.
error-geocoder-off = This website cannot search by postcode. Choose your neighbourhood from the list or on the map.
error-geocoder-unavailable = Searching by postcode does not work right now. Try again later, or choose from the list.
