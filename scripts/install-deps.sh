#!/usr/bin/env bash
# Installs every Debian package vaultkeeper needs to build, test and run its local stack. Idempotent.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  libssl-dev zlib1g-dev libspdlog-dev prometheus-cpp-dev libyaml-cpp-dev libgtest-dev libgpgme-dev
  python3 python3-pytest python3-hvac python3-consul python3-kubernetes python3-requests python3-yaml
  python3-botocore
  wrk openssl gnupg
  clang libclang-rt-14-dev clang-format lld
  chromium prometheus docker-compose systemd
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The OpenAPI validator used by the test suite (a pinned npm package).
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ ! -d "$root/tests/openapi/node_modules/@apidevtools/swagger-parser" ]]; then
  (cd "$root/tests/openapi" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The object-store emulators the snapshot storage tests start (s3rver for S3/GCS, azurite for Azure Blob).
if [[ ! -d "$root/tests/emulators/node_modules" ]]; then
  (cd "$root/tests/emulators" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The web page's browser test: playwright-core (pinned) drives Debian's chromium.
if [[ ! -d "$root/tests/browser/node_modules" ]]; then
  (cd "$root/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The Kubernetes manifests' test (tests/deploy): Debian's kubectl 1.20 (kubernetes-client, which embeds kustomize
# v2.0.3, the oldest the manifests promise to render with) and the pinned schema validators (kubernetes-models).
# Where another package already owns /usr/bin/kubectl (a newer kubectl from the Google Cloud SDK), the Debian
# package's binary is unpacked under tests/deploy/kubernetes-client instead of replacing that one.
kubectl_dir="$root/tests/deploy/kubernetes-client"
if ! dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q 'install ok installed' \
   && [[ ! -x "$kubectl_dir/usr/bin/kubectl" ]]; then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  if dpkg-query -S /usr/bin/kubectl >/dev/null 2>&1; then
    deb_dir="$(mktemp -d)"
    (cd "$deb_dir" && apt-get download -qq kubernetes-client 2>/dev/null)
    dpkg-deb -x "$deb_dir"/kubernetes-client_*.deb "$kubectl_dir"
    rm -rf "$deb_dir"
  else
    $SUDO apt-get install -y -qq --no-install-recommends kubernetes-client
  fi
fi
if [[ ! -d "$root/tests/deploy/node_modules/kubernetes-models" ]]; then
  (cd "$root/tests/deploy" && npm ci --no-audit --no-fund --loglevel=error)
fi
