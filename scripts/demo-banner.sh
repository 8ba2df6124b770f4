#!/usr/bin/env bash
# What scripts/demo.sh prints once the stack is up: where everything is, and commands to try. The commands carry
# the tokens' values, not variables: they are pasted into a new shell, which has none of demo.sh's exports.
# Needs VK_ADMIN_TOKEN, VK_VAULT_TOKEN and VK_DEMO_RUN_DIR.
set -euo pipefail
admin="${VK_ADMIN_TOKEN:?}"
vault="${VK_VAULT_TOKEN:?}"
# One shell word for a header: single-quoted when that is safe, else bash's own quoting.
header() {
  if [[ $1 =~ ^[-A-Za-z0-9\ :._~+/=]*$ ]]; then printf "'%s'" "$1"; else printf '%q' "$1"; fi
}
auth="$(header "Authorization: Bearer $admin")"
xvault="$(header "X-Vault-Token: $vault")"
cat <<TXT
primary  vault-sim http://127.0.0.1:8200, consul-sim http://127.0.0.1:8500  (root token: $vault)
replica  vault-sim http://127.0.0.1:8210, consul-sim http://127.0.0.1:8510
sealed   vault-sim http://127.0.0.1:8220-8222 (3 nodes, initialised and unsealed by the keeper job)
vaultkeeper http://127.0.0.1:8290; logs in ${VK_DEMO_RUN_DIR:?}

  web page:    http://127.0.0.1:8290/ui/
  admin token: $admin

jobs: "publish" (sync origin: primary -> Consul), "replicate" (sync destination: primary -> replica),
      "snapshots" (snapshot: the primary's Raft snapshot every minute into /tmp/vaultkeeper-demo/snapshots),
      "render" (emissary: apps/billing/db rendered into /tmp/vaultkeeper-demo/rendered/billing-db.env, 0600),
      "keeper" (keeper: initialises the 3-node vault-sim, 5 shares spread over /tmp/vaultkeeper-demo/keeper-{a,b,c},
               threshold 3, and unseals every node; "Rekey now" on the web page rekeys it)

Try, from any shell:
  curl -s -H $auth http://127.0.0.1:8290/v1/jobs
  curl -s -H $auth http://127.0.0.1:8290/v1/sync/replicate/status
  curl -s -H $auth http://127.0.0.1:8290/v1/keeper/keeper/status
  curl -s -H $xvault http://127.0.0.1:8210/v1/secret/data/apps/billing/db
  curl -s http://127.0.0.1:8290/metrics | grep vaultkeeper_sync
TXT
