-- wrk script: PUT /v1/kv/bench/w<i> with a changing 64-byte body, so every write bumps ModifyIndex.
local keys = tonumber(os.getenv("KEYS") or "1000")
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format("%064d", counter)
  return wrk.format("PUT", "/v1/kv/bench/w" .. (counter % keys), {["Content-Type"] = "application/octet-stream"}, body)
end
