#!/usr/bin/env bash
# Smoke test of the embedded path: `npm start` with no DATABASE_URL starts on PGlite, seeds the demo tenant and
# prints a token; a partner is then created and read back over HTTP with that token.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm start compiles src/ first when dist/ is stale: done here, so that the wait below is for the start alone
node scripts/build-if-stale.mjs
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
log="$dir/server.log"
DATABASE_URL= DATA_DIR="$dir/data" PORT=$port LOG_LEVEL=info npm start >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for i in $(seq 1 120); do
  grep -q 'export TOKEN=' "$log" && break
  kill -0 $pid 2>/dev/null || { cat "$log"; echo "smoke: server exited"; exit 1; }
  sleep 0.5
done
token=$(grep -o 'export TOKEN=[^ ]*' "$log" | head -1 | cut -d= -f2)
[ -n "$token" ] || { cat "$log"; echo "smoke: no token printed"; exit 1; }
base="http://127.0.0.1:$port"
code=$(curl -s -o "$dir/list.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/v1/partners")
[ "$code" = 200 ] || { echo "smoke: list answered $code"; cat "$dir/list.json"; exit 1; }
grep -q 'D-EAST' "$dir/list.json" || { echo "smoke: demo partners missing"; exit 1; }
code=$(curl -s -o "$dir/created.json" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"code":"SMOKE-1","legalName":"Smoke Test Ltd.","type":"dealer"}' "$base/v1/partners")
[ "$code" = 201 ] || { echo "smoke: create answered $code"; cat "$dir/created.json"; exit 1; }
id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).id)' "$dir/created.json")
code=$(curl -s -o "$dir/read.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/v1/partners/$id")
[ "$code" = 200 ] && grep -q 'SMOKE-1' "$dir/read.json" || { echo "smoke: read back answered $code"; exit 1; }
# SIGTERM to `npm start` (what a process manager sends) must reach the server: it finishes and exits, the port closes
server=$(pgrep -P $pid | head -1 || true)
kill -TERM $pid
for i in $(seq 1 100); do
  kill -0 $pid 2>/dev/null || { [ -n "$server" ] && kill -0 "$server" 2>/dev/null; } || break
  sleep 0.25
done
if kill -0 $pid 2>/dev/null || { [ -n "$server" ] && kill -0 "$server" 2>/dev/null; }; then
  echo "smoke: still running 25 s after SIGTERM (npm $pid, server ${server:-?})"; exit 1
fi
wait $pid || true
if curl -s -o /dev/null -m 2 "$base/healthz"; then echo "smoke: port $port still answers after SIGTERM"; exit 1; fi
grep -q '"signal":"SIGTERM"' "$log" || { cat "$log"; echo "smoke: the server did not log its SIGTERM shutdown"; exit 1; }
echo "smoke: embedded PGlite server started, seeded, created and read back a partner, shut down on SIGTERM (process gone, port closed)"
