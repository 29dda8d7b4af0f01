#!/usr/bin/env python3
"""Run bovine-herd as an independent ActivityPub test peer.

One process, one asyncio loop, two HTTP servers:

* bovine-herd (a Quart app) under hypercorn on --bind (default 127.0.0.7:8400),
  answering for the public host name --domain (default bovine.test:8400) with
  plain-http actor ids, backed by a fresh SQLite database in a temp dir;
* a small JSON control API on --control-port (default 8401, same address),
  which drives the actor "peer" through bovine's own client (BovineClient,
  Moo-Auth-1 with an Ed25519 secret kept in a toml file) and, for /fetch,
  through bovine's HTTP-signature client (bovine.BovineActor) holding the
  actor's RSA server key.

See README.md in this folder for the control API and the quirks of bovine.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time

log = logging.getLogger("bovine-peer")


# --------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bind", default="127.0.0.7:8400",
                   help="address:port hypercorn listens on (default %(default)s)")
    p.add_argument("--domain", default="bovine.test:8400",
                   help="public host[:port] the peer's ids use (default %(default)s)")
    p.add_argument("--control-port", type=int, default=8401,
                   help="port of the JSON control API (default %(default)s)")
    p.add_argument("--control-host", default=None,
                   help="address of the control API (default: the address of --bind)")
    p.add_argument("--handle", default="peer",
                   help="preferredUsername of the actor to create (default %(default)s)")
    p.add_argument("--data-dir", default=None,
                   help="directory for the SQLite db, secrets and logs "
                        "(default: a fresh temp dir, removed on exit)")
    p.add_argument("--keep-data", action="store_true",
                   help="do not delete the temp data dir on exit")
    p.add_argument("--resolve", action="append", default=[], metavar="HOST=IP",
                   help="resolve HOST to IP for the peer's own outgoing requests "
                        "(repeatable); other names go through the system resolver "
                        "(/etc/hosts)")
    p.add_argument("--allow-non-loopback", action="store_true",
                   help="allow outgoing connections to non-loopback addresses "
                        "(refused by default: this is a loopback-only test peer)")
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


# --------------------------------------------------------------------------
# offline JSON-LD contexts
# --------------------------------------------------------------------------
# bovine compacts every incoming activity and every fetched actor with pyld.
# By default pyld (through bovine.jsonld) downloads unknown @context documents
# from the internet (w3id.org, w3.org, ...). A loopback test peer must never do
# that, so the document loader is replaced by one that answers from the small
# definitions below and returns an empty context for anything else.
# These definitions are written for this peer: they only cover the terms
# bovine itself reads (publicKey / publicKeyPem / owner, Multikey, ...).

SEC = "https://w3id.org/security#"

OFFLINE_CONTEXTS = {
    "https://w3id.org/security/v1": {
        "id": "@id",
        "type": "@type",
        "sec": SEC,
        "Key": "sec:Key",
        "publicKey": {"@id": "sec:publicKey", "@type": "@id"},
        "publicKeyPem": "sec:publicKeyPem",
        "owner": {"@id": "sec:owner", "@type": "@id"},
        "signature": {"@id": "sec:signature"},
        "signatureValue": "sec:signatureValue",
        "creator": {"@id": "http://purl.org/dc/terms/creator", "@type": "@id"},
        "created": {"@id": "http://purl.org/dc/terms/created"},
    },
    "https://w3id.org/security/multikey/v1": {
        "id": "@id",
        "type": "@type",
        "Multikey": SEC + "Multikey",
        "controller": {"@id": SEC + "controller", "@type": "@id"},
        "publicKeyMultibase": SEC + "publicKeyMultibase",
    },
    "https://www.w3.org/ns/did/v1": {
        "id": "@id",
        "type": "@type",
        "assertionMethod": {"@id": SEC + "assertionMethod", "@type": "@id"},
        "authentication": {"@id": SEC + "authenticationMethod", "@type": "@id"},
        "verificationMethod": {"@id": SEC + "verificationMethod", "@type": "@id"},
    },
}


def install_offline_jsonld():
    """Replace the pyld document loader installed by bovine.jsonld."""
    from pyld import jsonld
    import bovine.jsonld as bjsonld

    def doc(url, context):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": context},
        }

    warned = set()

    def loader(url, options=None, **kwargs):
        if url == bjsonld.bovine_context_name:
            return doc(url, bjsonld.bovine_context)
        key = url.rstrip("#")
        if key in ("https://www.w3.org/ns/activitystreams",
                   "http://www.w3.org/ns/activitystreams"):
            return doc(url, bjsonld.activitystreams_context)
        if key in OFFLINE_CONTEXTS:
            return doc(url, OFFLINE_CONTEXTS[key])
        if url.endswith("litepub-0.1.jsonld"):
            return doc(url, bjsonld.litepub_context)
        if url not in warned:
            warned.add(url)
            log.info("JSON-LD context %s is not known offline; using an empty "
                     "context (never fetched)", url)
        return doc(url, [])

    jsonld.set_document_loader(loader)


# --------------------------------------------------------------------------
# loopback-only resolver for every aiohttp session the peer uses
# --------------------------------------------------------------------------


def make_resolver_class():
    from aiohttp.abc import AbstractResolver
    from aiohttp.resolver import ThreadedResolver

    class LoopbackResolver(AbstractResolver):
        """Static overrides first, then getaddrinfo (honours /etc/hosts).
        Refuses any answer that is not a loopback address unless allowed."""

        def __init__(self, overrides: dict[str, str], allow_non_loopback: bool):
            self.overrides = overrides
            self.allow = allow_non_loopback
            self.inner = ThreadedResolver()

        async def resolve(self, host, port=0, family=socket.AF_INET):
            if host in self.overrides:
                ip = self.overrides[host]
                fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
                results = [{"hostname": host, "host": ip, "port": port,
                            "family": fam, "proto": 0,
                            "flags": socket.AI_NUMERICHOST}]
            else:
                results = await self.inner.resolve(host, port, family)
            if not self.allow:
                for r in results:
                    if not ipaddress.ip_address(r["host"]).is_loopback:
                        raise OSError(
                            f"bovine-peer: refusing non-loopback address {r['host']} "
                            f"for {host} (use --resolve or /etc/hosts)")
            return results

        async def close(self):
            await self.inner.close()

    return LoopbackResolver


# --------------------------------------------------------------------------
# the peer
# --------------------------------------------------------------------------

REQUEST_LOG_HEADERS = {"host", "date", "digest", "content-digest", "content-type",
                       "accept", "signature", "signature-input", "authorization",
                       "user-agent"}
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def normalize(item):
    """bovine keeps activities compacted against its internal context
    "about:bovine" (the public collection is written "as:Public") and the
    proxy endpoint embeds the actor object. Give tests plain AS2 JSON:
    full Public IRI, actor as id, @context = ActivityStreams."""

    def fix(value):
        if isinstance(value, dict):
            out = {k: fix(v) for k, v in value.items() if k != "@context"}
            for key in ("to", "cc", "bto", "bcc", "audience"):
                if key in out:
                    seq = out[key] if isinstance(out[key], list) else [out[key]]
                    out[key] = [AS_PUBLIC if x in ("as:Public", "Public") else x
                                for x in seq]
            if isinstance(out.get("actor"), dict) and "id" in out["actor"]:
                out["actor"] = out["actor"]["id"]
            if isinstance(out.get("attributedTo"), dict) and "id" in out["attributedTo"]:
                out["attributedTo"] = out["attributedTo"]["id"]
            return out
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    if not isinstance(item, dict):
        return item
    return {"@context": "https://www.w3.org/ns/activitystreams", **fix(item)}


class Peer:
    def __init__(self, args):
        self.args = args
        # Plain-http ids: the admin store only prefixes "https://" when the
        # domain it is given has no scheme, and bovine-herd resolves every
        # endpoint from the request URL (scheme from the ASGI scope, i.e.
        # http under hypercorn without TLS, host from the Host header).
        self.base = f"http://{args.domain}"
        self.db_url = "sqlite://" + os.path.join(args.data_dir, "bovine.sqlite3")
        self.toml_path = os.path.join(args.data_dir, "peer.toml")
        # the peer always reaches itself at its own bind address
        own_host = args.domain.rsplit(":", 1)[0] if ":" in args.domain else args.domain
        self.overrides = {own_host: args.bind.rsplit(":", 1)[0]}
        for item in args.resolve:
            host, _, ip = item.partition("=")
            ipaddress.ip_address(ip)  # validate
            self.overrides[host] = ip
        self.client = None  # bovine.BovineClient (Moo-Auth-1)
        self.signer = None  # bovine.BovineActor (HTTP signatures, RSA key)
        self.actor_id = None
        self.ready = asyncio.Event()
        self.accepted: set[str] = set()
        self.error: str | None = None
        self.requests: list[dict] = []
        self.deliveries: list[dict] = []

    def new_session(self):
        import aiohttp

        resolver = make_resolver_class()(self.overrides, self.args.allow_non_loopback)
        connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
        return aiohttp.ClientSession(connector=connector)

    # ---- actor creation (bovine_store admin API) --------------------------

    async def create_actor(self):
        from tortoise import Tortoise
        from bovine.crypto import generate_ed25519_private_key, private_key_to_did_key
        from bovine_store import bovine_admin_store

        async with bovine_admin_store(self.db_url, domain=self.base) as store:
            await Tortoise.generate_schemas()
            bovine_name = await store.register(self.args.handle)
            secret = generate_ed25519_private_key()
            did_key = private_key_to_did_key(secret)
            await store.add_identity_string_to_actor(
                bovine_name, "control", did_key)
            store_actor = await store.actor_for_name(bovine_name)
            # RSA server key of the actor: used by /fetch to sign GETs exactly
            # like bovine-herd itself does when it fetches as this actor.
            self.rsa = {
                "actor_id": store_actor.actor_id,
                "public_key_url": store_actor.public_key_url,
                "secret": store_actor.secret,
            }
            await store_actor.session.close()
        with open(self.toml_path, "w") as fp:
            fp.write(f'domain = "{self.base}"\nsecret = "{secret}"\n')
        os.chmod(self.toml_path, 0o600)
        log.info("created actor %s (%s) with %s", self.rsa["actor_id"],
                 bovine_name, did_key)

    # ---- delivery log -------------------------------------------------------

    def install_delivery_log(self):
        """bovine-herd delivers outgoing activities in a background task and
        only logs failures (no retry). Record every recipient lookup and every
        POST to a remote inbox so tests can see what happened (GET /deliveries)."""
        import bovine_process.send_item as send_item

        original_lookup = send_item.get_inbox_for_recipient
        deliveries = self.deliveries

        def now():
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

        async def lookup(actor, recipient):
            inbox = await original_lookup(actor, recipient)
            deliveries.append({"time": now(), "kind": "resolve",
                               "recipient": recipient, "inbox": inbox})
            return inbox

        async def post(actor, inbox, data):
            entry = {"time": now(), "kind": "post", "inbox": inbox,
                     "activity": data.get("id"), "type": data.get("type"),
                     "status": None}
            try:
                # same signed POST bovine-herd makes (draft-cavage, rsa-sha256)
                response = await actor.client.post(inbox, json.dumps(data))
                entry["status"] = response.status
                entry["response"] = (await response.text())[:500]
            except Exception as ex:
                entry["error"] = repr(ex)
            log.info("delivery %s", json.dumps(entry))
            deliveries.append(entry)
            del deliveries[:-500]

        send_item.get_inbox_for_recipient = lookup
        send_item.send_to_inbox = post

    # ---- bovine-herd app ----------------------------------------------------

    def build_herd_app(self):
        from quart import Quart
        from bovine_herd import BovineHerd

        app = Quart("bovine_peer")

        @app.before_serving
        async def inject_session():
            # must run before BovineHerd's own startup hook, which only
            # creates a session if none is configured
            app.config["session"] = self.new_session()

        BovineHerd(app, db_url=self.db_url)

        @app.after_request
        async def record(response):
            # every POST (inbox/outbox deliveries) and every signed or
            # refused GET, so a test can see why bovine rejected something
            from quart import g, request

            if request.method == "POST" or response.status_code >= 400 or \
                    "signature" in request.headers:
                self.requests.append({
                    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "method": request.method,
                    "url": request.url,
                    "status": response.status_code,
                    "retriever": g.get("retriever"),
                    "headers": {k: v for k, v in request.headers.items()
                                if k.lower() in REQUEST_LOG_HEADERS},
                })
                del self.requests[:-500]
            return response

        return app

    # ---- control side -------------------------------------------------------

    async def init_clients(self):
        import bovine

        self.client_session = self.new_session()
        self.client = bovine.BovineClient.from_file(self.toml_path)
        last = None
        for _ in range(100):
            try:
                await self.client.init(session=self.client_session)
                break
            except Exception as ex:  # server may not be listening yet
                last = ex
                await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"BovineClient.init failed: {last!r}")
        self.actor_id = self.client.information["id"]
        self.signer = bovine.BovineActor(**self.rsa)
        await self.signer.init(session=self.client_session)
        self.ready.set()
        log.info("control client ready for %s", self.actor_id)

    async def collection_ids(self, url):
        """All item ids of an OrderedCollection served by bovine, oldest first."""
        coll = await self.client.get(url)
        items = list(coll.get("orderedItems", coll.get("items", [])) or [])
        if not items and coll.get("first"):
            page = await self.client.get(coll["first"])
            seen = 0
            while True:
                got = page.get("orderedItems", page.get("items", [])) or []
                if not got:
                    break
                items.extend(got)
                seen += 1
                if not page.get("next") or seen > 1000:
                    break
                page = await self.client.get(page["next"])
        ids = [x if isinstance(x, str) else x.get("id") for x in items]
        ids.reverse()  # bovine lists newest first
        return ids

    async def received(self):
        out = []
        for object_id in await self.collection_ids(self.client.information["inbox"]):
            try:
                out.append(await self.client.proxy(object_id))
            except Exception as ex:
                out.append({"id": object_id, "error": repr(ex)})
        return out

    async def send(self, activity):
        response = await self.client.send_to_outbox(activity)
        location = response.headers.get("location")
        return {"ok": response.status < 300, "status": response.status,
                "id": location}


def json_response(data, status=200):
    from aiohttp import web

    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, indent=1))


def build_control_app(peer: Peer):
    from aiohttp import web

    routes = web.RouteTableDef()

    async def body(request):
        if not request.can_read_body:
            return {}
        try:
            data = await request.json()
        except Exception:
            raise web.HTTPBadRequest(text='{"error": "body must be JSON"}',
                                     content_type="application/json")
        return data if isinstance(data, dict) else {}

    @web.middleware
    async def guard(request, handler):
        if request.path not in ("/health", "/log", "/requests", "/deliveries"):
            if peer.error:
                return json_response({"ok": False, "error": peer.error}, 503)
            if not peer.ready.is_set():
                return json_response({"ok": False, "error": "starting"}, 503)
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception as ex:
            log.exception("control request %s failed", request.path)
            return json_response({"ok": False, "error": repr(ex)}, 500)

    @routes.get("/health")
    async def health(request):
        if peer.error:
            return json_response({"ok": False, "error": peer.error}, 503)
        if not peer.ready.is_set():
            return json_response({"ok": False, "error": "starting"}, 503)
        return json_response({"ok": True, "actor": peer.actor_id,
                              "domain": peer.args.domain, "bind": peer.args.bind})

    @routes.get("/actor")
    async def actor(request):
        return json_response({"id": peer.actor_id, "actor": peer.actor_id,
                              "acct": f"acct:{peer.args.handle}@{peer.args.domain}",
                              "public_key_id": peer.rsa["public_key_url"],
                              "object": peer.client.information})

    @routes.post("/follow")
    async def follow(request):
        data = await body(request)
        target = data.get("actor")
        if not isinstance(target, str):
            return json_response({"ok": False, "error": "actor missing"}, 400)
        activity = peer.client.activity_factory.follow(target).build()
        return json_response(await peer.send(activity))

    @routes.post("/accept-follows")
    async def accept_follows(request):
        data = await body(request)
        embed = data.get("embed", True)
        results = []
        for item in await peer.received():
            if item.get("type") != "Follow" or item.get("id") in peer.accepted:
                continue
            obj = item.get("object")
            if isinstance(obj, dict):
                obj = obj.get("id")
            if obj != peer.actor_id:
                continue
            follow = {k: v for k, v in item.items() if k != "@context"}
            follow["@context"] = "https://www.w3.org/ns/activitystreams"
            if isinstance(follow.get("actor"), dict):
                follow["actor"] = follow["actor"].get("id")
            if isinstance(follow.get("object"), dict):
                follow["object"] = follow["object"].get("id")
            accept = peer.client.activity_factory.accept(
                follow, include_activity=bool(embed)).build()
            if embed:
                accept["object"].pop("@context", None)
            result = await peer.send(accept)
            result.update({"follow": item.get("id"), "follower": follow.get("actor")})
            if result["ok"]:
                peer.accepted.add(item.get("id"))
            results.append(result)
        return json_response({"ok": all(r["ok"] for r in results),
                              "accepted": results})

    @routes.post("/post")
    async def post(request):
        data = await body(request)
        content = data.get("content")
        if not isinstance(content, str):
            return json_response({"ok": False, "error": "content missing"}, 400)
        note = peer.client.object_factory.note(content=content).as_public()
        for key in ("to", "cc"):
            extra = data.get(key) or []
            getattr(note, key).update([extra] if isinstance(extra, str) else extra)
        create = peer.client.activity_factory.create(note.build()).build()
        result = await peer.send(create)
        if result["ok"] and result["id"]:
            try:
                stored = await peer.client.proxy(result["id"])
                obj = stored.get("object")
                result["object"] = obj.get("id") if isinstance(obj, dict) else obj
            except Exception as ex:
                result["object_error"] = repr(ex)
        return json_response(result)

    @routes.get("/received")
    async def received(request):
        items = await peer.received()
        if request.query.get("raw") not in ("1", "true"):
            items = [normalize(x) for x in items]
        return json_response(items)

    @routes.get("/deliveries")
    async def deliveries(request):
        return json_response(peer.deliveries)

    @routes.get("/requests")
    async def requests_log(request):
        return json_response(peer.requests)

    @routes.get("/log")
    async def log_tail(request):
        from aiohttp import web

        lines = int(request.query.get("lines", "200"))
        with open(os.path.join(peer.args.data_dir, "peer.log"),
                  errors="replace") as fp:
            text = "".join(fp.readlines()[-lines:])
        return web.Response(text=text, content_type="text/plain")

    async def collection(request, key):
        info = peer.client.information
        url = info.get(key)
        return json_response({"id": url, "items": await peer.collection_ids(url)})

    @routes.get("/followers")
    async def followers(request):
        return await collection(request, "followers")

    @routes.get("/following")
    async def following(request):
        return await collection(request, "following")

    @routes.get("/outbox")
    async def outbox(request):
        ids = await peer.collection_ids(peer.client.information["outbox"])
        return json_response([normalize(await peer.client.proxy(i)) for i in ids])

    @routes.post("/fetch")
    async def fetch(request):
        data = await body(request)
        url = data.get("url")
        if not isinstance(url, str):
            return json_response({"ok": False, "error": "url missing"}, 400)
        try:
            response = await peer.signer.client.get(url)
        except Exception as ex:
            return json_response({"ok": False, "status": None, "json": None,
                                  "error": repr(ex)})
        text = await response.text()
        try:
            parsed = json.loads(text)
        except Exception:
            parsed = None
        out = {"ok": 200 <= response.status < 300, "status": response.status,
               "json": parsed}
        if parsed is None:
            out["text"] = text[:2000]
        if "location" in response.headers:
            out["location"] = response.headers["location"]
        return json_response(out)

    app = web.Application(middlewares=[guard])
    app.add_routes(routes)
    return app


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


async def amain(args):
    from aiohttp import web
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    install_offline_jsonld()
    peer = Peer(args)
    peer.install_delivery_log()
    await peer.create_actor()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    control_host = args.control_host or args.bind.rsplit(":", 1)[0]
    runner = web.AppRunner(build_control_app(peer), access_log=log)
    await runner.setup()
    site = web.TCPSite(runner, control_host, args.control_port)
    await site.start()
    log.info("control API on http://%s:%d", control_host, args.control_port)

    config = Config()
    config.bind = [args.bind]
    config.accesslog = logging.getLogger("hypercorn.access")
    config.errorlog = logging.getLogger("hypercorn.error")
    herd = asyncio.create_task(
        serve(peer.build_herd_app(), config, shutdown_trigger=stop.wait))

    async def start_clients():
        try:
            await peer.init_clients()
            print("READY " + json.dumps({
                "actor": peer.actor_id, "bind": args.bind, "domain": args.domain,
                "control": f"http://{control_host}:{args.control_port}",
                "data_dir": args.data_dir}), flush=True)
        except Exception as ex:
            peer.error = repr(ex)
            log.exception("peer failed to start")
            print("FAILED " + peer.error, flush=True)

    clients = asyncio.create_task(start_clients())
    done, _ = await asyncio.wait({herd, asyncio.create_task(stop.wait())},
                                 return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    clients.cancel()
    await runner.cleanup()
    try:
        await asyncio.wait_for(herd, 5)
    except Exception:
        pass
    for s in (getattr(peer, "client_session", None),):
        if s is not None:
            await s.close()
    if herd in done and herd.exception():
        raise herd.exception()


def main(argv=None):
    args = parse_args(argv)
    created = args.data_dir is None
    if created:
        args.data_dir = tempfile.mkdtemp(prefix="bovine-peer-")
    os.makedirs(args.data_dir, exist_ok=True)
    args.data_dir = os.path.abspath(args.data_dir)

    logging.basicConfig(
        level=getattr(logging, args.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.StreamHandler(sys.stderr),
                  logging.FileHandler(os.path.join(args.data_dir, "peer.log"))])
    logging.Formatter.converter = time.gmtime

    # bovine.jsonld opens "bovine_jsonld_cache.sqlite" in the current
    # directory at import time: keep it inside the data dir.
    os.chdir(args.data_dir)
    try:
        asyncio.run(amain(args))
    finally:
        if created and not args.keep_data:
            os.chdir("/")
            shutil.rmtree(args.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
