package cancel

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// A plan tells each call of f, by start order, how long it takes and what it
// returns. Calls watch their context unless deaf is set.
type plan struct {
	mu     sync.Mutex
	calls  []planned
	starts []time.Duration // when each call started, since t0
	t0     time.Time
	n      int
}

type planned struct {
	d    time.Duration
	v    int
	err  error
	deaf bool // ignores its context
}

func newPlan(calls ...planned) *plan {
	return &plan{calls: calls, t0: time.Now()}
}

// f is the function the plan describes; a call beyond the plan fails the
// test through a panic in Hedge's caller.
func (p *plan) f(ctx context.Context) (int, error) {
	p.mu.Lock()
	i := p.n
	p.n++
	p.starts = append(p.starts, time.Since(p.t0))
	c := p.calls[i]
	p.mu.Unlock()
	if c.deaf {
		time.Sleep(c.d)
		return c.v, c.err
	}
	select {
	case <-time.After(c.d):
		return c.v, c.err
	case <-ctx.Done():
		return -1, context.Cause(ctx)
	}
}

func (p *plan) started() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.starts...)
}

const ms = time.Millisecond

func TestHedgeFirstSuccessWins(t *testing.T) {
	for _, tc := range []struct {
		name   string
		delay  time.Duration
		max    int
		calls  []planned
		want   int
		took   time.Duration
		starts []time.Duration
		hedges uint64
		won    uint64
	}{
		{"no hedge needed", 10 * ms, 0, []planned{{d: 5 * ms, v: 1}}, 1, 5 * ms, []time.Duration{0}, 0, 0},
		{"slow first beaten", 10 * ms, 0, []planned{{d: time.Second, v: 1}, {d: 5 * ms, v: 2}}, 2, 15 * ms, []time.Duration{0, 10 * ms}, 1, 1},
		{"first still wins", 10 * ms, 0, []planned{{d: 12 * ms, v: 1}, {d: 5 * ms, v: 2}}, 1, 12 * ms, []time.Duration{0, 10 * ms}, 1, 0},
		{"hedge k at k delays", 10 * ms, 3, []planned{{d: time.Second, v: 1}, {d: time.Second, v: 2}, {d: time.Second, v: 3}, {d: 5 * ms, v: 4}}, 4, 35 * ms, []time.Duration{0, 10 * ms, 20 * ms, 30 * ms}, 3, 1},
		{"Max bounds the hedges", 10 * ms, 2, []planned{{d: 100 * ms, v: 1}, {d: 100 * ms, v: 2}, {d: 100 * ms, v: 3}}, 1, 100 * ms, []time.Duration{0, 10 * ms, 20 * ms}, 2, 0},
		{"failed first leaves the hedge", 10 * ms, 0, []planned{{d: 12 * ms, err: errStop}, {d: 5 * ms, v: 2}}, 2, 15 * ms, []time.Duration{0, 10 * ms}, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				h := &Hedger{Delay: tc.delay, Max: tc.max}
				p := newPlan(tc.calls...)
				v, err := Hedge(t.Context(), h, p.f)
				if v != tc.want || err != nil {
					t.Errorf("Hedge() = %v, %v, want %v, nil", v, err, tc.want)
				}
				if got := time.Since(p.t0); got != tc.took {
					t.Errorf("Hedge took %v, want %v", got, tc.took)
				}
				if got := p.started(); !equalDurations(got, tc.starts) {
					t.Errorf("calls started at %v, want %v", got, tc.starts)
				}
				want := HedgeStats{Calls: 1, Hedges: tc.hedges, Won: tc.won, Delay: h.Delay}
				if s := h.Stats(); s != want {
					t.Errorf("Stats() = %+v, want %+v", s, want)
				}
			})
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The budget starts full at max(1, 100*Budget) credits: with Budget 0.001 the
// first call may hedge, the second may not.
func TestHedgeBudgetCap(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		h := &Hedger{Delay: 10 * ms, Budget: 0.001}
		for range 2 {
			p := newPlan(planned{d: 30 * ms, v: 1}, planned{d: 5 * ms, v: 2})
			Hedge(t.Context(), h, p.f)
		}
		if s := h.Stats(); s.Hedges != 1 || s.Calls != 2 {
			t.Errorf("Stats() = %+v, want 2 calls, 1 hedge", s)
		}
	})
}

// Once every call started has failed, Hedge returns at once, with the errors
// in start order, and starts no pending hedge.
func TestHedgeAllFailed(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		e0, e1 := errors.New("e0"), errors.New("e1")
		h := &Hedger{Delay: 10 * ms, Max: 3}
		p := newPlan(planned{d: 15 * ms, err: e0}, planned{d: 1 * ms, err: e1})
		v, err := Hedge(t.Context(), h, p.f)
		if v != 0 || !errors.Is(err, e0) || !errors.Is(err, e1) || err.Error() != "e0\ne1" {
			t.Errorf("Hedge() = %v, %q, want 0, \"e0\\ne1\"", v, err)
		}
		if got := time.Since(p.t0); got != 15*ms {
			t.Errorf("Hedge took %v, want 15ms", got)
		}
		if got := len(p.started()); got != 2 {
			t.Errorf("%d calls started, want 2", got)
		}
		time.Sleep(time.Second) // a pending hedge would start now and fail the plan
		if got := len(p.started()); got != 2 {
			t.Errorf("%d calls started after Hedge returned, want 2", got)
		}
	})
}

// The error of a lone call comes back as it is.
func TestHedgeLoneError(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		p := newPlan(planned{d: 5 * ms, err: errStop})
		if _, err := Hedge(t.Context(), &Hedger{Delay: 10 * ms}, p.f); err != errStop {
			t.Errorf("Hedge() error = %v, want %v", err, errStop)
		}
		p = newPlan(planned{d: 5 * ms, err: errStop})
		if _, err := Hedge(t.Context(), &Hedger{}, p.f); err != errStop {
			t.Errorf("learning Hedge() error = %v, want %v", err, errStop)
		}
	})
}

// When ctx ends first, Hedge returns its cause whatever the calls return,
// after they have returned.
func TestHedgeContextEnds(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		for _, deaf := range []bool{false, true} {
			ctx, stop := context.WithCancelCause(t.Context())
			time.AfterFunc(15*ms, func() { stop(errStop) })
			p := newPlan(planned{d: 20 * ms, v: 1, deaf: deaf}, planned{d: 20 * ms, v: 2, deaf: deaf})
			start := time.Now()
			v, err := Hedge(ctx, &Hedger{Delay: 10 * ms}, p.f)
			if v != 0 || err != errStop {
				t.Errorf("deaf=%v: Hedge() = %v, %v, want 0, %v", deaf, v, err, errStop)
			}
			want := 15 * ms
			if deaf {
				want = 30 * ms
			}
			if got := time.Since(start); got != want {
				t.Errorf("deaf=%v: Hedge took %v, want %v", deaf, got, want)
			}
		}
	})
}

// A call that succeeds after ctx ended and before the caller looks does
// not count: the learning path too returns the cause.
func TestHedgeContextEndsLearning(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, stop := context.WithCancelCause(t.Context())
		time.AfterFunc(5*ms, func() { stop(errStop) })
		p := newPlan(planned{d: 10 * ms, v: 1, deaf: true})
		if v, err := Hedge(ctx, &Hedger{}, p.f); v != 0 || err != errStop {
			t.Errorf("Hedge() = %v, %v, want 0, %v", v, err, errStop)
		}
	})
}

func TestHedgeContextDone(t *testing.T) {
	ctx, stop := context.WithCancelCause(t.Context())
	stop(errStop)
	h := &Hedger{}
	called := false
	_, err := Hedge(ctx, h, func(context.Context) (int, error) { called = true; return 1, nil })
	if err != errStop || called {
		t.Errorf("Hedge() error = %v, called = %v, want %v, false", err, called, errStop)
	}
	if s := h.Stats(); s.Calls != 0 {
		t.Errorf("Stats().Calls = %d, want 0", s.Calls)
	}
}

// The losers' context ends with a cause that says another call won.
func TestHedgeLoserCause(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		var cause atomic.Value
		var n atomic.Int32
		f := func(ctx context.Context) (int, error) {
			if n.Add(1) == 1 {
				<-ctx.Done()
				cause.Store(context.Cause(ctx))
				return 0, ctx.Err()
			}
			return 2, nil
		}
		if v, err := Hedge(t.Context(), &Hedger{Delay: ms}, f); v != 2 || err != nil {
			t.Errorf("Hedge() = %v, %v, want 2, nil", v, err)
		}
		if c, _ := cause.Load().(error); c != errHedgeLost {
			t.Errorf("loser's cause = %v, want %v", c, errHedgeLost)
		}
	})
}

// A panic in any call is re-raised as *PanicError once the others have
// been cancelled and have returned.
func TestHedgePanic(t *testing.T) {
	for _, first := range []bool{true, false} {
		conctest.Bubble(t, func(t *testing.T) {
			var n, running atomic.Int32
			f := func(ctx context.Context) (int, error) {
				i := n.Add(1)
				if (i == 1) == first {
					time.Sleep(20 * ms)
					panic("boom")
				}
				running.Add(1)
				defer running.Add(-1)
				<-ctx.Done()
				time.Sleep(ms) // returns a little after the cancellation
				return 0, ctx.Err()
			}
			v := conctest.Panics(t, "panic: boom", func() { Hedge(t.Context(), &Hedger{Delay: 10 * ms}, f) })
			if _, ok := v.(*PanicError); !ok {
				t.Errorf("panic value %T, want *PanicError", v)
			}
			if r := running.Load(); r != 0 {
				t.Errorf("%d calls still running after the panic", r)
			}
		})
	}
}

// A runtime.Goexit in a call makes the caller exit once all calls returned.
func TestHedgeGoexit(t *testing.T) {
	for _, first := range []bool{true, false} {
		conctest.Bubble(t, func(t *testing.T) {
			var n, running atomic.Int32
			f := func(ctx context.Context) (int, error) {
				if (n.Add(1) == 1) == first {
					time.Sleep(20 * ms)
					runtime.Goexit()
				}
				running.Add(1)
				defer running.Add(-1)
				<-ctx.Done()
				return 0, ctx.Err()
			}
			returned := make(chan bool)
			go func() {
				defer func() { returned <- false }()
				Hedge(t.Context(), &Hedger{Delay: 10 * ms}, f)
				returned <- true
			}()
			if <-returned {
				t.Error("Hedge returned after a runtime.Goexit in a call")
			}
			if r := running.Load(); r != 0 {
				t.Errorf("%d calls still running after the Goexit", r)
			}
		})
	}
}

func TestHedgeBadInput(t *testing.T) {
	ctx := t.Context()
	f := func(context.Context) (int, error) { return 1, nil }
	var nilCtx context.Context
	for _, tc := range []struct {
		name, want string
		call       func()
	}{
		{"nil context", "cancel: nil context", func() { Hedge(nilCtx, &Hedger{}, f) }},
		{"nil Hedger", "cancel: nil Hedger", func() { Hedge(ctx, nil, f) }},
		{"nil Hedger Stats", "cancel: nil Hedger", func() { (*Hedger)(nil).Stats() }},
		{"nil function", "cancel: nil function", func() { Hedge[int](ctx, &Hedger{}, nil) }},
		{"negative Delay", "cancel: Hedger.Delay < 0", func() { Hedge(ctx, &Hedger{Delay: -1}, f) }},
		{"negative Max", "cancel: Hedger.Max < 0", func() { Hedge(ctx, &Hedger{Max: -1}, f) }},
		{"negative Budget", "cancel: Hedger.Budget < 0", func() { Hedge(ctx, &Hedger{Budget: -0.1}, f) }},
		{"negative Quantile", "cancel: Hedger.Quantile", func() { Hedge(ctx, &Hedger{Quantile: -0.1}, f) }},
		{"Quantile 1", "cancel: Hedger.Quantile", func() { Hedge(ctx, &Hedger{Quantile: 1}, f) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conctest.Panics(t, tc.want, tc.call)
		})
	}
	// A bad Hedger panics on every use, not only the first.
	h := &Hedger{Max: -1}
	for range 2 {
		conctest.Panics(t, "cancel: Hedger.Max < 0", func() { h.Stats() })
	}
	if !strings.HasPrefix(errHedgeLost.Error(), "cancel: ") {
		t.Errorf("errHedgeLost = %q", errHedgeLost)
	}
}
