package httphedge

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/cancel"
	"github.com/gopatterns/concurrency/internal/conctest"
)

const ms = time.Millisecond

// A fakeBase answers the copies of a request by plan, in start order, and
// records what became of each response and request.
type fakeBase struct {
	plan []reply

	mu       sync.Mutex
	n        int
	bodies   []*trackedBody
	reqs     []*http.Request
	sentBody []string
}

type reply struct {
	d      time.Duration // before the response or error
	status int           // 0: the error err
	body   string
	err    error
	deaf   bool // ignores the request's context
}

type trackedBody struct {
	io.Reader
	closed atomic.Bool
}

func (b *trackedBody) Close() error { b.closed.Store(true); return nil }

func (f *fakeBase) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	i := f.n
	f.n++
	f.reqs = append(f.reqs, r)
	f.mu.Unlock()
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		f.mu.Lock()
		f.sentBody = append(f.sentBody, string(b))
		f.mu.Unlock()
	}
	p := f.plan[i]
	if p.deaf {
		time.Sleep(p.d)
	} else {
		select {
		case <-time.After(p.d):
		case <-r.Context().Done():
			return nil, context.Cause(r.Context())
		}
	}
	if p.status == 0 {
		return nil, p.err
	}
	b := &trackedBody{Reader: strings.NewReader(p.body)}
	f.mu.Lock()
	f.bodies = append(f.bodies, b)
	f.mu.Unlock()
	return &http.Response{StatusCode: p.status, Status: http.StatusText(p.status), Body: b, Request: r}, nil
}

func (f *fakeBase) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

func get(t *testing.T, ctx context.Context) *http.Request {
	t.Helper()
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/", nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return string(b)
}

func TestRoundTripHedges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		plan   []reply
		status int
		body   string
		closed []bool // which responses' bodies are closed once RoundTrip returned
		stats  cancel.HedgeStats
	}{
		{"no hedge needed", []reply{{d: 5 * ms, status: 200, body: "a"}}, 200, "a", []bool{false}, cancel.HedgeStats{Calls: 1}},
		{"slow first beaten", []reply{{d: time.Second, status: 200, body: "a"}, {d: 5 * ms, status: 200, body: "b"}}, 200, "b", []bool{false}, cancel.HedgeStats{Calls: 1, Hedges: 1, Won: 1}},
		{"4xx is a success", []reply{{d: time.Second, status: 200}, {d: 5 * ms, status: 404, body: "b"}}, 404, "b", []bool{false}, cancel.HedgeStats{Calls: 1, Hedges: 1, Won: 1}},
		{"5xx lets the other go on", []reply{{d: 30 * ms, status: 200, body: "a"}, {d: 5 * ms, status: 500, body: "b"}}, 200, "a", []bool{true, false}, cancel.HedgeStats{Calls: 1, Hedges: 1}},
		{"the last 5xx comes back", []reply{{d: 30 * ms, status: 500, body: "a"}, {d: 5 * ms, status: 503, body: "b"}}, 500, "a", []bool{true, false}, cancel.HedgeStats{Calls: 1, Hedges: 1}},
		{"5xx then error", []reply{{d: 12 * ms, status: 502, body: "a"}, {d: 5 * ms, err: errors.New("refused")}}, 502, "a", []bool{false}, cancel.HedgeStats{Calls: 1, Hedges: 1}},
		{"a response after the race is closed", []reply{{d: 30 * ms, status: 200, body: "a", deaf: true}, {d: 5 * ms, status: 200, body: "b"}}, 200, "b", []bool{false, true}, cancel.HedgeStats{Calls: 1, Hedges: 1, Won: 1}},
		{"a 5xx beats errors", []reply{{d: 15 * ms, status: 503, body: "a"}, {d: 3 * ms, err: errors.New("refused")}}, 503, "a", []bool{false}, cancel.HedgeStats{Calls: 1, Hedges: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				base := &fakeBase{plan: tc.plan}
				h := &cancel.Hedger{Delay: 10 * ms}
				tr := &Transport{Base: base, Hedger: h}
				resp, err := tr.RoundTrip(get(t, t.Context()))
				if err != nil {
					t.Fatalf("RoundTrip() error = %v", err)
				}
				for i, b := range base.bodies {
					if b.closed.Load() != tc.closed[i] {
						t.Errorf("body %d closed = %v, want %v", i, b.closed.Load(), tc.closed[i])
					}
				}
				if resp.StatusCode != tc.status || readBody(t, resp) != tc.body {
					t.Errorf("RoundTrip() = %d, want %d %q", resp.StatusCode, tc.status, tc.body)
				}
				resp.Body.Close()
				for i, b := range base.bodies {
					if !b.closed.Load() {
						t.Errorf("body %d open after the caller closed the body returned", i)
					}
				}
				if s := h.Stats(); s.Calls != tc.stats.Calls || s.Hedges != tc.stats.Hedges || s.Won != tc.stats.Won {
					t.Errorf("Stats() = %+v, want %+v", s, tc.stats)
				}
			})
		})
	}
}

// The winner's context ends only when its body is closed; the losers' at once.
func TestRoundTripContexts(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		base := &fakeBase{plan: []reply{{d: time.Second, status: 200}, {d: 5 * ms, status: 200, body: "b"}}}
		tr := &Transport{Base: base, Hedger: &cancel.Hedger{Delay: 10 * ms}}
		resp, err := tr.RoundTrip(get(t, t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		loser, winner := base.reqs[0].Context(), base.reqs[1].Context()
		if loser.Err() == nil {
			t.Error("the loser's context is live after RoundTrip returned")
		}
		time.Sleep(time.Minute)
		if winner.Err() != nil {
			t.Errorf("the winner's context ended before its body was closed: %v", context.Cause(winner))
		}
		resp.Body.Close()
		if context.Cause(winner) != errClosed {
			t.Errorf("the winner's context: cause %v after its body was closed, want %v", context.Cause(winner), errClosed)
		}
	})
}

// Without any response, the errors of Base come back joined, or the
// context's cause when it ended first.
func TestRoundTripErrors(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		e0, e1 := errors.New("e0"), errors.New("e1")
		base := &fakeBase{plan: []reply{{d: 15 * ms, err: e0}, {d: 1 * ms, err: e1}}}
		tr := &Transport{Base: base, Hedger: &cancel.Hedger{Delay: 10 * ms}}
		if _, err := tr.RoundTrip(get(t, t.Context())); !errors.Is(err, e0) || !errors.Is(err, e1) {
			t.Errorf("RoundTrip() error = %v, want e0 and e1", err)
		}

		stop := errors.New("stop")
		ctx, cancelCtx := context.WithCancelCause(t.Context())
		time.AfterFunc(20*ms, func() { cancelCtx(stop) })
		base = &fakeBase{plan: []reply{{d: 15 * ms, status: 503}, {d: time.Second, status: 200}}}
		tr = &Transport{Base: base, Hedger: &cancel.Hedger{Delay: 10 * ms}}
		if _, err := tr.RoundTrip(get(t, ctx)); err != stop {
			t.Errorf("RoundTrip() error = %v, want %v", err, stop)
		}
		if !base.bodies[0].closed.Load() {
			t.Error("the 5xx body is open after RoundTrip returned an error")
		}
	})
}

// Requests that are not safe to send twice go through once, uncounted.
func TestRoundTripNotHedged(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		for _, r := range []*http.Request{
			newRequest(t, http.MethodPost, strings.NewReader("x")),
			newRequest(t, http.MethodPatch, nil),
			newRequest(t, http.MethodPut, io.NopCloser(strings.NewReader("x"))), // no GetBody
			upgrade(newRequest(t, http.MethodGet, nil)),
		} {
			base := &fakeBase{plan: []reply{{d: time.Second, status: 200, body: "a"}}}
			h := &cancel.Hedger{Delay: 10 * ms}
			resp, err := (&Transport{Base: base, Hedger: h}).RoundTrip(r)
			if err != nil || readBody(t, resp) != "a" {
				t.Fatalf("%s: RoundTrip() error = %v", r.Method, err)
			}
			resp.Body.Close()
			if n := base.calls(); n != 1 {
				t.Errorf("%s sent %d times, want 1", r.Method, n)
			}
			if s := h.Stats(); s.Calls != 0 {
				t.Errorf("%s: Stats().Calls = %d, want 0", r.Method, s.Calls)
			}
		}
	})
}

func upgrade(r *http.Request) *http.Request {
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	return r
}

func newRequest(t *testing.T, method string, body io.Reader) *http.Request {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), method, "http://example.test/", body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A replayable body is sent again with each hedge.
func TestRoundTripReplaysBody(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		base := &fakeBase{plan: []reply{{d: time.Second, status: 200}, {d: 5 * ms, status: 200}}}
		tr := &Transport{Base: base, Hedger: &cancel.Hedger{Delay: 10 * ms}}
		resp, err := tr.RoundTrip(newRequest(t, http.MethodPut, strings.NewReader("payload")))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := base.sentBody; len(got) != 2 || got[0] != "payload" || got[1] != "payload" {
			t.Errorf("bodies sent %q, want the payload twice", got)
		}

		// GetBody failing fails that copy only.
		r := newRequest(t, http.MethodPut, strings.NewReader("payload"))
		r.GetBody = func() (io.ReadCloser, error) { return nil, errors.New("no body") }
		base = &fakeBase{plan: []reply{{d: 30 * ms, status: 200, body: "a"}}}
		resp, err = (&Transport{Base: base, Hedger: &cancel.Hedger{Delay: 10 * ms}}).RoundTrip(r)
		if err != nil || readBody(t, resp) != "a" {
			t.Fatalf("RoundTrip() error = %v", err)
		}
		resp.Body.Close()
	})
}

// The request's body is closed even when the context was done at the call.
func TestRoundTripClosesBody(t *testing.T) {
	ctx, cancelCtx := context.WithCancel(t.Context())
	cancelCtx()
	body := &trackedBody{Reader: strings.NewReader("x")}
	r, _ := http.NewRequestWithContext(ctx, http.MethodPut, "http://example.test/", body)
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("x")), nil }
	if _, err := (&Transport{Base: &fakeBase{}}).RoundTrip(r); err != context.Canceled {
		t.Errorf("RoundTrip() error = %v, want %v", err, context.Canceled)
	}
	if !body.closed.Load() {
		t.Error("the request's body is open")
	}
}

// Two responses at the same instant: one comes back, the other is closed,
// whichever got there first.
func TestRoundTripTie(t *testing.T) {
	for range 20 {
		conctest.Bubble(t, func(t *testing.T) {
			base := &fakeBase{plan: []reply{{d: 15 * ms, status: 200, body: "a"}, {d: 5 * ms, status: 200, body: "b"}}}
			resp, err := (&Transport{Base: base, Hedger: &cancel.Hedger{Delay: 10 * ms}}).RoundTrip(get(t, t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			open := 0
			for _, b := range base.bodies {
				if !b.closed.Load() {
					open++
				}
			}
			if open != 1 {
				t.Errorf("%d bodies open after RoundTrip, want the one returned", open)
			}
			if got := readBody(t, resp); got != "a" && got != "b" {
				t.Errorf("body %q", got)
			}
			resp.Body.Close()
		})
	}
}
