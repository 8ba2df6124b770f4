#!/usr/bin/env bash
# vault-sim throughput: dev-mode node, 100,000 synthetic KV v2 secrets, then wrk with 64 connections on
# random KV v2 reads and on writes. Prints the load time, requests/s, and whether reads reached 20,000/s.
# Usage: tests/bench/vault_sim_bench.sh [duration, default 10s]   (VK_BIN_DIR overrides build/bin, KEYS the
# number of secrets, default 100000)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin_dir=${VK_BIN_DIR:-$here/../../build/bin}
duration=${1:-10s}
keys=${KEYS:-100000}
token=bench-root
target_reads=20000

command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }
[ -x "$bin_dir/vault-sim" ] || { echo "$bin_dir/vault-sim not built" >&2; exit 2; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
"$bin_dir/vault-sim" --listen "127.0.0.1:$port" --dev-root-token "$token" >"$work/vault-sim.log" 2>&1 &
sim_pid=$!
cleanup() { kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Bounded readiness wait (10 s).
for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v1/sys/health" && break
    sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$port/v1/sys/health" || { echo "vault-sim did not start" >&2; exit 1; }

start=$(date +%s.%N)
curl -sf -X POST "http://127.0.0.1:$port/_sim/vault/load" \
    -d "{\"count\":$keys,\"mount\":\"secret/\",\"prefix\":\"bench/\"}" >"$work/load.json"
end=$(date +%s.%N)
printf 'loaded 100000 secrets in %.2f s (server-side %s s)\n' "$(echo "$end - $start" | bc)" \
    "$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["seconds"],2))' "$work/load.json")"

cat >"$work/read.lua" <<LUA
wrk.headers["X-Vault-Token"] = "$token"
request = function()
    return wrk.format("GET", "/v1/secret/data/bench/" .. math.random(0, 99999))
end
LUA
cat >"$work/write.lua" <<LUA
wrk.method = "POST"
wrk.headers["X-Vault-Token"] = "$token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":{"value":"benchmark-payload"}}'
request = function()
    return wrk.format(nil, "/v1/secret/data/written/" .. math.random(0, 9999))
end
LUA

rate() { awk '/Requests\/sec/ {print int($2)}' "$1"; }
# CPU ticks (user+system) of vault-sim: CPU per request does not depend on how busy the machine is.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$sim_pid/stat"; }
ticks_before=$(cpu_ticks)
wrk -t2 -c64 -d"$duration" -s "$work/read.lua" "http://127.0.0.1:$port" >"$work/read.txt"
ticks_after=$(cpu_ticks)
wrk -t2 -c64 -d"$duration" -s "$work/write.lua" "http://127.0.0.1:$port" >"$work/write.txt"
grep -E "Non-2xx|Socket errors" "$work/read.txt" "$work/write.txt" || true

reads=$(rate "$work/read.txt")
writes=$(rate "$work/write.txt")
echo "KV v2 reads:  $reads requests/s (64 connections)"
read_count=$(awk '/requests in/ {print $1}' "$work/read.txt")
hz=$(getconf CLK_TCK)
awk -v t=$((ticks_after - ticks_before)) -v n="$read_count" -v hz="$hz" 'BEGIN {
    us = t * 1000000 / hz / n
    printf "vault-sim CPU per read: %.1f us (one dedicated core would serve about %d reads/s)\n", us, 1000000 / us }'
echo "KV v2 writes: $writes requests/s (64 connections)"
if [ "$reads" -ge "$target_reads" ]; then
    echo "reads target ($target_reads/s): reached"
else
    echo "reads target ($target_reads/s): NOT reached"
fi
