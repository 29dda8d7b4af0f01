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

deleted = api.status_delete(posted["id"])
assert deleted["id"] == posted["id"]
print("delete ok")
print("all Mastodon.py checks passed")
