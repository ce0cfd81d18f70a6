package httplimit

import (
	"net/http"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
)

// TestFallback: a Decision made by a Store's failure policy gets no
// rate-limit headers and no hook but the handler; a refusal is 503 with
// Retry-After from the Decision, none when it is negative.
func TestFallback(t *testing.T) {
	for _, c := range []struct {
		name       string
		d          ratelimit.Decision
		code       int
		retryAfter string
	}{
		{"allowed", ratelimit.Decision{Allowed: true, Limit: 1, Burst: 3, Remaining: 3, Fallback: true}, 200, ""},
		{"refused", ratelimit.Decision{Limit: 1, Burst: 3, RetryAfter: 1500 * time.Millisecond, ResetAfter: time.Second, Fallback: true}, 503, "2"},
		{"refused briefly", ratelimit.Decision{Limit: 1, Burst: 3, RetryAfter: time.Microsecond, Fallback: true}, 503, "1"},
		{"refused for ever", ratelimit.Decision{Limit: 1, Burst: 3, RetryAfter: -1, ResetAfter: -1, Fallback: true}, 503, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			next := &served{}
			l := &Limiter{
				Store:   answer(c.d, nil, nil, nil),
				OnError: func(_ *http.Request, err error) { t.Errorf("OnError(%v) for a Fallback decision", err) },
				Headers: func(http.Header, ratelimit.Decision) { t.Errorf("Headers ran for a Fallback decision") },
				Refused: func(http.ResponseWriter, *http.Request, ratelimit.Decision) {
					t.Errorf("Refused ran for a Fallback decision")
				},
			}
			w := do(l, next, "192.0.2.1:1")
			if w.Code != c.code || (next.calls == 1) != c.d.Allowed {
				t.Errorf("answer %d after %d calls of the handler, want %d", w.Code, next.calls, c.code)
			}
			if got := w.Header().Get("Retry-After"); got != c.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, c.retryAfter)
			}
			for _, name := range []string{"RateLimit", "RateLimit-Policy"} {
				if v := w.Header().Values(name); len(v) != 0 {
					t.Errorf("%s = %q for a Fallback decision", name, v)
				}
			}
		})
	}
}

// TestFallbackDefaultHooks: with the default hooks too, a Fallback refusal
// is a 503 without rate-limit fields, not the 429 of the client's limit.
func TestFallbackDefaultHooks(t *testing.T) {
	d := ratelimit.Decision{Limit: 1, Burst: 1, RetryAfter: 300 * time.Millisecond, ResetAfter: 300 * time.Millisecond, Fallback: true}
	w := do(&Limiter{Store: answer(d, nil, nil, nil)}, &served{}, "192.0.2.1:1")
	if w.Code != 503 || w.Header().Get("Retry-After") != "1" || w.Header().Get("RateLimit") != "" {
		t.Errorf("answer %d, headers %v; want 503 with Retry-After: 1 and no RateLimit", w.Code, w.Header())
	}
}
