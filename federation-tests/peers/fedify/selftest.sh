#!/usr/bin/env bash
# Self-test of the Fedify test peer without Buurt: two peers on loopback
# addresses talk to each other through their control APIs.
#
#   A = http://127.0.0.5:8300   B = http://127.0.0.6:8301
#
# A follows B, B receives the Follow, A receives the Accept, B posts a note,
# A receives Create(Note), A looks up B's actor and note (signed fetches).
# Exits non-zero on the first failure; always stops both peers.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

A_BIND=127.0.0.5 A_PORT=8300
B_BIND=127.0.0.6 B_PORT=8301
A="http://$A_BIND:$A_PORT"
B="http://$B_BIND:$B_PORT"
logdir="$(mktemp -d)"
pids=()

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    echo "--- peer A log ---" >&2; cat "$logdir/a.log" >&2 || true
    echo "--- peer B log ---" >&2; cat "$logdir/b.log" >&2 || true
  fi
  rm -rf "$logdir"
  exit "$status"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "ok $passed - $*"; }

command -v node >/dev/null || fail "node is not installed"
command -v curl >/dev/null || fail "curl is not installed"
[ -d node_modules/@fedify/fedify ] || fail "run 'npm ci' in $here first"

# json FILTER: evaluates a JavaScript expression on stdin's JSON (bound to `j`)
# and prints the result (strings raw, everything else as JSON).
json() {
  node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d));
    process.stdin.on("end", () => {
      const j = JSON.parse(s);
      const v = (0, eval)("(j) => (" + process.argv[1] + ")")(j);
      process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
    });' "$1"
}

get() { curl -sS --max-time 30 "$1"; }
post() { curl -sS --max-time 30 -H 'Content-Type: application/json' -d "$2" "$1"; }

# wait_for DESCRIPTION URL FILTER: polls URL until FILTER is true (10 s).
wait_for() {
  local desc="$1" url="$2" filter="$3" i
  for i in $(seq 1 50); do
    if [ "$(get "$url" 2>/dev/null | json "$filter" 2>/dev/null || true)" = "true" ]; then
      ok "$desc"
      return 0
    fi
    sleep 0.2
  done
  fail "$desc (last response: $(get "$url" 2>&1 || true))"
}

node peer.mjs --bind "$A_BIND" --port "$A_PORT" --origin "$A" >"$logdir/a.log" 2>&1 &
pids+=($!)
node peer.mjs --bind "$B_BIND" --port "$B_PORT" --origin "$B" >"$logdir/b.log" 2>&1 &
pids+=($!)

wait_for "peer A is up" "$A/control/health" 'j.ok === true'
wait_for "peer B is up" "$B/control/health" 'j.ok === true'

# 1. A follows B.
resp="$(post "$A/control/follow" "{\"actor\":\"$B/users/peer\"}")"
[ "$(echo "$resp" | json 'j.ok')" = "true" ] || fail "A follow B: $resp"
follow_id="$(echo "$resp" | json 'j.followId')"
ok "A sent Follow $follow_id"

# 2. B received the Follow and lists A as a follower.
wait_for "B received Follow from A" "$B/control/received" \
  "j.activities.some((a) => a.type === 'Follow' && a.id === '$follow_id' && a.actor === '$A/users/peer')"
wait_for "B lists A as follower" "$B/control/followers" \
  "j.followers.includes('$A/users/peer')"

# 3. A received the Accept (with the Follow embedded) and marks it accepted.
wait_for "A received Accept(Follow) from B" "$A/control/received" \
  "j.activities.some((a) => a.type === 'Accept' && a.actor === '$B/users/peer' && (a.object === '$follow_id' || a.object?.id === '$follow_id'))"
wait_for "A's follow of B is accepted" "$A/control/following" \
  "j.following.some((f) => f.actor === '$B/users/peer' && f.accepted === true)"

# 4. B posts; A receives Create(Note).
resp="$(post "$B/control/post" '{"content":"<p>Hello from B</p>"}')"
[ "$(echo "$resp" | json 'j.ok')" = "true" ] || fail "B post: $resp"
note_id="$(echo "$resp" | json 'j.id')"
ok "B posted $note_id"
wait_for "A received Create(Note) from B" "$A/control/received" \
  "j.activities.some((a) => a.type === 'Create' && a.actor === '$B/users/peer' && (a.object?.id ?? a.object) === '$note_id')"

# 5. A looks up B's actor and B's note.
resp="$(post "$A/control/lookup" "{\"url\":\"$B/users/peer\"}")"
[ "$(echo "$resp" | json "j.ok === true && j.type === 'Person' && j.id === '$B/users/peer' && j.json.preferredUsername === 'peer'")" = "true" ] \
  || fail "A lookup of B's actor: $resp"
ok "A looked up B's actor (Person)"
resp="$(post "$A/control/lookup" "{\"url\":\"$note_id\"}")"
[ "$(echo "$resp" | json "j.ok === true && j.type === 'Note' && j.id === '$note_id' && j.json.content === '<p>Hello from B</p>'")" = "true" ] \
  || fail "A lookup of B's note: $resp"
ok "A looked up B's note (Note)"

echo "selftest: $passed passed, 0 failed"
