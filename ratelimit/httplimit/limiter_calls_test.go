package httplimit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gopatterns/concurrency/ratelimit"
)

// Tests of what the middleware hands its Store and hooks, and when.

// ctxKey marks the request's context, to see that the Store gets it.
type ctxKey struct{}

// The Store's Take gets the request's context.
func TestWrapStoreGetsRequestContext(t *testing.T) {
	var got any
	l := &Limiter{Store: storeFunc(func(ctx context.Context, _ string, _ int) (ratelimit.Decision, error) {
		got = ctx.Value(ctxKey{})
		return allowed, nil
	})}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "request"))
	l.Wrap(&served{}).ServeHTTP(httptest.NewRecorder(), r)
	if got != "request" {
		t.Errorf("the Store's context carries %v, want the request's", got)
	}
}

// OnError hears of a request before its answer is written: before the
// wrapped handler serves it, before the 503, before the refusal.
func TestWrapOnErrorBeforeAnswer(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name       string
		d          ratelimit.Decision
		err        error
		failClosed bool
		wantCode   int
	}{
		{"store fails, open", allowed, boom, false, 200},
		{"store fails, closed", allowed, boom, true, http.StatusServiceUnavailable},
		{"never allowed", never, nil, false, http.StatusTooManyRequests},
	} {
		next := &served{}
		w := httptest.NewRecorder()
		heard := 0
		l := &Limiter{Store: answer(tc.d, tc.err, nil, nil), FailClosed: tc.failClosed,
			OnError: func(*http.Request, error) {
				heard++
				if next.calls != 0 || w.Body.Len() != 0 {
					t.Errorf("%s: OnError called after the answer was written", tc.name)
				}
			},
		}
		l.Wrap(next).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if heard != 1 || w.Code != tc.wantCode || w.Body.Len() == 0 {
			t.Errorf("%s: OnError heard %d times, answer %d %q; want once, %d", tc.name, heard, w.Code, w.Body, tc.wantCode)
		}
	}
}

// A refused request whose tokens come at once (RetryAfter 0, as a Store
// may round) can pass later: the Limiter gives it Retry-After 1, though its
// Headers field set none, and OnError does not hear of it.
func TestWrapRetryAfterZero(t *testing.T) {
	var errs errorLog
	now := ratelimit.Decision{Limit: 1, Burst: 3}
	l := &Limiter{Store: answer(now, nil, nil, nil), OnError: errs.add, Headers: func(http.Header, ratelimit.Decision) {}}
	w := do(l, &served{}, "192.0.2.1:1")
	if got := w.Header().Values("Retry-After"); w.Code != http.StatusTooManyRequests || len(got) != 1 || got[0] != "1" {
		t.Errorf("answer %d, Retry-After %q; want 429, [1]", w.Code, got)
	}
	if len(errs.errs) != 0 {
		t.Errorf("OnError heard %v of a request that can pass later", errs.errs)
	}
}
