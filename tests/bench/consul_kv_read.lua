-- wrk script: GET /v1/kv/bench/<i> over the keys consul_sim_bench.sh loaded (KEYS env, default 1000).
local keys = tonumber(os.getenv("KEYS") or "1000")
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/v1/kv/bench/" .. (counter % keys))
end
