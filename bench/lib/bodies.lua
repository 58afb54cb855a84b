-- wrk script: POSTs distinct pre-signed webhooks (from gen_bodies.py) and prints a JSON summary line.
-- Usage: wrk -t T -c C -d D -s bodies.lua http://host:port/api/v1/wbxt/events -- <bodies file>
-- Each wrk thread keeps every T-th line, so two threads never send the same event. If a thread runs out of
-- bodies it starts again from its first one (the summary then reports "wrapped": the service would see
-- duplicates, which it acknowledges without storing them twice: the figure is no longer a pure ingest figure).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local file = args[1]
  local nthreads = tonumber(args[2] or "1")
  local path = wrk.path
  reqs = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then
      local sp = line:find(" ", 1, true)
      local sig = line:sub(1, sp - 1)
      local b = line:sub(sp + 1)
      reqs[#reqs + 1] = wrk.format("POST", path,
        {["Content-Type"] = "application/json", ["X-Spark-Signature"] = sig}, b)
    end
    i = i + 1
  end
  idx = 0
  wrapped = 0
  non2xx = 0
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx = 1
    wrapped = wrapped + 1
  end
  return reqs[idx]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local wraps, bad = 0, 0
  for _, t in ipairs(threads) do
    wraps = wraps + (t:get("wrapped") or 0)
    bad = bad + (t:get("non2xx") or 0)
  end
  local secs = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"non2xx":%d,"socket_errors":%d,"status_errors":%d,' ..
    '"wrapped":%d,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, secs, summary.requests / secs, bad, errors, summary.errors.status, wraps,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
