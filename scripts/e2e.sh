#!/usr/bin/env bash
# Browser tests against the real server, as a user meets it: starts the SMTP sink (the PEC/e-mail
# provider of development), the SMS gateway sink and three test OpenID Providers (end2end/oidc/op.mjs: SPID
# "demo1" and "demo2", CIE id), the `cassetto` binary built by the Rust tests (`cargo test --no-run`) on a fresh demo database
# (the URL given: a SQLite file, recreated, or an empty PostgreSQL database), runs Playwright, stops them all.
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
# The test OpenID Providers, for this server as relying party; --controllo lets the tests make the next token
# response wrong on purpose (POST /__prova/modalita). Each prints `PORT <n>` on stdout, logs on stderr.
RP_URL="http://127.0.0.1:$E2E_PORT"
node end2end/oidc/op.mjs --porta 0 --tipo spid --nome "IdP Demo 1" --controllo --rp "$RP_URL" \
  > "$WORK/op-demo1.out" 2> "$WORK/op-demo1.log" &
OP_DEMO1=$!
node end2end/oidc/op.mjs --porta 0 --tipo spid --nome "IdP Demo 2" --controllo --rp "$RP_URL" \
  > "$WORK/op-demo2.out" 2> "$WORK/op-demo2.log" &
OP_DEMO2=$!
node end2end/oidc/op.mjs --porta 0 --tipo cie --nome "CIE id" --controllo --rp "$RP_URL" \
  > "$WORK/op-cie.out" 2> "$WORK/op-cie.log" &
OP_CIE=$!
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  kill "$SINK" "$SMS_SINK" "$OP_DEMO1" "$OP_DEMO2" "$OP_CIE" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do grep -q '^PORT ' "$WORK/sink.out" && break; sleep 0.1; done
PORT=$(awk '/^PORT /{print $2; exit}' "$WORK/sink.out")
[ -n "$PORT" ] || { echo "the SMTP sink did not start"; exit 1; }
for _ in $(seq 50); do grep -q '^PORT ' "$WORK/sms.out" && break; sleep 0.1; done
SMS_PORT=$(awk '/^PORT /{print $2; exit}' "$WORK/sms.out")
[ -n "$SMS_PORT" ] || { echo "the SMS gateway sink did not start"; exit 1; }
# Node with oidc-provider and an RSA key to generate starts slower than the sinks: up to 15 s each.
for op in demo1 demo2 cie; do
  for _ in $(seq 150); do grep -q '^PORT ' "$WORK/op-$op.out" && break; sleep 0.1; done
  grep -q '^PORT ' "$WORK/op-$op.out" || { echo "the test OpenID Provider $op did not start:"; cat "$WORK/op-$op.log"; exit 1; }
done
OP_DEMO1_PORT=$(awk '/^PORT /{print $2; exit}' "$WORK/op-demo1.out")
OP_DEMO2_PORT=$(awk '/^PORT /{print $2; exit}' "$WORK/op-demo2.out")
OP_CIE_PORT=$(awk '/^PORT /{print $2; exit}' "$WORK/op-cie.out")

# The relying party's private JWKS (signing and encryption keys), new for each run.
target/debug/cassetto oidc-keys genera "$WORK/oidc-keys.json" --forza --bit 2048

DATABASE_URL="$DATABASE_URL" CASSETTO_DEMO=1 CASSETTO_INSECURE_COOKIES=1 \
CASSETTO_SMTP_URL="smtp://127.0.0.1:$PORT" CASSETTO_SMS_URL="http://127.0.0.1:$SMS_PORT/sms" \
CASSETTO_ACCESSO=password,spid,cie CASSETTO_OIDC_KEY_FILE="$WORK/oidc-keys.json" CASSETTO_SPID_FORNITORI=demo1,demo2 \
CASSETTO_SPID_DEMO1_ISSUER="http://127.0.0.1:$OP_DEMO1_PORT" CASSETTO_SPID_DEMO1_NOME="IdP Demo 1" \
CASSETTO_SPID_DEMO2_ISSUER="http://127.0.0.1:$OP_DEMO2_PORT" CASSETTO_SPID_DEMO2_NOME="IdP Demo 2" \
CASSETTO_CIE_ISSUER="http://127.0.0.1:$OP_CIE_PORT" CASSETTO_CIE_NOME="CIE id" \
LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=cassetto LEPTOS_SITE_ADDR=127.0.0.1:$E2E_PORT \
  target/debug/cassetto serve > "$WORK/server.log" 2>&1 &
SERVER=$!

cd end2end
if BASE_URL="http://127.0.0.1:$E2E_PORT" E2E_STATE_DIR="$WORK/state" MAIL_DIR="$WORK/mail" SMS_DIR="$WORK/sms" DATABASE_URL="$DATABASE_URL" \
  OP_SPID1_URL="http://127.0.0.1:$OP_DEMO1_PORT" OP_SPID2_URL="http://127.0.0.1:$OP_DEMO2_PORT" OP_CIE_URL="http://127.0.0.1:$OP_CIE_PORT" \
  npx playwright test "$@"; then
  echo "browser tests passed on $(echo "$DATABASE_URL" | cut -d: -f1)"
else
  echo "browser tests FAILED on $(echo "$DATABASE_URL" | cut -d: -f1); last lines of the server log:"
  tail -n 40 "$WORK/server.log"
  for op in demo1 demo2 cie; do echo "--- last lines of the test OpenID Provider $op:"; tail -n 10 "$WORK/op-$op.log"; done
  exit 1
fi
