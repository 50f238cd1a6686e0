#!/usr/bin/env bash
# Browser tests against the real server, as a user meets it: starts the SMTP sink (the PEC/e-mail
# provider of development) and the SMS gateway sink, the `cassetto` binary built by the Rust tests (`cargo test --no-run`) on a fresh demo database
# (the URL given: a SQLite file, recreated, or an empty PostgreSQL database), runs Playwright, stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
DATABASE_URL=${1:?usage: scripts/e2e.sh DATABASE_URL [playwright arguments, e.g. tests/dma.spec.ts]}
shift
# E2E_WORK and E2E_PORT let two runs share a machine (each its own sinks, database directory and port).
WORK=${E2E_WORK:-$PWD/target/e2e}
E2E_PORT=${E2E_PORT:-3000}
rm -rf "$WORK/mail" "$WORK/sms" "$WORK/cassetto.db"*
mkdir -p "$WORK"

python3 -u scripts/smtp_sink.py --host 127.0.0.1 --port 0 --dir "$WORK/mail" > "$WORK/sink.out" &
SINK=$!
python3 -u scripts/sms_sink.py --host 127.0.0.1 --port 0 --dir "$WORK/sms" > "$WORK/sms.out" &
SMS_SINK=$!
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  kill "$SINK" "$SMS_SINK" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do grep -q '^PORT ' "$WORK/sink.out" && break; sleep 0.1; done
PORT=$(awk '/^PORT /{print $2; exit}' "$WORK/sink.out")
[ -n "$PORT" ] || { echo "the SMTP sink did not start"; exit 1; }
for _ in $(seq 50); do grep -q '^PORT ' "$WORK/sms.out" && break; sleep 0.1; done
SMS_PORT=$(awk '/^PORT /{print $2; exit}' "$WORK/sms.out")
[ -n "$SMS_PORT" ] || { echo "the SMS gateway sink did not start"; exit 1; }

DATABASE_URL="$DATABASE_URL" CASSETTO_DEMO=1 CASSETTO_INSECURE_COOKIES=1 \
CASSETTO_SMTP_URL="smtp://127.0.0.1:$PORT" CASSETTO_SMS_URL="http://127.0.0.1:$SMS_PORT/sms" \
LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=cassetto LEPTOS_SITE_ADDR=127.0.0.1:$E2E_PORT \
  target/debug/cassetto serve > "$WORK/server.log" 2>&1 &
SERVER=$!

cd end2end
if BASE_URL="http://127.0.0.1:$E2E_PORT" E2E_STATE_DIR="$WORK/state" MAIL_DIR="$WORK/mail" SMS_DIR="$WORK/sms" DATABASE_URL="$DATABASE_URL" npx playwright test "$@"; then
  echo "browser tests passed on $(echo "$DATABASE_URL" | cut -d: -f1)"
else
  echo "browser tests FAILED on $(echo "$DATABASE_URL" | cut -d: -f1); last lines of the server log:"
  tail -n 40 "$WORK/server.log"
  exit 1
fi
