package redislimit

// A FailurePolicy says what a Limiter decides when Redis cannot: see
// Limiter.SetFailurePolicy. The zero value is FailError.
type FailurePolicy struct {
	kind     failKind
	fraction float64
}

type failKind int

const (
	failError failKind = iota
	failOpen
	failClosed
	failLocal
)

// The failure policies. FailLocal returns the third kind.
var (
	// FailError makes every method return an error that wraps
	// ErrUnavailable, so that the caller decides (httplimit.Limiter lets the
	// request through and reports the error, by default). It is the default.
	FailError = FailurePolicy{kind: failError}

	// FailOpen allows every event while Redis is unavailable, as rate.Inf
	// does: Take reports Allowed with Remaining = Burst.
	FailOpen = FailurePolicy{kind: failOpen}

	// FailClosed refuses every event while Redis is unavailable: Take reports
	// Remaining 0 and a RetryAfter of the time until the next probe of
	// Redis, at least a microsecond; Wait and WaitN return the error at once.
	// Behind httplimit, a refusal of FailClosed (a Decision with Fallback
	// set) is answered 503 Service Unavailable with Retry-After, as
	// httplimit.Limiter.FailClosed answers a store failure: the client is
	// not told that it went over its own limit.
	FailClosed = FailurePolicy{kind: failClosed}
)

// FailLocal returns the policy that decides with a token bucket per key in
// this process, at fraction of the Limiter's rate, with fraction of its
// burst (rounded up, at least 1). For a service of n instances, 1/n keeps
// the whole near the limit while Redis is away. The local buckets remember
// at most 100,000 keys, forgetting full ones first (ratelimit.Keyed), and
// start full. FailLocal panics unless 0 < fraction <= 1.
func FailLocal(fraction float64) FailurePolicy {
	if !(fraction > 0 && fraction <= 1) {
		panic("redislimit: FailLocal fraction not in (0, 1]")
	}
	return FailurePolicy{kind: failLocal, fraction: fraction}
}
