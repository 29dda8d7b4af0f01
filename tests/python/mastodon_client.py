"""Drives a Buurt instance with Mastodon.py, the way a real client library does.

Usage: mastodon_client.py BASE_URL ACCESS_TOKEN
Prints one line per check and exits non-zero when one fails.
"""
import struct
import zlib
import sys

from mastodon import Mastodon

base, token = sys.argv[1], sys.argv[2]
api = Mastodon(access_token=token, api_base_url=base, version_check_mode="created")

me = api.account_verify_credentials()
assert me["username"] == "mira", me
print("verify_credentials ok", me["acct"])

instance = api.instance()
print("instance ok", instance["version"])

posted = api.status_post("Hallo vanuit Mastodon.py", visibility="public")
assert posted["content"] == "<p>Hallo vanuit Mastodon.py</p>", posted["content"]
print("status_post ok", posted["id"])

again = api.status(posted["id"])
assert again["uri"] == posted["uri"]
faved = api.status_favourite(posted["id"])
assert faved["favourited"] is True and faved["favourites_count"] == 1, faved
print("favourite ok")

home = api.timeline_home(limit=100)
assert any(s["id"] == posted["id"] for s in home), home
public = api.timeline_public(local=True)
assert any(s["id"] == posted["id"] for s in public)
print("timelines ok", len(home))

found = api.account_lookup("mira")
assert found["id"] == me["id"]
statuses = api.account_statuses(me["id"])
assert statuses[0]["id"] == posted["id"]
print("accounts ok")

bio = api.account_update_credentials(note="Ik woon aan het plein.\nZeg gerust hoi.")
assert bio["note"] == "<p>Ik woon aan het plein.<br>Zeg gerust hoi.</p>", bio["note"]
assert bio["source"]["note"] == "Ik woon aan het plein.\nZeg gerust hoi.", bio["source"]
# The Rust test made otto follow mira.
followers = api.account_followers(me["id"])
assert [a["username"] for a in followers] == ["otto"], followers
assert [a["username"] for a in api.account_following(followers[0]["id"])] == ["mira"]
print("profile ok")

reply = api.status_post("Een antwoord", in_reply_to_id=posted["id"])
context = api.status_context(posted["id"])
assert [s["id"] for s in context["ancestors"]] == [], context
assert [s["id"] for s in context["descendants"]] == [reply["id"]], context
assert [s["id"] for s in api.status_context(reply["id"])["ancestors"]] == [posted["id"]]
assert [a["id"] for a in api.status_favourited_by(posted["id"])] == [me["id"]]
assert list(api.status_reblogged_by(posted["id"])) == []
print("context ok")

def png(width, height):
    # A small opaque PNG, written with the standard library.
    raw = b"".join(b"\x00" + bytes([200, 100, 50]) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


media = api.media_post(png(30, 20), mime_type="image/png", description="Een oranje vlak", focus=(0.1, 0.2), file_name="vlak.png")
assert media["meta"]["original"]["width"] == 30, media
with_photo = api.status_post("Met foto", media_ids=[media])
attachment = with_photo["media_attachments"][0]
assert attachment["description"] == "Een oranje vlak", attachment
assert attachment["meta"]["focus"] == {"x": 0.1, "y": 0.2}, attachment
updated = api.account_update_credentials(avatar=png(64, 64), avatar_mime_type="image/png")
assert "/media/" in updated["avatar"], updated["avatar"]
print("media ok")

# Notifications: the Rust test made two for mira, a like of an earlier post and a follow,
# both by otto (the follow is the newer).
notes = api.notifications()
assert [n["type"] for n in notes] == ["follow", "favourite"], notes
like = notes[1]
assert like["account"]["username"] == "otto", like
assert like["status"]["content"] == "<p>Eerder bericht</p>", like["status"]
one = api.notifications(id=like["id"])
assert one["id"] == like["id"] and one["type"] == "favourite", one
assert [n["type"] for n in api.notifications(types=["follow"])] == ["follow"]
assert [n["type"] for n in api.notifications(exclude_types=["follow"])] == ["favourite"]
assert len(api.notifications(limit=1)) == 1
print("notifications ok", len(notes))

marked = api.markers_set(["notifications", "home"], [like["id"], with_photo["id"]])
assert str(marked["notifications"]["last_read_id"]) == str(like["id"]), marked
markers = api.markers_get(["notifications", "home"])
assert str(markers["home"]["last_read_id"]) == str(with_photo["id"]), markers
assert markers["notifications"]["version"] == 1, markers
print("markers ok")

# The unread counts and grouped notifications came with Mastodon 4.3, newer than the version
# Buurt reports: a client that does not check versions calls them.
newer = Mastodon(access_token=token, api_base_url=base, version_check_mode="none")
assert newer.notifications_unread_count()["count"] == 1
assert newer.unread_grouped_notifications_count() == 1
grouped = newer.grouped_notifications()
assert [g["type"] for g in grouped["notification_groups"]] == ["follow", "favourite"], grouped
assert grouped["notification_groups"][1]["notifications_count"] == 1
group = newer.grouped_notification(grouped["notification_groups"][1]["group_key"])
assert group["statuses"][0]["content"] == "<p>Eerder bericht</p>", group
print("grouped notifications ok")

api.notifications_dismiss(like["id"])
assert [n["type"] for n in api.notifications()] == ["follow"]
api.notifications_clear()
assert list(api.notifications()) == []
print("notifications dismiss and clear ok")

deleted = api.status_delete(posted["id"])
assert deleted["id"] == posted["id"]
print("delete ok")
print("all Mastodon.py checks passed")
