#!/usr/bin/env bash
# Proof under faults (docs/security.md, Durability): kill -9 of the server on SQLite, an SMTP outage, two server
# processes on one PostgreSQL. Runs the scripts one after the other (their timings must not compete for the
# two cores), each against the already built target/debug/cassetto; exits 1 if any check failed.
#   scripts/faults/run.sh                 # all of them
#   scripts/faults/run.sh mail_outage     # some of them
# PostgreSQL: CASSETTO_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/postgres if it answers.
set -uo pipefail
cd "$(dirname "$0")/../.."
[ -x target/debug/cassetto ] || { echo "faults: target/debug/cassetto is missing (make test-rust builds it)"; exit 1; }

checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(durability mail_outage two_processes)
failed=()
for check in "${checks[@]}"; do
  started=$SECONDS
  if python3 -u "scripts/faults/$check.py"; then
    echo "faults: $check passed ($((SECONDS - started)) s)"
  else
    echo "faults: $check FAILED ($((SECONDS - started)) s)"
    failed+=("$check")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "faults: FAILED ${failed[*]} ($SECONDS s in all)"
  exit 1
fi
echo "faults: all ${#checks[@]} passed ($SECONDS s in all)"
