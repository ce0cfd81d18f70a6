package httplimit

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/ratelimit"
)

// TestKeyedHeaders checks, in a synctest bubble where time is exact, that
// each answer's fields say what the bucket holds: after every request the
// test peeks at the bucket with Take(key, 0) and compares.
func TestKeyedHeaders(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		k := ratelimit.NewKeyed[string](2, 5) // 2 per second, bursts of 5
		var errs errorLog
		cost := 1
		l := &Limiter{Store: Keyed(k), OnError: errs.add, Cost: func(*http.Request) int { return cost }}
		h := l.Wrap(&served{})
		send := func() *httptest.ResponseRecorder {
			t.Helper()
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "192.0.2.1:4711"
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if got, want := w.Header().Get("RateLimit-Policy"), `"default";q=6;w=3`; got != want {
				t.Errorf("RateLimit-Policy = %q, want %q", got, want)
			}
			return w
		}
		// check compares an answer with the bucket's state after it.
		check := func(w *httptest.ResponseRecorder, wantCode int, wantRemaining int, wantT int64, wantRetry string) {
			t.Helper()
			d := k.Take("192.0.2.1", 0)
			if d.Remaining != wantRemaining {
				t.Fatalf("bucket holds %d whole tokens, the test expects %d", d.Remaining, wantRemaining)
			}
			if d.Allowed && w.Code == 200 && wantT != ceilSeconds(d.ResetAfter) {
				t.Fatalf("bucket full in %v, the test expects %d s", d.ResetAfter, wantT)
			}
			want := fmt.Sprintf(`"default";r=%d;t=%d`, wantRemaining, wantT)
			if w.Code != wantCode || w.Header().Get("RateLimit") != want || w.Header().Get("Retry-After") != wantRetry {
				t.Errorf("answer %d, RateLimit %q, Retry-After %q; want %d, %q, %q",
					w.Code, w.Header().Get("RateLimit"), w.Header().Get("Retry-After"), wantCode, want, wantRetry)
			}
		}

		// A burst of 5 at once: full again after 0.5 s per token taken.
		for i, wantT := range []int64{1, 1, 2, 2, 3} {
			check(send(), 200, 4-i, wantT, "")
		}
		// Empty: refused until a token comes in 0.5 s.
		check(send(), 429, 0, 1, "1")
		time.Sleep(250 * time.Millisecond)
		check(send(), 429, 0, 1, "1")
		time.Sleep(250 * time.Millisecond)
		check(send(), 200, 0, 3, "") // the token that came is taken at once
		// 2.2 s later 4.4 tokens: a cost of 5 is refused, 0.3 s short.
		time.Sleep(2200 * time.Millisecond)
		cost = 5
		check(send(), 429, 4, 1, "1")
		cost = 3
		check(send(), 200, 1, 2, "") // 1.4 tokens left: 1.8 s to full
		// A cost over the burst never passes: no Retry-After, OnError hears.
		cost = 6
		check(send(), 429, 1, 2, "")
		if len(errs.errs) != 1 || !errors.Is(errs.errs[0], ratelimit.ErrNeverAllowed) {
			t.Errorf("OnError heard %v, want one ErrNeverAllowed", errs.errs)
		}
		// Retry-After that long: 3 tokens short at 2/s.
		time.Sleep(time.Minute)
		cost = 5
		check(send(), 200, 0, 3, "")
		w := send()
		d := k.Take("192.0.2.1", 0)
		if want := strconv.FormatInt(ceilSeconds(d.ResetAfter), 10); w.Header().Get("Retry-After") != want || want != "3" {
			t.Errorf("Retry-After %q for 5 tokens at 2/s from empty, want %s (= 3)", w.Header().Get("Retry-After"), want)
		}
	})
}

// An infinite rate allows everything and sets no fields.
func TestKeyedInf(t *testing.T) {
	h := (&Limiter{Store: Keyed(ratelimit.NewKeyed[string](rate.Inf, 1))}).Wrap(&served{})
	for range 3 {
		r := httptest.NewRequest("GET", "/", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 || w.Header().Get("RateLimit") != "" || w.Header().Get("RateLimit-Policy") != "" {
			t.Errorf("answer %d, header %v; want 200 without rate-limit fields", w.Code, w.Header())
		}
	}
}

func TestKeyedNil(t *testing.T) {
	conctest.Panics(t, "httplimit: nil Keyed", func() { Keyed(nil) })
}
