// Buurt federation test peer built on Fedify (https://fedify.dev/).
//
// One ActivityPub actor ("peer", a Person) served over plain HTTP, plus a
// JSON control API under /control used by the Rust federation tests to make
// the peer follow, post, look things up, and to read what it received.
//
// Everything lives in memory and is lost when the process exits.
//
//   node peer.mjs --bind 127.0.0.5 --port 8300 --origin http://fedify.test:8300
//
// See README.md in this folder for the control API.

import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import process from "node:process";
import { Temporal } from "@js-temporal/polyfill";
import {
  configure,
  getTextFormatter,
} from "@logtape/logtape";
import {
  createExponentialBackoffPolicy,
  createFederation,
  generateCryptoKeyPair,
  InProcessMessageQueue,
  MemoryKvStore,
} from "@fedify/fedify";
import * as vocab from "@fedify/vocab";

// Node 20 compatibility: Fedify 2.3 declares Node >= 22 and its JWK import
// (used when the outgoing queue re-imports the signing keys) reads the global
// `navigator`, which Node only has since version 21.  A plain object is enough.
if (typeof globalThis.navigator === "undefined") {
  globalThis.navigator = { userAgent: `Node.js/${process.versions.node}` };
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    bind: process.env.PEER_BIND ?? "127.0.0.1",
    port: process.env.PEER_PORT ?? "8300",
    origin: process.env.PEER_ORIGIN ?? null,
    firstKnock: process.env.PEER_FIRST_KNOCK ?? "rfc9421",
    authorizedFetch: ["1", "true", "yes"].includes(
      (process.env.PEER_AUTHORIZED_FETCH ?? "").toLowerCase(),
    ),
    logLevel: process.env.PEER_LOG_LEVEL ?? "warning",
  };
  const takesValue = {
    "--bind": "bind",
    "--port": "port",
    "--origin": "origin",
    "--first-knock": "firstKnock",
    "--log-level": "logLevel",
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === "--authorized-fetch") {
      opts.authorizedFetch = true;
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(
        "usage: node peer.mjs [--bind ADDR] [--port PORT] [--origin URL]\n" +
          "                    [--first-knock rfc9421|draft-cavage-http-signatures-12]\n" +
          "                    [--authorized-fetch] [--log-level LEVEL]\n" +
          "env: PEER_BIND PEER_PORT PEER_ORIGIN PEER_FIRST_KNOCK\n" +
          "     PEER_AUTHORIZED_FETCH=1 PEER_LOG_LEVEL\n",
      );
      process.exit(0);
    } else if (arg in takesValue) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) fail(`missing value for ${arg}`);
      }
      opts[takesValue[arg]] = value;
    } else {
      fail(`unknown argument: ${argv[i]}`);
    }
  }
  const port = Number.parseInt(String(opts.port), 10);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`invalid port: ${opts.port}`);
  }
  opts.port = port;
  if (opts.origin == null) opts.origin = `http://${opts.bind}:${port}`;
  let originUrl;
  try {
    originUrl = new URL(opts.origin);
  } catch {
    fail(`invalid origin: ${opts.origin}`);
  }
  if (originUrl.pathname !== "/" || originUrl.search || originUrl.hash) {
    fail(`origin must be scheme://host[:port] only: ${opts.origin}`);
  }
  opts.origin = originUrl.origin;
  if (!["rfc9421", "draft-cavage-http-signatures-12"].includes(opts.firstKnock)) {
    fail(`invalid --first-knock: ${opts.firstKnock}`);
  }
  const levels = ["trace", "debug", "info", "warning", "error", "fatal"];
  if (!levels.includes(opts.logLevel)) fail(`invalid log level: ${opts.logLevel}`);
  return opts;
}

function fail(message) {
  process.stderr.write(`peer: ${message}\n`);
  process.exit(2);
}

const config = parseArgs(process.argv.slice(2));
const ACTOR = "peer"; // the only actor identifier / preferredUsername

function log(message) {
  process.stderr.write(`[peer ${config.origin}] ${message}\n`);
}

// Fedify logs through LogTape; route its records to stderr.  Default level
// "warning" keeps the output short but shows delivery and signature failures.
const fedifyFormatter = getTextFormatter({ timestamp: "time" });
await configure({
  sinks: {
    stderr: (record) => process.stderr.write(fedifyFormatter(record)),
  },
  contextLocalStorage: new AsyncLocalStorage(),
  loggers: [
    { category: ["fedify"], sinks: ["stderr"], lowestLevel: config.logLevel },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
  ],
});

// ---------------------------------------------------------------------------
// In-memory state
// ---------------------------------------------------------------------------

/** Compact JSON-LD of every activity that reached an inbox, in order. */
const received = [];
/** Follower actor id (href) -> { id, inboxId, sharedInbox, followId } */
const followers = new Map();
/** Followed actor id (href) -> { actor, followId, accepted, rejected, follow, recipient } */
const following = new Map();
/** Objects this peer created, keyed "<Type>:<uuid>", served by dispatchers. */
const localObjects = new Map();
/** Create activities for the outbox, newest last. */
const outbox = [];
/** Delivery failures reported by the outgoing queue. */
const deliveryErrors = [];

// Key pairs are generated at start and never persisted.  RSA is used for
// HTTP Signatures (both RFC 9421 and draft-cavage) and Linked Data
// Signatures; Ed25519 for Object Integrity Proofs (FEP-8b32).
const rsaKeyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
const ed25519KeyPair = await generateCryptoKeyPair("Ed25519");

// ---------------------------------------------------------------------------
// Federation
// ---------------------------------------------------------------------------

// Outgoing deliveries go through Fedify's in-process queue (started lazily by
// Fedify, delivered as soon as they are enqueued, retried a few times with a
// short backoff).  Incoming activities are NOT queued: the inbox listener runs
// before the inbox answers 202, so /control/received is up to date as soon as
// the sender's POST returned.  Control API calls deliver "immediately"
// (bypassing the queue) unless the request body says {"queued": true}, so that
// their response can report a delivery failure.
const outboxQueue = new InProcessMessageQueue({ pollInterval: { seconds: 1 } });

const federation = createFederation({
  kv: new MemoryKvStore(),
  queue: { outbox: outboxQueue },
  origin: config.origin,
  allowPrivateAddress: true, // needed for loopback test hosts; never in production
  firstKnock: config.firstKnock,
  circuitBreaker: false,
  outboxRetryPolicy: createExponentialBackoffPolicy({
    initialDelay: { seconds: 1 },
    maxDelay: { seconds: 10 },
    maxAttempts: 5,
    jitter: false,
  }),
  onOutboxError: (error, activity) => {
    const entry = {
      at: new Date().toISOString(),
      activityId: activity?.id?.href ?? null,
      type: activity == null ? null : typeName(activity),
      error: String(error?.message ?? error),
    };
    deliveryErrors.push(entry);
    log(`delivery failed: ${entry.type} ${entry.activityId}: ${firstLine(entry.error)}`);
  },
});

const authorizeSigned = async (ctx) => {
  if (!config.authorizedFetch) return true;
  return (await ctx.getSignedKey()) != null;
};

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== ACTOR) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new vocab.Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: ACTOR,
      name: "Fedify test peer",
      summary: "<p>Independent ActivityPub test peer (Fedify) for Buurt federation tests.</p>",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      endpoints: new vocab.Endpoints({ sharedInbox: ctx.getInboxUri() }),
      manuallyApprovesFollowers: false,
      discoverable: true,
      // The RSA key as the Mastodon-style publicKey; every key as a FEP-521a
      // Multikey in assertionMethod.
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .mapHandle((_ctx, username) => (username === ACTOR ? ACTOR : null))
  .setKeyPairsDispatcher((_ctx, identifier) =>
    identifier === ACTOR ? [rsaKeyPair, ed25519KeyPair] : []
  );

federation
  .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
    if (identifier !== ACTOR) return null;
    // Items are Recipient objects so that sendActivity(..., "followers", ...)
    // knows each follower's inbox; Fedify serialises them as actor ids.
    const items = [...followers.values()].map((f) => ({
      id: new URL(f.id),
      inboxId: f.inboxId == null ? null : new URL(f.inboxId),
      endpoints: f.sharedInbox == null ? null : { sharedInbox: new URL(f.sharedInbox) },
    }));
    return { items };
  })
  .setCounter((_ctx, identifier) => (identifier === ACTOR ? followers.size : null))
  .authorize(authorizeSigned);

federation
  .setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
    if (identifier !== ACTOR) return null;
    const items = [...following.values()]
      .filter((f) => f.accepted)
      .map((f) => new URL(f.actor));
    return { items };
  })
  .setCounter((_ctx, identifier) =>
    identifier === ACTOR ? [...following.values()].filter((f) => f.accepted).length : null
  )
  .authorize(authorizeSigned);

federation
  .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
    if (identifier !== ACTOR) return null;
    return { items: [...outbox].reverse() };
  })
  .setCounter((_ctx, identifier) => (identifier === ACTOR ? outbox.length : null))
  .authorize(authorizeSigned);

// Objects and activities created by this peer are dereferenceable at their ids.
function serveLocal(cls, path) {
  federation
    .setObjectDispatcher(cls, path, (_ctx, values) =>
      localObjects.get(`${cls.name}:${values.id}`) ?? null
    )
    .authorize(authorizeSigned);
}
serveLocal(vocab.Note, "/notes/{id}");
serveLocal(vocab.Create, "/notes/{id}/activity");
serveLocal(vocab.Follow, "/follows/{id}");
serveLocal(vocab.Undo, "/undos/{id}");
serveLocal(vocab.Accept, "/accepts/{id}");
serveLocal(vocab.Flag, "/flags/{id}");

federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
  software: { name: "buurt-fedify-peer", version: "0.1.0" },
  protocols: ["activitypub"],
  openRegistrations: false,
  usage: {
    users: { total: 1, activeMonth: 1, activeHalfyear: 1 },
    localPosts: outbox.length,
    localComments: 0,
  },
}));

function newLocalUri(ctx, cls) {
  const id = randomUUID();
  return { id, uri: ctx.getObjectUri(cls, { id }) };
}

function storeLocal(cls, id, object) {
  localObjects.set(`${cls.name}:${id}`, object);
}

async function record(ctx, activity) {
  let json;
  try {
    json = await activity.toJsonLd({ contextLoader: ctx.contextLoader });
  } catch (error) {
    json = { id: activity.id?.href ?? null, type: typeName(activity), error: String(error) };
  }
  received.push(json);
  const objectId = activity.objectIds?.[0]?.href;
  log(
    `received ${typeName(activity)} ${activity.id?.href ?? "(no id)"} from ${
      activity.actorId?.href ?? "?"
    }${objectId ? ` object=${objectId}` : ""}`,
  );
}

const inbox = federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");
// Fetches made while handling the shared inbox (actor documents, keys) are
// signed with the peer's key as well, like the personal inbox does.
inbox.setSharedKeyDispatcher(() => ({ identifier: ACTOR }));

inbox
  .on(vocab.Follow, async (ctx, follow) => {
    await record(ctx, follow);
    const me = ctx.getActorUri(ACTOR);
    if (follow.id == null || follow.actorId == null) return;
    if (follow.objectId?.href !== me.href) return; // not about us
    const follower = await follow.getActor(ctx);
    if (follower == null || !vocab.isActor(follower) || follower.id == null) {
      log(`cannot resolve follower ${follow.actorId.href}; not accepting`);
      return;
    }
    if (follower.id.href !== follow.actorId.href) {
      log(`follower id mismatch (${follower.id.href} != ${follow.actorId.href})`);
      return;
    }
    followers.set(follower.id.href, {
      id: follower.id.href,
      inboxId: follower.inboxId?.href ?? null,
      sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
      followId: follow.id.href,
    });
    const { id, uri } = newLocalUri(ctx, vocab.Accept);
    const accept = new vocab.Accept({
      id: uri,
      actor: me,
      object: follow,
      to: follower.id,
    });
    storeLocal(vocab.Accept, id, accept);
    await ctx.sendActivity({ identifier: ACTOR }, follower, accept);
    log(`follower ${follower.id.href} added; Accept ${uri.href} queued`);
  })
  .on(vocab.Undo, async (ctx, undo) => {
    await record(ctx, undo);
    const actorId = undo.actorId?.href;
    if (actorId == null) return;
    const entry = followers.get(actorId);
    if (entry == null) return;
    // Match by the Follow's id first (no network needed); fall back to the
    // embedded/fetched object being a Follow of us by the same actor.
    let undoesFollow = undo.objectIds.some((u) => u.href === entry.followId);
    if (!undoesFollow) {
      const object = await undo.getObject({ ...ctxLoaders(ctx), suppressError: true });
      undoesFollow = object instanceof vocab.Follow &&
        object.actorId?.href === actorId &&
        object.objectId?.href === ctx.getActorUri(ACTOR).href;
    }
    if (undoesFollow) {
      followers.delete(actorId);
      log(`follower ${actorId} removed`);
    }
  })
  .on(vocab.Accept, async (ctx, accept) => {
    await record(ctx, accept);
    const entry = matchOutgoingFollow(accept);
    if (entry != null) {
      entry.accepted = true;
      entry.rejected = false;
      log(`follow of ${entry.actor} accepted`);
    }
  })
  .on(vocab.Reject, async (ctx, reject) => {
    await record(ctx, reject);
    const entry = matchOutgoingFollow(reject);
    if (entry != null) {
      entry.accepted = false;
      entry.rejected = true;
      log(`follow of ${entry.actor} rejected`);
    }
  })
  .on(vocab.Create, record)
  .on(vocab.Update, record)
  .on(vocab.Delete, record)
  .on(vocab.Like, record)
  .on(vocab.Announce, record)
  // Anything else (Block, Add, Remove, Move, Flag, EmojiReact, ...).
  .on(vocab.Activity, record)
  .onError((_ctx, error) => {
    log(`inbox listener error: ${firstLine(String(error?.stack ?? error))}`);
  });

function ctxLoaders(ctx) {
  return { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
}

// Accept/Reject of one of our Follows: match on the object id (the embedded
// Follow's id or a bare reference); only the followed actor may answer.
function matchOutgoingFollow(activity) {
  const actorId = activity.actorId?.href;
  const ids = new Set(activity.objectIds.map((u) => u.href));
  for (const entry of following.values()) {
    if (ids.has(entry.followId) && entry.actor === actorId) return entry;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function typeName(object) {
  const id = vocab.getTypeId(object).href;
  const hash = id.lastIndexOf("#");
  return hash >= 0 ? id.slice(hash + 1) : id;
}

function firstLine(text) {
  const s = String(text);
  const nl = s.indexOf("\n");
  return nl < 0 ? s : s.slice(0, nl);
}

function errorMessage(error) {
  if (error == null) return "unknown error";
  const parts = [error.message ?? String(error)];
  if (error.cause != null) parts.push(`cause: ${error.cause.message ?? error.cause}`);
  return parts.join("; ");
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function controlContext() {
  return federation.createContext(new URL(config.origin), undefined);
}

/** Looks up a URL with a document loader that signs requests as the peer. */
async function signedLookup(ctx, url) {
  const signedLoader = await ctx.getDocumentLoader({ identifier: ACTOR });
  // lookupObject() swallows fetch errors and returns null; remember the first
  // one so the caller gets a useful message without fetching again.
  let fetchError = null;
  const documentLoader = async (u, options) => {
    try {
      return await signedLoader(u, options);
    } catch (error) {
      fetchError ??= error;
      throw error;
    }
  };
  try {
    const object = await ctx.lookupObject(url, { documentLoader, crossOrigin: "throw" });
    if (object != null) return { object };
  } catch (error) {
    return { error: errorMessage(error) };
  }
  if (fetchError != null) return { error: errorMessage(fetchError) };
  return { error: "not found, or not parseable as an ActivityStreams object (see peer log)" };
}

function requireString(body, field) {
  const value = body?.[field];
  if (typeof value !== "string" || value === "") {
    throw new HttpError(400, `"${field}" (string) is required`);
  }
  return value;
}

function requireUrl(body, field) {
  const value = requireString(body, field);
  try {
    return new URL(value).href;
  } catch {
    throw new HttpError(400, `"${field}" must be an absolute URL`);
  }
}

function sendOptions(body) {
  return { immediate: body?.queued !== true };
}

// ---------------------------------------------------------------------------
// Control API
// ---------------------------------------------------------------------------

const control = {
  "GET /control/health": () => ({
    ok: true,
    actor: controlContext().getActorUri(ACTOR).href,
  }),

  "POST /control/follow": async (body) => {
    const target = requireUrl(body, "actor");
    const ctx = controlContext();
    const { object: actor, error } = await signedLookup(ctx, target);
    if (actor == null) throw new HttpError(502, `lookup of ${target} failed: ${error}`);
    if (!vocab.isActor(actor) || actor.id == null) {
      throw new HttpError(422, `${target} is a ${typeName(actor)}, not an actor`);
    }
    if (actor.inboxId == null) throw new HttpError(422, `${actor.id.href} has no inbox`);
    const { id, uri } = newLocalUri(ctx, vocab.Follow);
    const follow = new vocab.Follow({
      id: uri,
      actor: ctx.getActorUri(ACTOR),
      object: actor.id,
      to: actor.id,
    });
    storeLocal(vocab.Follow, id, follow);
    following.set(actor.id.href, {
      actor: actor.id.href,
      followId: uri.href,
      accepted: false,
      rejected: false,
      follow,
      recipient: actor,
    });
    await ctx.sendActivity({ identifier: ACTOR }, actor, follow, sendOptions(body));
    log(`sent Follow ${uri.href} to ${actor.id.href}`);
    return { ok: true, followId: uri.href, actor: actor.id.href };
  },

  // A report (Flag) of an actor and its posts, sent to the actor's inbox as Mastodon does:
  // body {actor, objects: [post URLs], content}.
  "POST /control/flag": async (body) => {
    const target = requireUrl(body, "actor");
    const content = requireString(body, "content");
    const posts = Array.isArray(body.objects) ? body.objects.map((o) => new URL(o)) : [];
    const ctx = controlContext();
    const { object: actor, error } = await signedLookup(ctx, target);
    if (actor == null) throw new HttpError(502, `lookup of ${target} failed: ${error}`);
    if (!vocab.isActor(actor) || actor.id == null) {
      throw new HttpError(422, `${target} is a ${typeName(actor)}, not an actor`);
    }
    const { id, uri } = newLocalUri(ctx, vocab.Flag);
    const flag = new vocab.Flag({
      id: uri,
      actor: ctx.getActorUri(ACTOR),
      objects: [actor.id, ...posts],
      content,
    });
    storeLocal(vocab.Flag, id, flag);
    await ctx.sendActivity({ identifier: ACTOR }, actor, flag, sendOptions(body));
    log(`sent Flag ${uri.href} to ${actor.id.href}`);
    return { ok: true, flagId: uri.href };
  },

  "POST /control/unfollow": async (body) => {
    const target = requireUrl(body, "actor");
    const ctx = controlContext();
    const entry = following.get(target);
    if (entry == null) throw new HttpError(404, `not following ${target}`);
    const { id, uri } = newLocalUri(ctx, vocab.Undo);
    const undo = new vocab.Undo({
      id: uri,
      actor: ctx.getActorUri(ACTOR),
      object: entry.follow,
      to: new URL(entry.actor),
    });
    storeLocal(vocab.Undo, id, undo);
    following.delete(target);
    await ctx.sendActivity({ identifier: ACTOR }, entry.recipient, undo, sendOptions(body));
    log(`sent Undo(Follow) ${uri.href} to ${entry.actor}`);
    return { ok: true, undoId: uri.href };
  },

  "POST /control/post": async (body) => {
    const content = requireString(body, "content");
    const inReplyTo = body.inReplyTo == null ? null : requireUrl(body, "inReplyTo");
    // An actor to mention: a Mention tag, in cc, and the Create sent to its inbox too.
    const mentionUrl = body.mention == null ? null : requireUrl(body, "mention");
    const ctx = controlContext();
    const me = ctx.getActorUri(ACTOR);
    const followersUri = ctx.getFollowersUri(ACTOR);
    let mentioned = null;
    if (mentionUrl != null) {
      const { object, error } = await signedLookup(ctx, mentionUrl);
      if (object == null || !vocab.isActor(object) || object.id == null) {
        throw new HttpError(502, `lookup of ${mentionUrl} failed: ${error ?? typeName(object)}`);
      }
      mentioned = object;
    }
    const ccs = mentioned == null ? [followersUri] : [followersUri, mentioned.id];
    const tags = mentioned == null
      ? []
      : [new vocab.Mention({ href: mentioned.id, name: `@${mentioned.preferredUsername ?? "someone"}` })];
    const id = randomUUID();
    const noteUri = ctx.getObjectUri(vocab.Note, { id });
    const createUri = ctx.getObjectUri(vocab.Create, { id });
    const published = Temporal.Now.instant().round({ smallestUnit: "second" });
    const note = new vocab.Note({
      id: noteUri,
      attribution: me,
      content,
      mediaType: "text/html",
      to: vocab.PUBLIC_COLLECTION,
      ccs,
      tags,
      published,
      url: noteUri,
      replyTarget: inReplyTo == null ? null : new URL(inReplyTo),
    });
    const create = new vocab.Create({
      id: createUri,
      actor: me,
      object: note,
      to: vocab.PUBLIC_COLLECTION,
      ccs,
      published,
    });
    storeLocal(vocab.Note, id, note);
    storeLocal(vocab.Create, id, create);
    outbox.push(create);
    await ctx.sendActivity({ identifier: ACTOR }, "followers", create, {
      ...sendOptions(body),
      orderingKey: noteUri.href,
    });
    if (mentioned != null && ![...followers.keys()].includes(mentioned.id.href)) {
      await ctx.sendActivity({ identifier: ACTOR }, mentioned, create, sendOptions(body));
    }
    log(`sent Create(Note) ${noteUri.href} to ${followers.size} follower(s)`);
    return { ok: true, id: noteUri.href, activityId: createUri.href, followers: followers.size };
  },

  "GET /control/received": (_body, url) => {
    const type = url.searchParams.get("type");
    const activities = type == null ? received : received.filter((a) => a.type === type);
    return { activities };
  },

  "DELETE /control/received": () => {
    received.length = 0;
    return { ok: true };
  },

  "GET /control/followers": () => ({ followers: [...followers.keys()] }),

  "GET /control/following": () => ({
    following: [...following.values()].map((f) => ({
      actor: f.actor,
      followId: f.followId,
      accepted: f.accepted,
      rejected: f.rejected,
    })),
  }),

  "GET /control/errors": () => ({ errors: deliveryErrors }),

  "POST /control/lookup": async (body) => {
    const url = requireString(body, "url");
    const ctx = controlContext();
    const { object, error } = await signedLookup(ctx, url);
    if (object == null) return { ok: false, error };
    return {
      ok: true,
      type: typeName(object),
      id: object.id?.href ?? null,
      json: await object.toJsonLd({ contextLoader: ctx.contextLoader }),
    };
  },
};

async function handleControl(req, url, rawBody) {
  const handler = control[`${req.method} ${url.pathname.replace(/\/+$/, "")}`];
  if (handler == null) return [404, { ok: false, error: `no such control endpoint: ${req.method} ${url.pathname}` }];
  let body = {};
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody.toString("utf8"));
    } catch {
      return [400, { ok: false, error: "request body is not valid JSON" }];
    }
    if (body == null || typeof body !== "object" || Array.isArray(body)) {
      return [400, { ok: false, error: "request body must be a JSON object" }];
    }
  }
  try {
    return [200, await handler(body, url)];
  } catch (error) {
    if (error instanceof HttpError) return [error.status, { ok: false, error: error.message }];
    log(`control ${req.method} ${url.pathname} failed: ${firstLine(errorMessage(error))}`);
    return [502, { ok: false, error: errorMessage(error) }];
  }
}

// ---------------------------------------------------------------------------
// HTTP server: /control/* here, everything else through federation.fetch()
// ---------------------------------------------------------------------------

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function toFetchRequest(req, url, body) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value != null) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
}

async function writeFetchResponse(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers);
  res.end(body);
}

const server = http.createServer(async (req, res) => {
  try {
    // Rebuild the URL the client used (signatures cover it); fall back to the
    // configured origin when there is no Host header.
    const base = req.headers.host ? `http://${req.headers.host}` : config.origin;
    const url = new URL(req.url ?? "/", base);
    const body = await readBody(req);
    if (url.pathname === "/control" || url.pathname.startsWith("/control/")) {
      const [status, payload] = await handleControl(req, url, body);
      const text = JSON.stringify(payload);
      res.writeHead(status, {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    const response = await federation.fetch(toFetchRequest(req, url, body), {
      contextData: undefined,
    });
    if (req.method !== "GET" || response.status >= 400) {
      log(`${req.method} ${url.pathname} -> ${response.status}`);
    }
    await writeFetchResponse(res, response);
  } catch (error) {
    log(`request ${req.method} ${req.url} failed: ${firstLine(errorMessage(error))}`);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("internal error\n");
  }
});

server.on("error", (error) => {
  log(`server error: ${error.message}`);
  process.exit(1);
});

server.listen(config.port, config.bind, () => {
  log(
    `listening on http://${config.bind}:${config.port}; actor ${config.origin}/users/${ACTOR}` +
      ` (first knock ${config.firstKnock}${config.authorizedFetch ? ", authorized fetch" : ""})`,
  );
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    log(`${signal}; exiting`);
    server.close();
    process.exit(0);
  });
}
