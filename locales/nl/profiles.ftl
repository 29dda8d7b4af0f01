## Profielen: de berichten en groepen van een bewoner, de bio (issue #20)

profile-posts-heading = Berichten
profile-posts-none = Hier staan nog geen berichten.
profile-posts-older = Oudere berichten
profile-groups-heading = Groepen
profile-groups-none = Nog in geen enkele groep.
profile-edit-own = Je profiel bewerken
field-bio = Over mij
field-bio-hint = { $count ->
    [one] Een paar zinnen over jezelf, te zien op je profielpagina. Hoogstens { $count } teken.
   *[other] Een paar zinnen over jezelf, te zien op je profielpagina. Hoogstens { $count } tekens.
}
error-bio-too-long = Dit stuk over jezelf is te lang: hoogstens 500 tekens.
