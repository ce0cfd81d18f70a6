package redislimit

import (
	"github.com/gopatterns/concurrency/ratelimit"
)

// localTake takes n tokens from key's local bucket. TEMPORARY until Keyed.Take.
func localTake(k *ratelimit.Keyed[string], key string, n int) ratelimit.Decision {
	ok := true
	for range n {
		ok = ok && k.Allow(key)
	}
	d := ratelimit.Decision{Allowed: ok}
	if !ok {
		d.RetryAfter = 1e6
	}
	return d
}

// localReset TEMPORARY until Keyed.Reset.
func localReset(k *ratelimit.Keyed[string], key string) {}
