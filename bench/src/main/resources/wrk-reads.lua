-- The load of bench's read phases, for wrk 4.1 (Wrk.java runs it: wrk -t1 -c<C> -d<S>s -s <this file> <query URL>).
-- Each request is a GET of one of the paths in the file BENCH_WRK_PATHS (one a line), drawn at random, with the
-- headers of the driver's own client (Authorization: Bearer BENCH_WRK_TOKEN, Accept: application/json). After about
-- BENCH_WRK_MAX requests the thread stops. done() writes the figures to BENCH_WRK_RESULT as Java properties, times in
-- microseconds.
--
-- wrk runs this file in one Lua state per thread (init, request) and in one more for setup and done.

local ffi = require("ffi")
ffi.cdef [[
    struct timeval { long tv_sec; long tv_usec; };
    int gettimeofday(struct timeval *tv, void *tz);
]]

-- wrk's own clock
local function now_us()
   local tv = ffi.new("struct timeval")
   ffi.C.gettimeofday(tv, nil)
   return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

-- the thread's state
local paths = {}
local tail
local budget
local started

function init()
   for line in io.lines(os.getenv("BENCH_WRK_PATHS")) do
      paths[#paths + 1] = line
   end
   wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_WRK_TOKEN")
   wrk.headers["Accept"] = "application/json"
   -- what wrk.format writes after the path (the protocol and the headers) is the same for every request
   tail = wrk.format("GET", "/"):sub(#"GET /" + 1)
   budget = tonumber(os.getenv("BENCH_WRK_MAX"))
   math.randomseed(os.time())
   started = now_us()
end

function request()
   budget = budget - 1
   if budget == 0 then
      -- wrk itself still sleeps out -d: the run's duration is then this thread's (a global, which done() reads)
      ran_us = now_us() - started
      wrk.thread:stop()
   end
   return "GET " .. paths[math.random(#paths)] .. tail
end

-- setup and done's state
local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
end

function done(summary, latency)
   local errors = summary.errors
   local file = assert(io.open(os.getenv("BENCH_WRK_RESULT"), "w"))
   file:write(string.format("completed=%d\nduration_us=%d\nstatus_errors=%d\ntimeouts=%d\nconnect_errors=%d\n"
         .. "read_errors=%d\nwrite_errors=%d\np50_us=%d\np99_us=%d\nmax_us=%d\n", summary.requests,
         threads[1]:get("ran_us") or summary.duration, errors.status, errors.timeout, errors.connect, errors.read,
         errors.write, latency:percentile(50), latency:percentile(99), latency.max))
   file:close()
end
