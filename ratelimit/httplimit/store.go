package httplimit

import (
	"context"

	"github.com/gopatterns/concurrency/ratelimit"
)

// A Store is a per-key rate limiter: a token bucket for every key.
//
// Take takes n tokens from key's bucket, all of them or none, and reports
// the decision with the fields and rounding that ratelimit.Decision
// documents; n == 0 reports without taking. It returns an error only when it
// could not decide, for example when a remote store is out of reach or ctx
// is done; the Limiter then applies its own policy (see Limiter.FailClosed)
// and ignores the Decision, unless ctx is done: a request whose client left
// is dropped whatever Take returned. A Store that decides by a policy of
// its own when it cannot count, as redislimit's failure policies do, sets
// Decision.Fallback. A Store must be safe for concurrent use.
//
// Keyed adapts a ratelimit.Keyed; redislimit.Limiter shares one limit
// among many processes.
type Store interface {
	Take(ctx context.Context, key string, n int) (ratelimit.Decision, error)
}
