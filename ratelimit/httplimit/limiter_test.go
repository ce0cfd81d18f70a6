package httplimit

import (
	"bytes"
	"context"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/ratelimit"
)

// served is a handler that answers 200 "ok" and counts its calls.
type served struct{ calls int }

func (s *served) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.calls++
	w.Write([]byte("ok"))
}

// errorLog collects what a Limiter reports to OnError.
type errorLog struct{ errs []error }

func (l *errorLog) add(_ *http.Request, err error) { l.errs = append(l.errs, err) }

// answer returns a Store that answers every Take with d and err, and
// records the keys and costs it was asked for.
func answer(d ratelimit.Decision, err error, keys *[]string, costs *[]int) Store {
	return storeFunc(func(_ context.Context, key string, n int) (ratelimit.Decision, error) {
		if keys != nil {
			*keys = append(*keys, key)
		}
		if costs != nil {
			*costs = append(*costs, n)
		}
		return d, err
	})
}

// do sends one request from remote through l.Wrap(next) and returns the
// recorded response.
func do(l *Limiter, next http.Handler, remote string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	l.Wrap(next).ServeHTTP(w, r)
	return w
}

var (
	allowed = ratelimit.Decision{Allowed: true, Limit: 1, Burst: 3, Remaining: 2, ResetAfter: time.Second}
	refused = ratelimit.Decision{Limit: 1, Burst: 3, RetryAfter: 1500 * time.Millisecond, ResetAfter: 3 * time.Second}
	never   = ratelimit.Decision{Limit: 1, Burst: 3, Remaining: 3, RetryAfter: -1}
)

func TestWrapAllowed(t *testing.T) {
	var keys []string
	var costs []int
	next := &served{}
	var errs errorLog
	w := do(&Limiter{Store: answer(allowed, nil, &keys, &costs), OnError: errs.add}, next, "192.0.2.1:4711")
	if w.Code != 200 || w.Body.String() != "ok" || next.calls != 1 {
		t.Errorf("answer %d %q after %d calls, want 200 \"ok\" after 1", w.Code, w.Body, next.calls)
	}
	if got, want := w.Header().Get("RateLimit"), `"default";r=2;t=1`; got != want {
		t.Errorf("RateLimit = %q, want %q", got, want)
	}
	if got := w.Header().Get("Retry-After"); got != "" {
		t.Errorf("Retry-After = %q on an allowed request", got)
	}
	if len(keys) != 1 || keys[0] != "192.0.2.1" || costs[0] != 1 {
		t.Errorf("Take(key %q, n %v), want key 192.0.2.1 without the port, n 1", keys, costs)
	}
	if len(errs.errs) != 0 {
		t.Errorf("OnError heard %v", errs.errs)
	}
}

func TestWrapRefused(t *testing.T) {
	next := &served{}
	var errs errorLog
	w := do(&Limiter{Store: answer(refused, nil, nil, nil), OnError: errs.add}, next, "192.0.2.1:4711")
	if w.Code != http.StatusTooManyRequests || next.calls != 0 {
		t.Errorf("answer %d after %d calls of the handler, want 429 after none", w.Code, next.calls)
	}
	if got := w.Header().Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2 (1.5 s rounded up)", got)
	}
	if got, want := w.Header().Get("RateLimit"), `"default";r=0;t=2`; got != want {
		t.Errorf("RateLimit = %q, want %q", got, want)
	}
	if got := w.Body.String(); got != "Too Many Requests\n" {
		t.Errorf("body %q", got)
	}
	if len(errs.errs) != 0 {
		t.Errorf("OnError heard %v of a request that can pass later", errs.errs)
	}
}

func TestWrapNeverAllowed(t *testing.T) {
	next := &served{}
	var errs errorLog
	l := &Limiter{Store: answer(never, nil, nil, nil), OnError: errs.add, Cost: func(*http.Request) int { return 5 }}
	w := do(l, next, "192.0.2.1:4711")
	if w.Code != http.StatusTooManyRequests || next.calls != 0 {
		t.Errorf("answer %d after %d calls of the handler, want 429 after none", w.Code, next.calls)
	}
	if got := w.Header().Values("Retry-After"); got != nil {
		t.Errorf("Retry-After = %q for a request that can never pass", got)
	}
	if w.Header().Get("RateLimit") == "" {
		t.Error("no RateLimit field on a decided request")
	}
	if len(errs.errs) != 1 || !errors.Is(errs.errs[0], ratelimit.ErrNeverAllowed) {
		t.Fatalf("OnError heard %v, want one error wrapping ErrNeverAllowed", errs.errs)
	}
	if msg := errs.errs[0].Error(); !strings.Contains(msg, "cost 5") || !strings.Contains(msg, "192.0.2.1") {
		t.Errorf("error %q does not name the cost and the key", msg)
	}
}

func TestWrapStoreFails(t *testing.T) {
	boom := errors.New("boom")
	for _, failClosed := range []bool{false, true} {
		next := &served{}
		var errs errorLog
		l := &Limiter{Store: answer(refused, boom, nil, nil), FailClosed: failClosed, OnError: errs.add}
		w := do(l, next, "192.0.2.1:4711")
		wantCode, wantCalls := 200, 1
		if failClosed {
			wantCode, wantCalls = http.StatusServiceUnavailable, 0
		}
		if w.Code != wantCode || next.calls != wantCalls {
			t.Errorf("FailClosed %v: answer %d after %d calls, want %d after %d", failClosed, w.Code, next.calls, wantCode, wantCalls)
		}
		for _, name := range []string{"RateLimit", "RateLimit-Policy", "Retry-After"} {
			if got := w.Header().Get(name); got != "" {
				t.Errorf("FailClosed %v: %s = %q after the store failed", failClosed, name, got)
			}
		}
		if len(errs.errs) != 1 || !errors.Is(errs.errs[0], ErrStore) || !errors.Is(errs.errs[0], boom) {
			t.Errorf("FailClosed %v: OnError heard %v, want one error wrapping ErrStore and the store's", failClosed, errs.errs)
		}
	}
}

func TestWrapKeyFails(t *testing.T) {
	boom := errors.New("no key")
	keyFuncs := map[string]func(*http.Request) (string, error){
		"default key, bad RemoteAddr": nil,
		"custom key":                  func(*http.Request) (string, error) { return "", boom },
	}
	for name, key := range keyFuncs {
		for _, failClosed := range []bool{false, true} {
			next := &served{}
			var errs errorLog
			var keys []string
			l := &Limiter{Store: answer(allowed, nil, &keys, nil), Key: key, FailClosed: failClosed, OnError: errs.add}
			w := do(l, next, "@")
			wantCode, wantCalls := 200, 1
			if failClosed {
				wantCode, wantCalls = http.StatusServiceUnavailable, 0
			}
			if w.Code != wantCode || next.calls != wantCalls {
				t.Errorf("%s, FailClosed %v: answer %d after %d calls, want %d after %d", name, failClosed, w.Code, next.calls, wantCode, wantCalls)
			}
			if len(keys) != 0 {
				t.Errorf("%s: the Store was asked for keys %q after the key failed", name, keys)
			}
			if w.Header().Get("RateLimit") != "" {
				t.Errorf("%s: RateLimit field without a decision", name)
			}
			if len(errs.errs) != 1 || !errors.Is(errs.errs[0], ErrKey) {
				t.Errorf("%s: OnError heard %v, want one error wrapping ErrKey", name, errs.errs)
			}
			if key != nil && !errors.Is(errs.errs[0], boom) {
				t.Errorf("%s: %v does not wrap the key function's error", name, errs.errs[0])
			}
		}
	}
}

func TestWrapFields(t *testing.T) {
	var keys []string
	var costs []int
	next := &served{}
	var gotDecision ratelimit.Decision
	l := &Limiter{
		Store: answer(refused, nil, &keys, &costs),
		Key:   func(r *http.Request) (string, error) { return "user:" + r.Header.Get("User"), nil },
		Cost:  func(r *http.Request) int { return len(r.URL.Path) },
		Skip:  func(r *http.Request) bool { return r.URL.Path == "/healthz" },
		Headers: func(h http.Header, d ratelimit.Decision) {
			SetHeaders(h, d)
			h.Set("X-RateLimit-Remaining", "0")
		},
		Refused: func(w http.ResponseWriter, _ *http.Request, d ratelimit.Decision) {
			gotDecision = d
			w.WriteHeader(http.StatusTeapot)
		},
	}
	h := l.Wrap(next)

	r := httptest.NewRequest("GET", "/healthz", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || next.calls != 1 || len(keys) != 0 || w.Header().Get("RateLimit") != "" {
		t.Errorf("skipped request: answer %d, %d calls, keys %q, header %v; want 200, 1 call, no key, no rate-limit fields", w.Code, next.calls, keys, w.Header())
	}

	r = httptest.NewRequest("GET", "/abc", nil)
	r.Header.Set("User", "ann")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusTeapot || next.calls != 1 {
		t.Errorf("refused request: answer %d after %d calls, want Refused's 418 after 1", w.Code, next.calls)
	}
	if len(keys) != 1 || keys[0] != "user:ann" || costs[0] != 4 {
		t.Errorf("Take(key %q, n %v), want key user:ann, n 4", keys, costs)
	}
	if gotDecision != refused {
		t.Errorf("Refused got %+v, want %+v", gotDecision, refused)
	}
	if w.Header().Get("X-RateLimit-Remaining") != "0" || w.Header().Get("Retry-After") != "2" {
		t.Errorf("header %v: Headers did not set the response's fields before Refused", w.Header())
	}
}

// A Headers field that leaves out Retry-After does not take it from a
// refused answer; one that sets its own keeps it.
func TestWrapRetryAfterWithoutSetHeaders(t *testing.T) {
	for _, own := range []string{"", "Wed, 21 Oct 2026 07:28:00 GMT"} {
		l := &Limiter{
			Store: answer(refused, nil, nil, nil),
			Headers: func(h http.Header, _ ratelimit.Decision) {
				if own != "" {
					h.Set("Retry-After", own)
				}
			},
		}
		w := do(l, &served{}, "192.0.2.1:1")
		want := own
		if want == "" {
			want = "2"
		}
		if got := w.Header().Values("Retry-After"); w.Code != 429 || len(got) != 1 || got[0] != want {
			t.Errorf("Headers setting %q: answer %d, Retry-After %q; want 429, [%s]", own, w.Code, got, want)
		}
	}
}

func TestWrapZeroCost(t *testing.T) {
	var costs []int
	next := &served{}
	peek := allowed
	peek.Remaining = 3
	l := &Limiter{Store: answer(peek, nil, nil, &costs), Cost: func(*http.Request) int { return 0 }}
	w := do(l, next, "192.0.2.1:1")
	if w.Code != 200 || len(costs) != 1 || costs[0] != 0 || w.Header().Get("RateLimit") == "" {
		t.Errorf("cost 0: answer %d, costs %v, header %v; want 200 after Take(n 0), with headers", w.Code, costs, w.Header())
	}
}

func TestWrapCopiesFields(t *testing.T) {
	next := &served{}
	l := &Limiter{Store: answer(allowed, nil, nil, nil)}
	h := l.Wrap(next)
	l.Store = answer(refused, nil, nil, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 200 {
		t.Errorf("answer %d: a change to the Limiter after Wrap reached its handler", w.Code)
	}
}

func TestWrapDefaultOnErrorLogs(t *testing.T) {
	var buf bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()

	w := do(&Limiter{Store: answer(allowed, errors.New("redis down"), nil, nil)}, &served{}, "192.0.2.1:1")
	if w.Code != 200 {
		t.Errorf("answer %d, want 200 (fail open)", w.Code)
	}
	if got := buf.String(); !strings.Contains(got, "httplimit: store failed") || !strings.Contains(got, "redis down") {
		t.Errorf("log %q, want the store's error", got)
	}
}

func TestWrapMisuse(t *testing.T) {
	store := answer(allowed, nil, nil, nil)
	conctest.Panics(t, "httplimit: nil Store", func() { (&Limiter{}).Wrap(&served{}) })
	conctest.Panics(t, "httplimit: nil handler", func() { (&Limiter{Store: store}).Wrap(nil) })
	l := &Limiter{Store: store, Cost: func(*http.Request) int { return -1 }}
	conctest.Panics(t, "httplimit: Cost returned -1", func() { do(l, &served{}, "192.0.2.1:1") })
}
