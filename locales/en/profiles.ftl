## Profiles: a resident's posts and groups, the bio (issue #20)

profile-posts-heading = Posts
profile-posts-none = No posts here yet.
profile-posts-older = Older posts
profile-groups-heading = Groups
profile-groups-none = Not in any group yet.
profile-edit-own = Edit your profile
field-bio = About me
field-bio-hint = { $count ->
    [one] A few sentences about yourself, shown on your profile page. At most { $count } character.
   *[other] A few sentences about yourself, shown on your profile page. At most { $count } characters.
}
error-bio-too-long = This text about yourself is too long: at most 500 characters.
