#!/usr/bin/env bash
# Lints proto/ and regenerates the TypeScript contracts in libs/contracts/src/generated
# (make proto). With --check, regenerates into a temporary directory instead and fails if
# the checked-in output differs, which proves in CI that the generated code is current.
# buf.gen.yaml's `clean: true` removes generated files of deleted .proto files.
set -euo pipefail

cd "$(dirname "$0")/.."
generated=libs/contracts/src/generated
buf=node_modules/.bin/buf

case "${1:-}" in
  '')
    "$buf" lint
    "$buf" generate
    ;;
  --check)
    "$buf" lint
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # --output prefixes the out directory of buf.gen.yaml, so the fresh copy lands in $tmp/$generated.
    "$buf" generate --output "$tmp"
    if ! diff -ru "$generated" "$tmp/$generated"; then
      echo "$generated is stale: run scripts/proto.sh (make proto) and commit the result." >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: scripts/proto.sh [--check]" >&2
    exit 2
    ;;
esac
