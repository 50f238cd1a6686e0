#!/usr/bin/env bash
# Runs the fuzz targets for a bounded time each and fails on any crash, printing the crashing input.
#
#   fuzz/run.sh                 every target, FUZZ_SECONDS (default 60) each
#   fuzz/run.sh codici valori   only these
#   FUZZ_SECONDS=600 fuzz/run.sh listapospa
#
# Needs the nightly toolchain and cargo-fuzz; both are installed when missing. Builds in fuzz/target (its own
# workspace, never the main target dir) at low priority. Each target starts from its seeds (fuzz/seeds/<t>),
# with its dictionary of tokens (fuzz/dict/<t>.dict), and what earlier runs found (fuzz/corpus/<t>, git-ignored, where new inputs are written). A crash input is
# written under fuzz/artifacts/<t>/: copy it into fuzz/regressions/<t>/ so the normal test suite replays it
# (app/tests/fuzz_regressions.rs; the regression inputs are not fed to the fuzzer, that is the tests' job).
#
# Other knobs: FUZZ_MAX_LEN (largest input tried, default 8192 bytes), FUZZ_TIMEOUT (seconds one input may
# take before it counts as a hang, default 10), FUZZ_SANITIZER (address, the default, or none: about twice
# the executions per second; the app forbids unsafe code, but its dependencies use some).
set -euo pipefail

cd "$(dirname "$0")"
export PATH="$HOME/.cargo/bin:$PATH"

ALL_TARGETS=(codici allegati valori bozza listapospa)
SECONDS_EACH=${FUZZ_SECONDS:-60}
MAX_LEN=${FUZZ_MAX_LEN:-8192}
TIMEOUT=${FUZZ_TIMEOUT:-10}
SANITIZER=${FUZZ_SANITIZER:-address}
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

if ! rustup toolchain list | grep -q '^nightly'; then
  echo "== installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version > /dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  nice -n 10 cargo install cargo-fuzz --locked
fi

# Release with debug assertions (overflow checks on, as in the debug builds of the tests and of `make run`);
# 16 codegen units build the dependencies (typst…) much faster for slightly slower runs.
BUILD=(--debug-assertions --codegen-units 16 --sanitizer "$SANITIZER")

echo "== building the fuzz targets (fuzz/target)"
nice -n 10 cargo +nightly fuzz build "${BUILD[@]}"

mkdir -p target/logs
failed=()
summary=()
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  log="target/logs/$t.log"
  echo "== fuzzing $t for ${SECONDS_EACH}s (log: fuzz/$log)"
  set +e
  dict=()
  if [ -f "dict/$t.dict" ]; then dict=(-dict="dict/$t.dict"); fi
  nice -n 10 cargo +nightly fuzz run "${BUILD[@]}" "$t" "corpus/$t" "seeds/$t" -- "${dict[@]}" \
    -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -timeout="$TIMEOUT" -print_final_stats=1 > "$log" 2>&1
  rc=$?
  set -e
  # libFuzzer's last status line (#runs DONE/pulse cov: … ft: … corp: … exec/s: …) and its final stats.
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ]; then
    summary+=("$(printf '%-11s ok     runs %-9s exec/s %-7s %s' "$t" "${runs:-?}" "${speed:-?}" "$last")")
  else
    failed+=("$t")
    summary+=("$(printf '%-11s FAILED runs %-9s exec/s %-7s %s' "$t" "${runs:-?}" "${speed:-?}" "$last")")
    echo "!! $t failed (exit $rc). libFuzzer said:"
    grep -E 'panicked at|ERROR: |SUMMARY: |Test unit written to|Failing input|^Output of|==[0-9]+==' "$log" | head -n 20 || true
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ -n "$input" ]; then
      case "$input" in /*) ;; *) input="$PWD/${input#./}" ;; esac
      echo "!! crash input: $input"
      echo "!! reproduce:   cd fuzz && cargo +nightly fuzz run ${BUILD[*]} $t $input"
    else
      echo "!! no crash input written; see fuzz/$log"
    fi
  fi
done

echo "== summary (${SECONDS_EACH}s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "== crashes in: ${failed[*]}"
  exit 1
fi
