# The primary's storage: `vault server -dev` merges the files of /vault/config over its own dev configuration,
# so this storage replaces dev mode's in-memory one. Raft is what makes sys/storage/raft/snapshot (the snapshot
# job) answer; dev mode still initialises, unseals, creates the root token $VK_VAULT_TOKEN and mounts KV v2 at
# secret/. The path is a tmpfs (docker-compose.yml): every start is a fresh single-node cluster, like dev mode.
# VAULT_CLUSTER_ADDR and VAULT_API_ADDR come from docker-compose.yml.
storage "raft" {
  path    = "/vault/raft"
  node_id = "vault-primary"
}

disable_mlock = true
