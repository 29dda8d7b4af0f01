#!/usr/bin/env bash
# Server time of the home page: a release build on SQLite (or PostgreSQL with --postgres),
# seeded with 50 posts and 5 groups, loaded by wrk with 16 connections for 10 seconds.
# Needs wrk (apt-get install wrk). Results go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=sqlite
[ "${1:-}" = "--postgres" ] && backend=postgres
cargo build --release --locked --quiet
work=$(mktemp -d)
port=18080
export BUURT_SERVER__BIND=127.0.0.1:$port BUURT_INSTANCE__DOMAIN=127.0.0.1:$port
export BUURT_INSTANCE__REGISTRATION=closed BUURT_LOG__LEVEL=warn
if [ "$backend" = postgres ]; then
  db=buurt_bench_$$
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres
  export BUURT_DATABASE__URL=postgres://postgres@127.0.0.1:5432/$db
else
  export BUURT_DATABASE__URL=sqlite://$work/buurt.sqlite
fi
bin=$PWD/target/release/buurt
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  [ "$backend" = postgres ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$work" && "$bin" serve) & server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
(cd "$work" && echo "bench-password-Kanaal-93" | "$bin" admin create-user anna --email anna@bench.example >/dev/null)
token=$(cd "$work" && "$bin" admin create-token anna | tail -n 1)
for g in tuin sport kinderen koken fietsen; do (cd "$work" && "$bin" admin create-group "$g" >/dev/null); done
for i in $(seq 1 50); do
  curl -sf -H "Authorization: Bearer $token" -d "status=Bericht $i over de buurt, met een zin of twee tekst." \
    "http://127.0.0.1:$port/api/v1/statuses" >/dev/null
done
echo "backend: $backend; home page: $(curl -s "http://127.0.0.1:$port/" | wc -c) bytes"
wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$port/"
echo "idle-after-load RSS: $(ps -o rss= -p "$server") KiB"
