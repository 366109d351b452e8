#!/usr/bin/env bash
# Builds the services and the benches, runs each bench in its own process, prints a summary.
# Exits non-zero if a bench failed to measure (errors, timeouts, non-2xx answers, lost events), never because a figure is low.
# Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_EVENTS (default 20000), BENCH_RATE (default 1000),
# BENCH_CRM_CONTACTS (default 1000000), BENCH_IMPORT_ROWS (default 1000000), BENCH_CRM_DATABASE_URL (default: database kinship_bench_crm, kept and reused between runs),
# BENCH_CAMPAIGN_RECIPIENTS (default 100000), BENCH_ROUNDS (default 3), BENCH_CPU_PROFILE_DIR (unset), BENCH_FUZZ_REQUESTS (default 20000),
# BENCH_FUZZ_REFUSED (default 100), BENCH_FUZZ_SEED (default: a new one each run).
set -uo pipefail
cd "$(dirname "$0")/.."

npm run build --silent || exit 1
npx tsc -b bench/tsconfig.json || exit 1

# A result left by an earlier run must not pass for this run's.
rm -f bench/results/rpc-roundtrip.json bench/results/rpc-contacts.json bench/results/outbox-pipeline.json bench/results/auth.json bench/results/crm.json bench/results/campaign.json bench/results/imports.json bench/results/fuzz.json

failed=()
# crm seeds its database on the first run (minutes), then reuses it.
for bench in rpc-roundtrip rpc-contacts outbox-pipeline auth crm imports campaign fuzz; do
  printf '\n== %s ==\n' "$bench"
  node bench/dist/"$bench".js || failed+=("$bench")
done

printf '\n== console-size ==\n'
node bench/console-size.mjs || failed+=(console-size)

node bench/dist/summary.js
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[*]}" >&2
  exit 1
fi
