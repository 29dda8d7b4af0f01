#!/usr/bin/env bash
# Self-test of the bovine test peer, without Buurt.
#
# Starts two peers on loopback only:
#   A  bovine.test:8400   on 127.0.0.7:8400, control 127.0.0.7:8401
#   B  bovine2.test:8400  on 127.0.0.8:8400, control 127.0.0.8:8401
# and checks: unsigned GET of the actor -> 401, signed GET (/fetch) -> 200,
# webfinger, then A follows B, B accepts, B posts, A receives the Create.
# Host names are mapped with --resolve (peer) and curl --resolve, so
# /etc/hosts is not touched. Exit status is non-zero if any check fails.
#
# Usage: selftest.sh [VENV_DIR]   (default .venv next to this script; it is
#        created with setup.sh when missing)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:-$here/.venv}"
A_IP="${A_IP:-127.0.0.7}"
B_IP="${B_IP:-127.0.0.8}"
PORT="${PORT:-8400}"
CPORT="${CPORT:-8401}"
A_HOST="bovine.test"
B_HOST="bovine2.test"
A_CTL="http://$A_IP:$CPORT"
B_CTL="http://$B_IP:$CPORT"

if [ ! -x "$venv/bin/python" ]; then
    echo "== creating venv $venv"
    bash "$here/setup.sh" "$venv" || { echo "setup.sh failed"; exit 2; }
fi
PY="$venv/bin/python"

work="$(mktemp -d /tmp/bovine-selftest-XXXXXX)"
pids=()
passed=0
failed=0

cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ "$failed" -ne 0 ] || [ "${KEEP_LOGS:-}" = 1 ]; then
        echo "== logs kept in $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

ok()   { passed=$((passed + 1)); echo "PASS $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # check "name" command...
    local name="$1"; shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}

# json FILE EXPR: evaluate a python expression on the JSON in FILE (as `d`)
json() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

port_free() {
    "$PY" -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((sys.argv[1], int(sys.argv[2])))' "$1" "$2" 2>/dev/null
}

for addr in "$A_IP:$PORT" "$A_IP:$CPORT" "$B_IP:$PORT" "$B_IP:$CPORT"; do
    if ! port_free "${addr%:*}" "${addr#*:}"; then
        echo "address $addr is already in use; stop whatever listens there"; exit 2
    fi
done

echo "== starting peers (logs in $work)"
"$PY" "$here/peer.py" --bind "$A_IP:$PORT" --domain "$A_HOST:$PORT" \
    --control-port "$CPORT" --resolve "$B_HOST=$B_IP" \
    >"$work/a.out" 2>"$work/a.err" &
pids+=($!)
"$PY" "$here/peer.py" --bind "$B_IP:$PORT" --domain "$B_HOST:$PORT" \
    --control-port "$CPORT" --resolve "$A_HOST=$A_IP" \
    >"$work/b.out" 2>"$work/b.err" &
pids+=($!)

wait_health() { # wait_health CONTROL_URL PID DOMAIN
    for _ in $(seq 150); do
        kill -0 "$2" 2>/dev/null || return 1   # the peer exited
        if curl -sf "$1/health" >"$work/health.json" 2>/dev/null; then
            [ "$(json "$work/health.json" 'd["domain"]')" = "$3" ]
            return
        fi
        sleep 0.2
    done
    return 1
}
check "peer A up" wait_health "$A_CTL" "${pids[0]}" "$A_HOST:$PORT"
check "peer B up" wait_health "$B_CTL" "${pids[1]}" "$B_HOST:$PORT"
if [ "$failed" -ne 0 ]; then
    tail -n 30 "$work/a.err" "$work/b.err"
    echo "$passed passed, $failed failed"; exit 1
fi

curl -sf "$A_CTL/actor" >"$work/a-actor.json"
curl -sf "$B_CTL/actor" >"$work/b-actor.json"
A_ACTOR="$(json "$work/a-actor.json" 'd["id"]')"
B_ACTOR="$(json "$work/b-actor.json" 'd["id"]')"
echo "A = $A_ACTOR"
echo "B = $B_ACTOR"

# --- HTTP surface of A -----------------------------------------------------
res_a=(--resolve "$A_HOST:$PORT:$A_IP")
code="$(curl -s -o "$work/unsigned.json" -w '%{http_code}' "${res_a[@]}" \
    -H 'Accept: application/activity+json' "$A_ACTOR")"
check "unsigned GET of A's actor is refused (got $code, want 401)" [ "$code" = 401 ]

curl -s -o "$work/wf.json" "${res_a[@]}" \
    "http://$A_HOST:$PORT/.well-known/webfinger?resource=acct:peer@$A_HOST:$PORT"
check "webfinger acct:peer@$A_HOST:$PORT -> A's actor" \
    [ "$(json "$work/wf.json" '[l["href"] for l in d["links"] if l["rel"]=="self"][0]')" = "$A_ACTOR" ]

curl -s -X POST "$A_CTL/fetch" -d "{\"url\": \"$A_ACTOR\"}" >"$work/fetch-self.json"
check "signed GET of A's actor by A (/fetch) -> 200 with its id" \
    [ "$(json "$work/fetch-self.json" 'd["status"] == 200 and d["json"]["id"]')" = "$A_ACTOR" ]

curl -s -X POST "$B_CTL/fetch" -d "{\"url\": \"$A_ACTOR\"}" >"$work/fetch-b-a.json"
check "signed GET of A's actor by B (/fetch) -> 200 with publicKey" \
    [ "$(json "$work/fetch-b-a.json" 'd["status"] == 200 and d["json"]["publicKey"]["owner"]')" = "$A_ACTOR" ]

# --- federation A <-> B -----------------------------------------------------
poll() { # poll SECONDS command...: retry until the command succeeds
    local secs="$1"; shift
    for _ in $(seq $((secs * 5))); do
        "$@" && return 0
        sleep 0.2
    done
    return 1
}

curl -s -X POST "$A_CTL/follow" -d "{\"actor\": \"$B_ACTOR\"}" >"$work/follow.json"
check "A sends Follow(B) through its outbox" [ "$(json "$work/follow.json" 'd["ok"]')" = True ]

b_got_follow() {
    curl -s "$B_CTL/received" >"$work/b-received.json" &&
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1]));
sys.exit(0 if any(x.get("type")=="Follow" and x.get("actor")==sys.argv[2] for x in d) else 1)' \
        "$work/b-received.json" "$A_ACTOR"
}
check "B receives the Follow (signed POST A -> B accepted)" poll 20 b_got_follow

curl -s -X POST "$B_CTL/accept-follows" -d '{}' >"$work/accept.json"
check "B sends Accept for it" \
    [ "$(json "$work/accept.json" 'd["ok"] and len(d["accepted"]) == 1')" = True ]

a_follows_b() {
    curl -s "$A_CTL/following" >"$work/a-following.json" &&
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if sys.argv[2] in d["items"] else 1)' \
        "$work/a-following.json" "$B_ACTOR"
}
check "A processes the Accept: B is in A's following" poll 20 a_follows_b

b_has_follower() {
    curl -s "$B_CTL/followers" >"$work/b-followers.json" &&
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if sys.argv[2] in d["items"] else 1)' \
        "$work/b-followers.json" "$A_ACTOR"
}
check "A is in B's followers" poll 10 b_has_follower

curl -s -X POST "$B_CTL/post" -d '{"content": "<p>selftest hello</p>"}' >"$work/post.json"
check "B posts a public Note (Create)" [ "$(json "$work/post.json" 'd["ok"]')" = True ]
NOTE_ID="$(json "$work/post.json" 'd.get("object")')"

a_got_note() {
    curl -s "$A_CTL/received" >"$work/a-received.json" &&
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1]));
sys.exit(0 if any(x.get("type")=="Create" and isinstance(x.get("object"), dict)
    and x["object"].get("content")=="<p>selftest hello</p>"
    and "https://www.w3.org/ns/activitystreams#Public" in x["object"].get("to", [])
    for x in d) else 1)' "$work/a-received.json"
}
check "A receives B's Create(Note) via follower delivery" poll 20 a_got_note

curl -s -X POST "$A_CTL/fetch" -d "{\"url\": \"$NOTE_ID\"}" >"$work/fetch-note.json"
check "A fetches B's Note with a signed GET -> 200" \
    [ "$(json "$work/fetch-note.json" 'd["status"] == 200 and d["json"]["content"]')" = "<p>selftest hello</p>" ]

code="$(curl -s -o /dev/null -w '%{http_code}' --resolve "$B_HOST:$PORT:$B_IP" \
    -H 'Accept: application/activity+json' "$NOTE_ID")"
check "unsigned GET of B's Note is refused (got $code, want 401)" [ "$code" = 401 ]

curl -s "$B_CTL/deliveries" >"$work/b-deliveries.json"
check "B's delivery log shows 202 from A's inbox" \
    [ "$(json "$work/b-deliveries.json" 'all(x["status"]==202 for x in d if x["kind"]=="post") and any(x["kind"]=="post" for x in d)')" = True ]

if [ "$failed" -ne 0 ]; then
    echo "== tail of peer logs"
    tail -n 40 "$work/a.err" "$work/b.err"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
