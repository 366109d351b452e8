#!/usr/bin/env bash
# Builds the services and the benches, runs each bench in its own process, prints a summary.
# Exits non-zero if a bench failed to measure (errors, timeouts, non-2xx answers, lost events), never because a figure is low.
# Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_EVENTS (default 20000), BENCH_RATE (default 1000),
# BENCH_CRM_CONTACTS (default 1000000), BENCH_IMPORT_ROWS (default 1000000), BENCH_EXPORT_ROWS (default 1000000), BENCH_CRM_DATABASE_URL (default: database kinship_bench_crm, kept and reused between runs),
# BENCH_CAMPAIGN_RECIPIENTS (default 100000), BENCH_ROUNDS (default 3), BENCH_CPU_PROFILE_DIR (unset), BENCH_FUZZ_REQUESTS (default 20000),
# BENCH_FUZZ_REFUSED (default 100), BENCH_FUZZ_SEED (default: a new one each run), BENCH_REPORT_EVENTS (default 200000), BENCH_REPORT_CONTACT_PERCENT (default 30; 83 with 1400000 events: 1,000,000 contacts, 200,000 deals), BENCH_REPORT_SAMPLES (default 40), BENCH_REPORT_REBUILD (default 1; 0 skips the rebuild), BENCH_SLA_TICKETS (default 100000),
# BENCH_OBJECTS_CONTACTS (default 5000), BENCH_OBJECTS_SAMPLES (default 1500), BENCH_OBJECT_RECORDS (default 100000), BENCH_OBJECT_RECORD_SAMPLES (default 300), BENCH_OBJECT_IMPORT_ROWS (default 200000),
# BENCH_CONSOLE_SAMPLES (default 7), BENCH_CONSOLE_SCROLL_ROWS (default 10000),
# BENCH_PAYMENTS (default 6000), BENCH_SOAK_MINUTES (default 10), BENCH_SOAK_IMPORT_ROWS (default 20000), BENCH_PAYMENTS_WARMUP (default 600), BENCH_LEDGER_ENTRIES (default 1000000), BENCH_INBOUND_EMAILS (default 2000).
set -uo pipefail
cd "$(dirname "$0")/.."

npm run build --silent || exit 1
npx tsc -b bench/tsconfig.json || exit 1

# crm seeds its database on the first run (minutes), then reuses it.
benches=(rpc-roundtrip rpc-contacts outbox-pipeline auth crm console-load custom-objects imports exports campaign sla inbound-email fuzz reports payments soak)
# A result left by an earlier run must not pass for this run's.
for bench in "${benches[@]}"; do rm -f bench/results/"$bench".json; done

failed=()
for bench in "${benches[@]}"; do
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
