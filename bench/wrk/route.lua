-- One route under load. Arguments after `--`: mode (get | list | post), then for `get` the
-- largest note id, for `post` the largest author id (0: the token's user is the author) and
-- an optional bearer token. `done` prints one JSON line for the benchmark to read.
local mode, max_id, token, path
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  mode = args[1]
  max_id = tonumber(args[2] or "1")
  token = args[3]
  path = args[4]
  -- Each wrk thread draws its own reproducible sequence of ids.
  math.randomseed(12345 + (id or 0))
end

function request()
  if mode == "get" then
    return wrk.format("GET", "/notes/" .. math.random(max_id))
  elseif mode == "list" then
    return wrk.format("GET", path)
  end
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/json" }
  local body
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
    body = string.format('{"title":"Load %d","description":"written by wrk"}', counter)
  else
    body = string.format(
      '{"title":"Load %d","description":"written by wrk","author_id":%d}',
      counter, math.random(max_id)
    )
  end
  return wrk.format("POST", "/notes", headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max
  ))
end
