package httplimit

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

// policyName names the one quota policy that SetHeaders describes. The
// draft requires every RateLimit item to name the RateLimit-Policy item it
// reports on.
const policyName = `"default"`

// maxSFInteger is the largest Integer a structured field can carry (RFC
// 9651, section 3.3.1): fifteen decimal digits.
const maxSFInteger = 999_999_999_999_999

// SetHeaders sets the rate-limit fields of a response to a request that d
// decided on, following draft-ietf-httpapi-ratelimit-headers-11:
//
//	RateLimit-Policy: "default";q=20;w=2
//	RateLimit: "default";r=0;t=1
//	Retry-After: 1
//
// A token bucket of burst b refilled at rate l is described as the policy
// "default" with the window w = b/l seconds in which an empty bucket
// refills, rounded up (at least 1), and the quota q = l*w rounded down, but
// never less than b: the most the bucket hands out over a window at its
// steady rate. A bucket of 20 at 10 per second is q=20;w=2; one of 1 at 100
// per second is q=100;w=1. The RateLimit field reports r, the whole tokens
// left (d.Remaining), and t, the seconds until the bucket is full again
// (d.ResetAfter rounded up). A client that spends no more than r within t
// stays within the limit; the bucket refills during t as well, so the hint
// errs on the safe side.
//
// When d refuses the request and the tokens can come (d.RetryAfter >= 0),
// SetHeaders also sets Retry-After to d.RetryAfter in whole seconds, rounded
// up and at least 1, and reports that same number as t: the draft asks that
// Retry-After not point before the end of the window t describes, and that
// a client prefer Retry-After where both are present. A request that can
// never pass gets no Retry-After. At rate 0 (a bucket that never refills)
// the policy has no window and RateLimit no t.
//
// With d.Limit == rate.Inf nothing limits the request and SetHeaders sets
// nothing. It replaces any values h had for the fields it sets. Numbers are
// capped at the fifteen digits a structured field can carry.
func SetHeaders(h http.Header, d ratelimit.Decision) {
	if d.Limit == rate.Inf {
		return
	}
	// One buffer and one slice backing for all three values; the keys are
	// in canonical form, so that no call canonicalizes (and copies) them.
	var buf [128]byte
	b := appendPolicy(buf[:0], d.Limit, d.Burst)
	policyEnd := len(b)
	t, retry := d.ResetAfter, int64(-1)
	if !d.Allowed && d.RetryAfter >= 0 {
		retry = retryAfterSeconds(d.RetryAfter)
		t = time.Duration(retry) * time.Second
	}
	b = append(b, policyName+";r="...)
	b = strconv.AppendInt(b, clampSF(float64(d.Remaining)), 10)
	if t >= 0 {
		b = append(b, ";t="...)
		b = strconv.AppendInt(b, ceilSeconds(t), 10)
	}
	rateEnd := len(b)
	if retry >= 0 {
		b = strconv.AppendInt(b, retry, 10)
	}
	all := string(b)
	vals := make([]string, 3)
	vals[0], vals[1], vals[2] = all[:policyEnd], all[policyEnd:rateEnd], all[rateEnd:]
	h["Ratelimit-Policy"] = vals[0:1:1]
	h["Ratelimit"] = vals[1:2:2]
	if retry >= 0 {
		h["Retry-After"] = vals[2:3:3]
	}
}

// appendPolicy appends the RateLimit-Policy item for a bucket of burst b
// refilled at rate l.
func appendPolicy(buf []byte, l rate.Limit, b int) []byte {
	buf = append(buf, policyName+";q="...)
	if l <= 0 {
		return strconv.AppendInt(buf, clampSF(float64(b)), 10)
	}
	w := max(1, ceilTolerant(float64(b)/float64(l)))
	q := max(float64(b), floorTolerant(float64(l)*w))
	buf = strconv.AppendInt(buf, clampSF(q), 10)
	buf = append(buf, ";w="...)
	return strconv.AppendInt(buf, clampSF(w), 10)
}

// retryAfterSeconds returns the Retry-After value for a wait of d: whole
// seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int64 {
	return max(1, ceilSeconds(d))
}

// ceilSeconds returns d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int64 {
	s := int64(d / time.Second)
	if d%time.Second > 0 {
		s++
	}
	return s
}

// tolerance is how close to an integer a quotient of floats counts as it:
// 3 tokens at 1/60 per second refill in 180.00000000000003 seconds.
const tolerance = 1e-9

// ceilTolerant returns x rounded up, where x within tolerance (relative,
// for large x) of an integer counts as that integer.
func ceilTolerant(x float64) float64 {
	if r := math.Round(x); math.Abs(x-r) <= tolerance*max(1, math.Abs(x)) {
		return r
	}
	return math.Ceil(x)
}

// floorTolerant is ceilTolerant rounding down.
func floorTolerant(x float64) float64 {
	if r := math.Round(x); math.Abs(x-r) <= tolerance*max(1, math.Abs(x)) {
		return r
	}
	return math.Floor(x)
}

// clampSF returns x as an integer in [0, maxSFInteger].
func clampSF(x float64) int64 {
	switch {
	case !(x > 0): // also NaN
		return 0
	case x >= maxSFInteger:
		return maxSFInteger
	}
	return int64(x)
}
