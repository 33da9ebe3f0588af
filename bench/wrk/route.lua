-- One route under load. Arguments after `--`: mode (get | list | post), then for `get` the
-- largest row id, for `post` the largest id of what a row refers to (its author), an optional
-- bearer token (its user is then a note's author), the path of a list, and the resource
-- (notes | books), and a number no other run of the benchmark has (for unique values). `done`
-- prints one JSON line for the benchmark to read.
local mode, max_id, token, path, resource, run
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
  resource = args[5] or "notes"
  run = tonumber(args[6] or "0")
  -- Each wrk thread draws its own reproducible sequence of ids.
  math.randomseed(12345 + (id or 0))
end

function request()
  if mode == "get" then
    return wrk.format("GET", "/" .. resource .. "/" .. math.random(max_id))
  elseif mode == "list" then
    return wrk.format("GET", path)
  end
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/json" }
  local body
  if resource == "books" then
    -- A unique isbn: the run's number, then the count of its requests.
    body = string.format(
      '{"title":"Load %d","isbn":"%06d%07d","price":"9.99","author_id":%d}',
      counter, run, counter, math.random(max_id)
    )
    return wrk.format("POST", "/books", headers, body)
  end
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
