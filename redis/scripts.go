package redis

import goredis "github.com/redis/go-redis/v9"

// Window members are "<tokens>:<ticket id>" scored by admission time in
// milliseconds; a window's token sum is kept beside it so admission does
// not add up the log. Times come from the caller (ARGV), never from the
// server's clock, so tests with a fake clock are deterministic.

// admitScript checks every window and budget of one admission and, only
// when all pass, counts the request in every window: all or nothing.
//
// KEYS: nw pairs (window zset, window token sum), then nb budget hashes.
// ARGV: now_ms, window_ms, member, estimate, nw, nb, nw pairs (rpm, tpm),
// nb pairs (token cap, usd cap).
// Returns {} when admitted, else triples {check index (1-based: windows,
// then budgets), kind (1 rpm, 2 tpm, 3 budget tokens, 4 budget usd),
// wait_ms}.
var admitScript = goredis.NewScript(`
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local member = ARGV[3]
local est = tonumber(ARGV[4])
local nw = tonumber(ARGV[5])
local nb = tonumber(ARGV[6])
local cutoff = now - win
local out = {}
local function refuse(i, kind, wait)
  out[#out + 1] = i
  out[#out + 1] = kind
  out[#out + 1] = wait
end
for i = 1, nw do
  local z, s = KEYS[2 * i - 1], KEYS[2 * i]
  local old = redis.call('ZRANGEBYSCORE', z, '-inf', cutoff)
  if #old > 0 then
    local freed = 0
    for _, m in ipairs(old) do
      freed = freed + tonumber(string.match(m, '^(%d+):'))
    end
    redis.call('ZREMRANGEBYSCORE', z, '-inf', cutoff)
    if freed > 0 then
      redis.call('DECRBY', s, freed)
    end
  end
  local rpm = tonumber(ARGV[5 + 2 * i])
  local tpm = tonumber(ARGV[6 + 2 * i])
  if rpm > 0 then
    local n = redis.call('ZCARD', z)
    if n >= rpm then
      local e = redis.call('ZRANGE', z, n - rpm, n - rpm, 'WITHSCORES')
      refuse(i, 1, tonumber(e[2]) + win - now)
    end
  end
  if tpm > 0 then
    local sum = tonumber(redis.call('GET', s) or '0')
    if sum + est > tpm then
      local need, freed, wait = sum + est - tpm, 0, win
      local es = redis.call('ZRANGE', z, 0, -1, 'WITHSCORES')
      for j = 1, #es, 2 do
        freed = freed + tonumber(string.match(es[j], '^(%d+):'))
        if freed >= need then
          wait = tonumber(es[j + 1]) + win - now
          break
        end
      end
      refuse(i, 2, wait)
    end
  end
end
local base = 6 + 2 * nw
for j = 1, nb do
  local v = redis.call('HMGET', KEYS[2 * nw + j], 't', 'u')
  local tcap = tonumber(ARGV[base + 2 * j - 1])
  local ucap = tonumber(ARGV[base + 2 * j])
  if tcap > 0 and tonumber(v[1] or '0') >= tcap then
    refuse(nw + j, 3, 0)
  end
  if ucap > 0 and tonumber(v[2] or '0') >= ucap then
    refuse(nw + j, 4, 0)
  end
end
if #out > 0 then
  return out
end
for i = 1, nw do
  local z, s = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('ZADD', z, now, est .. ':' .. member)
  redis.call('INCRBY', s, est)
  redis.call('PEXPIRE', z, win + 1000)
  redis.call('PEXPIRE', s, win + 1000)
end
return out
`)

// settleScript replaces a ticket's reservation with its actual tokens in
// every window still holding it, and adds its spend to each spend hash.
//
// KEYS: nw pairs (window zset, window token sum), then ns spend hashes.
// ARGV: ticket id, estimate, actual, nw, ns, usd, then ns TTLs in ms.
var settleScript = goredis.NewScript(`
local id = ARGV[1]
local old = ARGV[2] .. ':' .. id
local new = ARGV[3] .. ':' .. id
local delta = tonumber(ARGV[3]) - tonumber(ARGV[2])
local nw = tonumber(ARGV[4])
local ns = tonumber(ARGV[5])
local usd = ARGV[6]
for i = 1, nw do
  local z, s = KEYS[2 * i - 1], KEYS[2 * i]
  local score = redis.call('ZSCORE', z, old)
  if score then
    -- Removing a window's only member deletes the key and its TTL.
    local ttl = redis.call('PTTL', z)
    redis.call('ZREM', z, old)
    redis.call('ZADD', z, score, new)
    if delta ~= 0 then
      redis.call('INCRBY', s, delta)
    end
    if ttl > 0 then
      redis.call('PEXPIRE', z, ttl)
      redis.call('PEXPIRE', s, ttl)
    end
  end
end
for j = 1, ns do
  local h = KEYS[2 * nw + j]
  redis.call('HINCRBY', h, 't', ARGV[3])
  if tonumber(usd) > 0 then
    redis.call('HINCRBYFLOAT', h, 'u', usd)
  end
  redis.call('PEXPIRE', h, ARGV[6 + j])
end
return 0
`)
