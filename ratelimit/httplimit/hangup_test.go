package httplimit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
)

// silentWriter is a ResponseWriter that fails the test on any answer.
type silentWriter struct {
	t *testing.T
	h http.Header
}

func (w *silentWriter) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}

func (w *silentWriter) Write(b []byte) (int, error) {
	w.t.Errorf("Write(%q) to a client that left", b)
	return len(b), nil
}

func (w *silentWriter) WriteHeader(code int) {
	w.t.Errorf("WriteHeader(%d) to a client that left", code)
}

// hangUpCases are the Stores' answers that a request whose client left
// may meet: each of them, and the failure policies, must leave it unserved.
var hangUpCases = []struct {
	name string
	d    ratelimit.Decision
	err  error
}{
	{"allowed", allowed, nil},
	{"refused", refused, nil},
	{"never", never, nil},
	{"context error", ratelimit.Decision{}, context.Canceled},
	{"store failure", ratelimit.Decision{}, errors.New("redis down")},
	{"fallback allowed", ratelimit.Decision{Allowed: true, Limit: 1, Burst: 3, Remaining: 3, Fallback: true}, nil},
	{"fallback refused", ratelimit.Decision{Limit: 1, Burst: 3, RetryAfter: time.Second, Fallback: true}, nil},
}

// hangUpLimiter returns a Limiter on store whose every hook fails t, and a
// handler that fails t too.
func hangUpLimiter(t *testing.T, store Store, failClosed bool) (*Limiter, http.Handler) {
	return &Limiter{
			Store:      store,
			FailClosed: failClosed,
			OnError:    func(_ *http.Request, err error) { t.Errorf("OnError(%v) for a client that left", err) },
			Headers:    func(http.Header, ratelimit.Decision) { t.Errorf("Headers ran for a client that left") },
			Refused: func(http.ResponseWriter, *http.Request, ratelimit.Decision) {
				t.Errorf("Refused ran for a client that left")
			},
		}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			t.Errorf("a request whose client left was served")
		})
}

// TestHangUpBeforeDecision: a request whose context is done when it
// arrives is neither decided nor served nor answered.
func TestHangUpBeforeDecision(t *testing.T) {
	for _, c := range hangUpCases {
		for _, failClosed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/FailClosed=%v", c.name, failClosed), func(t *testing.T) {
				takes := 0
				store := storeFunc(func(context.Context, string, int) (ratelimit.Decision, error) {
					takes++
					return c.d, c.err
				})
				l, next := hangUpLimiter(t, store, failClosed)
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				r := httptest.NewRequestWithContext(ctx, "POST", "/", nil)
				w := &silentWriter{t: t}
				l.Wrap(next).ServeHTTP(w, r)
				if takes != 0 || len(w.h) != 0 {
					t.Errorf("%d Takes, headers %v; want none", takes, w.h)
				}
			})
		}
	}
}

// TestHangUpDuringDecision: a request whose client leaves while the Store
// decides is not served, whatever the Store answers.
func TestHangUpDuringDecision(t *testing.T) {
	for _, c := range hangUpCases {
		for _, failClosed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/FailClosed=%v", c.name, failClosed), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				store := storeFunc(func(context.Context, string, int) (ratelimit.Decision, error) {
					cancel() // the client hangs up while the answer is on its way
					return c.d, c.err
				})
				l, next := hangUpLimiter(t, store, failClosed)
				r := httptest.NewRequestWithContext(ctx, "POST", "/", nil)
				w := &silentWriter{t: t}
				l.Wrap(next).ServeHTTP(w, r)
				if len(w.h) != 0 {
					t.Errorf("headers %v for a client that left", w.h)
				}
			})
		}
	}
}

// TestHangUpKeyError: a key error of a request whose client already left
// is not reported either.
func TestHangUpKeyError(t *testing.T) {
	l, next := hangUpLimiter(t, answer(allowed, nil, nil, nil), true)
	l.Key = func(*http.Request) (string, error) { return "", errors.New("no key") }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l.Wrap(next).ServeHTTP(&silentWriter{t: t}, httptest.NewRequestWithContext(ctx, "GET", "/", nil))
}

// TestHangUpServer: clients that send a POST and close the connection at
// once, against a slow Store that answers only once the request's context
// is done, half of them with an allowed Decision and half with the
// context's error, as a remote store gives it. None reaches the handler.
func TestHangUpServer(t *testing.T) {
	const clients = 50
	var takes, done, served atomic.Int64
	store := storeFunc(func(ctx context.Context, _ string, _ int) (ratelimit.Decision, error) {
		n := takes.Add(1)
		defer done.Add(1)
		select {
		case <-ctx.Done():
		case <-time.After(30 * time.Second):
			t.Errorf("a Take's context was not done 30s after its client hung up")
		}
		if n%2 == 0 {
			return allowed, nil
		}
		return ratelimit.Decision{}, ctx.Err()
	})
	var errs, opened, closed atomic.Int64
	l := &Limiter{Store: store, OnError: func(*http.Request, error) { errs.Add(1) }}
	srv := httptest.NewUnstartedServer(l.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		served.Add(1)
	})))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			closed.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	for range clients {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n")
		conn.Close()
	}
	// Each connection the server accepted is closed once its request was
	// dealt with. On a loaded machine the kernel may lose one that the
	// client closed before the server accepted it; then it never counts.
	for deadline := time.Now().Add(30 * time.Second); closed.Load() < clients; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			if o, c := opened.Load(), closed.Load(); o != c {
				t.Fatalf("%d of %d connections the server accepted were done within 30s", c, o)
			}
			t.Logf("the server saw %d of %d connections", closed.Load(), clients)
			break
		}
	}
	if takes.Load() == 0 || takes.Load() != done.Load() {
		t.Errorf("%d Takes started, %d returned; want as many, and some", takes.Load(), done.Load())
	}
	if served.Load() != 0 || errs.Load() != 0 {
		t.Errorf("%d of %d requests that hung up were served, %d reported to OnError; want 0, 0", served.Load(), clients, errs.Load())
	}
}
