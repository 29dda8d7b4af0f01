# Gesprekken in groepen
group-discussions-heading = Gesprekken
group-discussions-new = Nieuw gesprek beginnen
group-discussions-none = Er zijn nog geen gesprekken in deze groep.
group-discussions-members-only = De gesprekken van deze groep zijn alleen voor leden.
group-discussions-replies = { $count ->
    [one] { $count } reactie
   *[other] { $count } reacties
}
thread-new-title = Nieuw gesprek in { $group }
thread-new-submit = Gesprek beginnen
thread-edit-title = Gesprek bewerken
thread-edit-submit = Opslaan
thread-edit-back = Terug naar het gesprek
field-thread-title = Titel
field-thread-text = Tekst
field-thread-text-hint = Je kunt Markdown gebruiken: **vet**, *schuin*, [link](https://…), lijstjes met - en koppen met #. Noem iemand met @naam.
field-thread-kind = Soort bericht
thread-kind-discussion = Gesprek
thread-kind-announcement = Mededeling van de groep
thread-announcement = Mededeling
thread-in-group = In de groep
thread-pinned = Vastgezet
thread-locked = Gesloten
thread-pin = Vastzetten
thread-unpin = Losmaken
thread-lock = Sluiten voor reacties
thread-unlock = Weer openen voor reacties
thread-remove = Verwijderen
thread-edit = Bewerken
thread-history = { $count ->
    [one] Bewerkt; { $count } eerdere versie
   *[other] Bewerkt; { $count } eerdere versies
}
thread-locked-no-replies = Dit gesprek is gesloten: er kunnen geen reacties meer bij.
thread-no-replies-allowed = Je kunt in deze groep niet reageren. Word lid om mee te praten.
thread-done-pinned = Het gesprek staat nu bovenaan de groep.
thread-done-unpinned = Het gesprek staat niet meer vast.
thread-done-locked = Het gesprek is gesloten voor nieuwe reacties.
thread-done-unlocked = Het gesprek is weer open voor reacties.
thread-done-edited = Je wijzigingen zijn opgeslagen.
error-group-may-not-post = Je mag in deze groep niet schrijven.
error-thread-locked = Dit gesprek is gesloten: er kunnen geen reacties meer bij.
error-group-announcement-moderators = Alleen moderatoren van de groep kunnen een mededeling plaatsen.
