#!/usr/bin/env bash
# Installs dependencies, builds, and runs vaultkeeper's sync on the bundled local stack: a primary region
# (vault-sim 127.0.0.1:8200, consul-sim 127.0.0.1:8500) and a replica region (vault-sim :8210, consul-sim
# :8510), a few demo secrets in the primary, an uninitialised 3-node vault-sim (:8220-8222), and vaultkeeper (admin
# API 127.0.0.1:8290) publishing the primary's insights and replicating them to the replica, snapshotting the
# primary, rendering one of its secrets into a file, and initialising and unsealing the 3-node Vault (keeper), with
# its web page at http://127.0.0.1:8290/ui/. Ctrl-C stops everything. Set VK_DEMO_DETACH=1 to leave them running
# and print their PIDs instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target vaultkeeper vault-sim consul-sim

export VK_ADMIN_TOKEN="${VK_ADMIN_TOKEN:-demo-admin-token-change-me}"
export VK_VAULT_TOKEN="${VK_VAULT_TOKEN:-demo-root-token}"
run_dir="$(mktemp -d /tmp/vaultkeeper-demo.XXXXXX)"
# The snapshot job's spool and local storage (absolute paths in examples/local-stack.json).
mkdir -p /tmp/vaultkeeper-demo/spool /tmp/vaultkeeper-demo/snapshots
# The keeper job's three shard stores, each under its own key-encryption key (fresh for every run). The 3-node
# vault-sim keeps nothing across runs, so the shards of an earlier run unseal nothing: they go.
rm -rf /tmp/vaultkeeper-demo/keeper-{a,b,c}
mkdir -m 0700 /tmp/vaultkeeper-demo/keeper-{a,b,c}
VK_DEMO_KEK_A="$(openssl rand -base64 32)" VK_DEMO_KEK_B="$(openssl rand -base64 32)" \
  VK_DEMO_KEK_C="$(openssl rand -base64 32)"
export VK_DEMO_KEK_A VK_DEMO_KEK_B VK_DEMO_KEK_C
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
# Background children of a script ignore SIGINT: Ctrl-C at any point stops them through this trap.
trap 'cleanup; exit 130' INT TERM

for port in 8200 8210 8220 8221 8222 8500 8510 8290; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "127.0.0.1:$port is already in use (an earlier demo still running?); stop it first" >&2; exit 1
  fi
done

wait_http() {  # url, name
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "$2 did not come up; see $run_dir" >&2; cleanup; exit 1
}

for port in 8200 8210; do
  build/bin/vault-sim --listen 127.0.0.1:$port --dev-root-token "$VK_VAULT_TOKEN" >"$run_dir/vault-sim-$port.log" 2>&1 &
  pids+=($!)
done
# Uninitialised, 3 nodes on :8220-8222: the keeper job initialises it and keeps every node unsealed.
build/bin/vault-sim --listen 127.0.0.1:8220 --nodes 3 >"$run_dir/vault-sim-8220.log" 2>&1 &
pids+=($!)
for port in 8500 8510; do
  build/bin/consul-sim --listen 127.0.0.1:$port >"$run_dir/consul-sim-$port.log" 2>&1 &
  pids+=($!)
done
for port in 8200 8210; do wait_http http://127.0.0.1:$port/v1/sys/health "vault-sim :$port"; done
wait_http http://127.0.0.1:8220/v1/sys/seal-status "vault-sim :8220"
for port in 8500 8510; do wait_http http://127.0.0.1:$port/v1/status/leader "consul-sim :$port"; done
for app in billing checkout search; do
  curl -sf -o /dev/null -H "X-Vault-Token: $VK_VAULT_TOKEN" -X POST "http://127.0.0.1:8200/v1/secret/data/apps/$app/db" \
    -d "{\"data\":{\"user\":\"$app\",\"password\":\"demo-$RANDOM\"}}"
done
build/bin/vaultkeeper --config examples/local-stack.json >"$run_dir/vaultkeeper.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:8290/v1/health vaultkeeper

VK_DEMO_RUN_DIR="$run_dir" scripts/demo-banner.sh
if [[ "${VK_DEMO_DETACH:-0}" == 1 ]]; then
  echo "pids: ${pids[*]}"
  exit 0
fi
trap 'cleanup; exit 0' INT TERM
echo "Ctrl-C stops the stack."
wait
