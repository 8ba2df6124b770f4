# One node of the compose stack's uninitialised 3-node Vault (vault-0, vault-1, vault-2) that the keeper job
# initialises and keeps unsealed. Each node sets VAULT_RAFT_NODE_ID, VAULT_API_ADDR and VAULT_CLUSTER_ADDR in
# docker-compose.yml; the rest is shared. Plain HTTP inside the compose network: a demonstration only.
storage "raft" {
  path = "/vault/file"

  # A node started empty keeps asking these for the cluster; once the keeper has initialised vault-0 and
  # unsealed it, the others join it and are unsealed by the keeper with the same shards.
  retry_join {
    leader_api_addr = "http://vault-0:8200"
  }
  retry_join {
    leader_api_addr = "http://vault-1:8200"
  }
  retry_join {
    leader_api_addr = "http://vault-2:8200"
  }
}

listener "tcp" {
  address         = "0.0.0.0:8200"
  cluster_address = "0.0.0.0:8201"
  tls_disable     = true
}

# Integrated storage: mlock is advised against (the raft database is memory-mapped).
disable_mlock = true
