"""Drives a Buurt instance with Mastodon.py, the way a real client library does.

Usage: mastodon_client.py BASE_URL ACCESS_TOKEN
Prints one line per check and exits non-zero when one fails.
"""
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

deleted = api.status_delete(posted["id"])
assert deleted["id"] == posted["id"]
print("delete ok")
print("all Mastodon.py checks passed")
