package httplimit

import (
	"fmt"
	"math"
	"net/http"
	"reflect"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
)

func TestSetHeaders(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name string
		d    ratelimit.Decision
		want http.Header // nil values: the field must be absent
	}{{
		name: "allowed, full after a token",
		d:    ratelimit.Decision{Allowed: true, Limit: 10, Burst: 20, Remaining: 19, ResetAfter: 100 * time.Millisecond},
		want: http.Header{"Ratelimit-Policy": {`"default";q=20;w=2`}, "Ratelimit": {`"default";r=19;t=1`}, "Retry-After": nil},
	}, {
		name: "allowed, full",
		d:    ratelimit.Decision{Allowed: true, Limit: 10, Burst: 20, Remaining: 20},
		want: http.Header{"Ratelimit": {`"default";r=20;t=0`}},
	}, {
		name: "reset rounds up",
		d:    ratelimit.Decision{Allowed: true, Limit: 1, Burst: 3, Remaining: 0, ResetAfter: 2*s + 1},
		want: http.Header{"Ratelimit-Policy": {`"default";q=3;w=3`}, "Ratelimit": {`"default";r=0;t=3`}},
	}, {
		name: "refused: Retry-After rounds up and is t",
		d:    ratelimit.Decision{Limit: 1, Burst: 3, RetryAfter: 1500 * time.Millisecond, ResetAfter: 3500 * time.Millisecond},
		want: http.Header{"Retry-After": {"2"}, "Ratelimit": {`"default";r=0;t=2`}},
	}, {
		name: "refused: whole seconds stay",
		d:    ratelimit.Decision{Limit: 1, Burst: 3, RetryAfter: 2 * s, ResetAfter: 3 * s},
		want: http.Header{"Retry-After": {"2"}, "Ratelimit": {`"default";r=0;t=2`}},
	}, {
		name: "refused: Retry-After at least 1",
		d:    ratelimit.Decision{Limit: 1e6, Burst: 1, RetryAfter: time.Microsecond, ResetAfter: time.Microsecond},
		want: http.Header{"Retry-After": {"1"}, "Ratelimit-Policy": {`"default";q=1000000;w=1`}, "Ratelimit": {`"default";r=0;t=1`}},
	}, {
		name: "refused: Retry-After 0 is still 1",
		d:    ratelimit.Decision{Limit: 1, Burst: 1},
		want: http.Header{"Retry-After": {"1"}, "Ratelimit": {`"default";r=0;t=1`}},
	}, {
		name: "refused: cost over the burst, some left",
		d:    ratelimit.Decision{Limit: 2, Burst: 5, Remaining: 4, RetryAfter: -1, ResetAfter: 500 * time.Millisecond},
		want: http.Header{"Retry-After": nil, "Ratelimit-Policy": {`"default";q=6;w=3`}, "Ratelimit": {`"default";r=4;t=1`}},
	}, {
		name: "rate 0: no window, no t",
		d:    ratelimit.Decision{Limit: 0, Burst: 5, Remaining: 2, RetryAfter: -1, ResetAfter: -1},
		want: http.Header{"Retry-After": nil, "Ratelimit-Policy": {`"default";q=5`}, "Ratelimit": {`"default";r=2`}},
	}, {
		name: "rate 0, allowed",
		d:    ratelimit.Decision{Allowed: true, Limit: 0, Burst: 5, Remaining: 4, ResetAfter: -1},
		want: http.Header{"Ratelimit-Policy": {`"default";q=5`}, "Ratelimit": {`"default";r=4`}},
	}, {
		name: "slow rate: window without float noise",
		d:    ratelimit.Decision{Allowed: true, Limit: rate.Every(time.Minute), Burst: 3, Remaining: 2, ResetAfter: time.Minute},
		want: http.Header{"Ratelimit-Policy": {`"default";q=3;w=180`}, "Ratelimit": {`"default";r=2;t=60`}},
	}, {
		name: "quota is the rate over the window",
		d:    ratelimit.Decision{Allowed: true, Limit: 3, Burst: 5, Remaining: 5},
		want: http.Header{"Ratelimit-Policy": {`"default";q=6;w=2`}},
	}, {
		name: "quota rounds down",
		d:    ratelimit.Decision{Allowed: true, Limit: 2.7, Burst: 4, Remaining: 4},
		want: http.Header{"Ratelimit-Policy": {`"default";q=5;w=2`}},
	}, {
		name: "quota rounds down from a half too",
		d:    ratelimit.Decision{Allowed: true, Limit: 0.7, Burst: 3, Remaining: 3},
		want: http.Header{"Ratelimit-Policy": {`"default";q=3;w=5`}}, // 3.5 tokens in 5 s
	}, {
		name: "window without float noise above",
		d:    ratelimit.Decision{Allowed: true, Limit: 0.0003, Burst: 9, Remaining: 9},
		want: http.Header{"Ratelimit-Policy": {`"default";q=9;w=30000`}}, // 9/0.0003 = 30000.000000000004
	}, {
		name: "quota without float noise below",
		d:    ratelimit.Decision{Allowed: true, Limit: 1.4, Burst: 62, Remaining: 62},
		want: http.Header{"Ratelimit-Policy": {`"default";q=63;w=45`}}, // 1.4*45 = 62.99999999999999
	}, {
		name: "large quota: the tolerance grows with it",
		d:    ratelimit.Decision{Allowed: true, Limit: rate.Every(3 * time.Millisecond), Burst: 64667, Remaining: 64667},
		want: http.Header{"Ratelimit-Policy": {`"default";q=65000;w=195`}}, // 195/0.003 = 64999.99999999999
	}, {
		name: "huge numbers are capped",
		d:    ratelimit.Decision{Allowed: true, Limit: 1e300, Burst: math.MaxInt, Remaining: math.MaxInt},
		want: http.Header{"Ratelimit-Policy": {`"default";q=999999999999999;w=1`}, "Ratelimit": {fmt.Sprintf(`"default";r=%d;t=0`, min(int64(math.MaxInt), 999999999999999))}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			SetHeaders(h, tt.d)
			for name, want := range tt.want {
				if got := h.Values(name); !reflect.DeepEqual(got, want) && !(got == nil && want == nil) {
					t.Errorf("SetHeaders(%+v): %s = %q, want %q", tt.d, name, got, want)
				}
			}
		})
	}
}

func TestSetHeadersInf(t *testing.T) {
	for _, allowed := range []bool{true, false} {
		h := http.Header{"Retry-After": {"7"}}
		SetHeaders(h, ratelimit.Decision{Allowed: allowed, Limit: rate.Inf, Burst: 3, Remaining: 3})
		if want := (http.Header{"Retry-After": {"7"}}); !reflect.DeepEqual(h, want) {
			t.Errorf("SetHeaders(rate.Inf, allowed %v) = %v, want %v", allowed, h, want)
		}
	}
}

func TestSetHeadersReplaces(t *testing.T) {
	h := http.Header{"Ratelimit": {"old", "older"}, "Retry-After": {"99"}}
	SetHeaders(h, ratelimit.Decision{Limit: 1, Burst: 1, RetryAfter: time.Second, ResetAfter: time.Second})
	if got := h.Values("RateLimit"); len(got) != 1 || got[0] != `"default";r=0;t=1` {
		t.Errorf("RateLimit = %q, want the one new value", got)
	}
	if got := h.Values("Retry-After"); len(got) != 1 || got[0] != "1" {
		t.Errorf("Retry-After = %q, want [1]", got)
	}
}

// A float within the tolerance of an integer, relative for large ones,
// rounds to that integer, both ways; at exactly the tolerance too.
func TestTolerantRounding(t *testing.T) {
	tests := []struct{ x, ceil, floor float64 }{
		{180.00000000000003, 180, 180},
		{2.9999999999999996, 3, 3},
		{2.5, 3, 2},
		{2.000001, 3, 2},
		{1e-9, 0, 0},
		{-1e-9, 0, 0},
		{2e-9, 1, 0},
		{1e8 + 0.05, 1e8, 1e8},
		{1e8 - 0.05, 1e8, 1e8},
		{1e8 + 0.2, 1e8 + 1, 1e8},
	}
	for _, tt := range tests {
		if got := ceilTolerant(tt.x); got != tt.ceil {
			t.Errorf("ceilTolerant(%v) = %v, want %v", tt.x, got, tt.ceil)
		}
		if got := floorTolerant(tt.x); got != tt.floor {
			t.Errorf("floorTolerant(%v) = %v, want %v", tt.x, got, tt.floor)
		}
	}
}
