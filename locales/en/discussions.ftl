# Discussions in groups
group-discussions-heading = Discussions
group-discussions-new = Start a discussion
group-discussions-none = There are no discussions in this group yet.
group-discussions-members-only = This group's discussions are for members only.
group-discussions-replies = { $count ->
    [one] { $count } reply
   *[other] { $count } replies
}
thread-new-title = New discussion in { $group }
thread-new-submit = Start discussion
thread-edit-title = Edit discussion
thread-edit-submit = Save
thread-edit-back = Back to the discussion
field-thread-title = Title
field-thread-text = Text
field-thread-text-hint = You can use Markdown: **bold**, *italic*, [link](https://…), lists with - and headings with #. Mention someone with @name.
field-thread-kind = Kind of message
thread-kind-discussion = Discussion
thread-kind-announcement = Announcement of the group
thread-announcement = Announcement
thread-in-group = In the group
thread-pinned = Pinned
thread-locked = Locked
thread-pin = Pin
thread-unpin = Unpin
thread-lock = Lock for replies
thread-unlock = Open for replies again
thread-remove = Remove
thread-edit = Edit
thread-history = { $count ->
    [one] Edited; { $count } earlier version
   *[other] Edited; { $count } earlier versions
}
thread-locked-no-replies = This discussion is locked: no more replies can be added.
thread-no-replies-allowed = You cannot reply in this group. Join it to take part.
thread-done-pinned = The discussion is now pinned to the top of the group.
thread-done-unpinned = The discussion is no longer pinned.
thread-done-locked = The discussion is locked for new replies.
thread-done-unlocked = The discussion is open for replies again.
thread-done-edited = Your changes were saved.
error-group-may-not-post = You may not write in this group.
error-thread-locked = This discussion is locked: no more replies can be added.
error-group-announcement-moderators = Only the group's moderators can post an announcement.
