#!/usr/bin/env bash
# Installs dependencies, builds, and runs vaultkeeper on the bundled local stack: vault-sim (dev mode, KV v2
# at secret/) on 127.0.0.1:8200, consul-sim on 127.0.0.1:8500, vaultkeeper's admin API on 127.0.0.1:8290.
# Ctrl-C stops all three. Set VK_DEMO_DETACH=1 to leave them running and print their PIDs instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target vaultkeeper vault-sim consul-sim

export VK_ADMIN_TOKEN="${VK_ADMIN_TOKEN:-demo-admin-token-change-me}"
export VK_VAULT_TOKEN="${VK_VAULT_TOKEN:-demo-root-token}"
run_dir="$(mktemp -d /tmp/vaultkeeper-demo.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }

wait_http() {  # url, name
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "$2 did not come up; see $run_dir" >&2; cleanup; exit 1
}

build/bin/vault-sim --listen 127.0.0.1:8200 --dev-root-token "$VK_VAULT_TOKEN" >"$run_dir/vault-sim.log" 2>&1 &
pids+=($!)
build/bin/consul-sim --listen 127.0.0.1:8500 >"$run_dir/consul-sim.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:8200/v1/sys/health vault-sim
wait_http http://127.0.0.1:8500/v1/status/leader consul-sim
build/bin/vaultkeeper --config examples/local-stack.json >"$run_dir/vaultkeeper.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:8290/v1/health vaultkeeper

cat <<TXT
vault-sim   http://127.0.0.1:8200  (root token: \$VK_VAULT_TOKEN)
consul-sim  http://127.0.0.1:8500
vaultkeeper http://127.0.0.1:8290  (admin token: \$VK_ADMIN_TOKEN); logs in $run_dir

  curl -s -H "Authorization: Bearer \$VK_ADMIN_TOKEN" http://127.0.0.1:8290/v1/jobs
  curl -s http://127.0.0.1:8290/metrics
TXT
if [[ "${VK_DEMO_DETACH:-0}" == 1 ]]; then
  echo "pids: ${pids[*]}"
  exit 0
fi
trap 'cleanup; exit 0' INT TERM
echo "Ctrl-C stops the stack."
wait
