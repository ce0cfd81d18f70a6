package redislimit

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// takeSrc is GCRA over one key, on the server's clock. Times are
// microseconds. The key holds the theoretical arrival time (TAT) of the next
// token as whole microseconds and a fraction, "<µs> <fraction × 2^53>", so
// that an emission interval below one microsecond adds up exactly: a float64
// alone holds today's time in µs only to a quarter of a microsecond. Both
// parts are written as integers with %d, which formats in a fraction of the
// time %.0f or %.17g take (the script's Lua casts to a C long, so the server
// must be a 64-bit build); a TAT without a fraction, the rule for rates that
// divide 1e6, is the whole microseconds alone (16 digits until the year
// 2286), which one tonumber reads, and the length tells the two forms apart.
// The bucket holds burst-(TAT-now)/interval tokens; a TAT in the past is a
// full bucket.
//
// KEYS[1] the bucket; ARGV: interval (µs per token), burst, n, the longest
// wait in µs (0: now or never, -1: no bound). Reply: allowed (0/1), whole
// tokens left, µs until n tokens are there (the wait, when allowed; -1 when
// n > burst), µs until the bucket is full, and, for a wait (ARGV[4] not 0)
// that is allowed, the new TAT in the two-part form. Durations in the reply
// and the PX are capped at 2^53 (285 years in µs), so that a tiny rate or a
// huge burst never overflows the server's integers or a time.Duration, and
// a TAT past 2^53 µs (the year 2255) keeps no fraction, which it could not
// hold anyway. A token count within
// 1e-9 of an integer counts as it, so rounding in the float arithmetic
// never refuses a token that is due; at a token per 1000 s or slower that
// is a microsecond or more, which never makes the time until the bucket is
// full negative.
const takeSrc = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local iv, burst, n, most = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local cap = 9007199254740992
local hi, lo = now, 0
local v = redis.call('GET', KEYS[1])
if v then
	local sp = #v > 17 and string.find(v, ' ', 2, true)
	if sp then
		hi, lo = tonumber(string.sub(v, 1, sp - 1)), tonumber(string.sub(v, sp + 1)) / 9007199254740992
	else
		hi = tonumber(v)
	end
	if not (hi and lo) then return redis.error_reply('ERR redislimit: not a bucket: ' .. KEYS[1]) end
	if hi < now then hi, lo = now, 0 end
end
local used = (hi - now) + lo
local eps = 1e-9 * iv
if n > burst then
	return {0, math.max(0, math.floor(burst - used / iv + 1e-9)), -1, math.min(math.max(0, math.ceil(used - eps)), cap)}
end
local after = used + n * iv
local wait = after - burst * iv
local ok = n == 0 or wait <= eps or (most ~= 0 and (most < 0 or math.ceil(wait) <= most))
if not ok then
	return {0, math.max(0, math.floor(burst - used / iv + 1e-9)), math.min(math.ceil(wait), cap), math.min(math.max(0, math.ceil(used - eps)), cap)}
end
if wait <= eps then wait = 0 end
if n == 0 then
	after = used
else
	local d = n * iv
	local dh = math.floor(d)
	hi, lo = hi + dh, lo + (d - dh)
	if lo >= 1 then hi, lo = hi + 1, lo - 1 end
	if lo == 0 or hi >= cap then v = hi else v = string.format('%d %d', hi, math.floor(lo * cap + 0.5)) end
	local px = math.ceil(after / 1000)
	if px > cap then px = cap end
	redis.call('SET', KEYS[1], v, 'PX', px)
end
local left = math.max(0, math.floor(burst - after / iv + 1e-9))
local full = math.max(0, math.ceil(after - eps))
if full > cap then full = cap end
if most ~= 0 then
	return {1, left, math.min(math.ceil(wait), cap), full, string.format('%d %d', hi, math.floor(lo * cap + 0.5))}
end
return {1, left, math.ceil(wait), full}
`

// giveBackSrc returns the tokens of a Wait that will not use them, as far as
// no later taker counts on them: those that later takers took, which moved
// the TAT past the reservation's, stay taken, as with
// rate.Reservation.Cancel. A TAT older than the reservation's means the key
// was reset or expired since: nothing comes back.
//
// KEYS[1] the bucket; ARGV: interval, n, the TAT the reservation stored,
// in the two-part form. Reply: 1 if tokens came back, else 0.
const giveBackSrc = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local sp = #v > 17 and string.find(v, ' ', 2, true)
local hi, lo = tonumber(v), 0
if sp then hi, lo = tonumber(string.sub(v, 1, sp - 1)), tonumber(string.sub(v, sp + 1)) / 9007199254740992 end
if not (hi and lo) then return 0 end
sp = string.find(ARGV[3], ' ', 1, true)
local rhi, rlo = tonumber(string.sub(ARGV[3], 1, sp - 1)), tonumber(string.sub(ARGV[3], sp + 1)) / 9007199254740992
local later = (hi - rhi) + (lo - rlo)
local back = tonumber(ARGV[2]) * tonumber(ARGV[1]) - later
if later < 0 or back <= 0 then return 0 end
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local dh = math.floor(back)
hi, lo = hi - dh, lo - (back - dh)
if lo < 0 then hi, lo = hi - 1, lo + 1 end
local ahead = (hi - now) + lo
local px = math.min(math.ceil(ahead / 1000), 9007199254740992)
if ahead <= 0 then
	redis.call('DEL', KEYS[1])
elseif lo == 0 or hi >= 9007199254740992 then
	redis.call('SET', KEYS[1], hi, 'PX', px)
else
	redis.call('SET', KEYS[1], string.format('%d %d', hi, math.floor(lo * 9007199254740992 + 0.5)), 'PX', px)
end
return 1
`

// resetSrc deletes the bucket. It is a script, not a DEL, because a
// redis.Scripter offers scripts only.
const resetSrc = `return redis.call('DEL', KEYS[1])`

// A script is Lua source and its SHA-1, run as go-redis's Script type runs
// one: EVALSHA first, EVAL when the server does not have it (after a
// restart or SCRIPT FLUSH). EVAL also loads it for the next EVALSHA.
type script struct {
	src, sha string
}

// newScript returns the script for src.
func newScript(src string) script {
	h := sha1.Sum([]byte(src))
	return script{src: src, sha: hex.EncodeToString(h[:])}
}

var (
	takeScript     = newScript(takeSrc)
	giveBackScript = newScript(giveBackSrc)
	resetScript    = newScript(resetSrc)
)

// run runs s on key with args. Any error that mentions NOSCRIPT, however a
// client or proxy wraps it, sends the source, unless it is a failure: BUSY
// mentions SHUTDOWN NOSCRIPT too.
func (s script) run(ctx context.Context, c redis.Scripter, key string, args ...any) *redis.Cmd {
	keys := []string{key}
	cmd := c.EvalSha(ctx, s.sha, keys, args...)
	if err := cmd.Err(); err != nil && strings.Contains(err.Error(), "NOSCRIPT") && !isOutage(err) {
		cmd = c.Eval(ctx, s.src, keys, args...)
	}
	return cmd
}

// A reply is the take script's answer, in microseconds.
type reply struct {
	allowed   bool
	remaining int64
	wait      int64 // until n tokens are there; -1 when never
	full      int64 // until the bucket is full
	tat       string
}

// errReply reports a reply of a shape the take script never sends: another
// program answers under the script's SHA-1, or a proxy mangled it.
var errReply = errors.New("redislimit: unexpected reply from the take script")

// parseReply reads the take script's reply.
func parseReply(v any) (reply, error) {
	s, ok := v.([]any)
	if !ok || len(s) < 4 {
		return reply{}, fmt.Errorf("%w: %v", errReply, v)
	}
	var n [4]int64
	for i := range n {
		if n[i], ok = s[i].(int64); !ok {
			return reply{}, fmt.Errorf("%w: %v", errReply, v)
		}
	}
	r := reply{allowed: n[0] == 1, remaining: n[1], wait: n[2], full: n[3]}
	if len(s) > 4 {
		if r.tat, ok = s[4].(string); !ok {
			return reply{}, fmt.Errorf("%w: %v", errReply, v)
		}
	}
	return r, nil
}
