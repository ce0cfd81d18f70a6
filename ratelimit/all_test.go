package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// countingLimiter is a Limiter that cannot give tokens back: it allows while
// it has tokens left, and counts what it gave.
type countingLimiter struct{ left, given int }

func (c *countingLimiter) Allow() bool {
	if c.left == 0 {
		return false
	}
	c.left--
	c.given++
	return true
}

func (c *countingLimiter) Wait(ctx context.Context) error {
	if !c.Allow() {
		return errors.New("countingLimiter: no tokens")
	}
	return nil
}

// tokens reports how many events each kind of reservable limiter would allow
// at once, without taking them.
type probe struct {
	name string
	l    Limiter
	left func() float64
}

// reservables returns a fresh TokenBucket, Ticker and rate.Limiter that each
// allow one event now and the next one a second later.
func reservables() []probe {
	tb := NewTokenBucket(1, 1)
	tk := NewTicker(time.Second)
	rl := rate.NewLimiter(1, 1)
	return []probe{
		{"TokenBucket", tb, tb.Tokens},
		{"Ticker", tk, func() float64 {
			if tk.next <= time.Since(tk.base) {
				return 1
			}
			return 0
		}},
		{"rate.Limiter", rl, rl.Tokens},
	}
}

func TestAllRefusedConsumesNothing(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		for _, free := range reservables() {
			for _, used := range reservables() {
				used.l.Allow() // empty now, for a second
				a := All(free.l, used.l)
				if a.Allow() {
					t.Errorf("All(%s, empty %s).Allow() = true, want false", free.name, used.name)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				if err := a.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("All(%s, empty %s).Wait() = %v, want %v", free.name, used.name, err, context.DeadlineExceeded)
				}
				cancel()
				if got := free.left(); got != 1 {
					t.Errorf("%s after a refused All: %v tokens, want 1", free.name, got)
				}
			}
		}
	})
}

func TestAllWaitCancelGivesBack(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		for _, free := range reservables()[:2] { // rate.Limiter cannot, as documented
			for _, used := range reservables() {
				used.l.Allow()
				cause := errors.New("gave up")
				ctx, cancel := context.WithCancelCause(context.Background())
				go func() {
					time.Sleep(300 * time.Millisecond)
					cancel(cause)
				}()
				if err := All(free.l, used.l).Wait(ctx); err != cause {
					t.Errorf("All(%s, %s).Wait() = %v, want %v", free.name, used.name, err, cause)
				}
				if got := free.left(); got != 1 {
					t.Errorf("%s after a cancelled All: %v tokens, want 1", free.name, got)
				}
			}
		}
	})
}

func TestAllWaitsForTheSlowest(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		fast, slow := NewTicker(100*time.Millisecond), NewTokenBucket(2, 1)
		a := All(fast, All(slow))
		start := time.Now()
		for range 5 {
			if err := a.Wait(context.Background()); err != nil {
				t.Fatalf("Wait() = %v, want nil", err)
			}
		}
		if got, want := time.Since(start), 2*time.Second; got != want {
			t.Errorf("5 events took %v, want %v", got, want)
		}
	})
}

func TestAllOtherLimiters(t *testing.T) {
	// One limiter that cannot give tokens back loses nothing: it is asked last.
	tb := NewTokenBucket(1, 1)
	c := &countingLimiter{}
	if All(c, tb).Allow() {
		t.Error("All(empty counter, bucket).Allow() = true, want false")
	}
	if got := tb.Tokens(); got != 1 {
		t.Errorf("bucket after All refused: %v tokens, want 1", got)
	}
	if err := All(tb, c).Wait(context.Background()); err == nil {
		t.Error("All(bucket, empty counter).Wait() = nil, want an error")
	}
	if got := tb.Tokens(); got != 1 {
		t.Errorf("bucket after All.Wait failed: %v tokens, want 1", got)
	}
	// With two, a token the first gave is lost when the second refuses, as
	// documented.
	c1, c2 := &countingLimiter{left: 1}, &countingLimiter{}
	if All(c1, c2).Allow() {
		t.Error("All(counter, empty counter).Allow() = true, want false")
	}
	if c1.given != 1 {
		t.Errorf("first counter gave %d tokens, want 1", c1.given)
	}
}

func TestAllEdgeCases(t *testing.T) {
	a := All()
	if !a.Allow() || a.Wait(context.Background()) != nil {
		t.Error("All() refused an event, want every event allowed")
	}
	conctest.Panics(t, "ratelimit: ", func() { All(NewTicker(time.Second), nil) })
	tk := NewTicker(time.Hour)
	tk.Stop()
	if err := All(tk).Wait(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("All(stopped Ticker).Wait() = %v, want %v", err, ErrStopped)
	}
	if err := All(rate.NewLimiter(1, 0)).Wait(context.Background()); !errors.Is(err, ErrNeverAllowed) {
		t.Errorf("All(rate.Limiter with burst 0).Wait() = %v, want %v", err, ErrNeverAllowed)
	}
	cause := errors.New("gave up")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	if err := All(tk).Wait(ctx); err != cause {
		t.Errorf("All().Wait(done ctx) = %v, want %v", err, cause)
	}
}

// TestAllRefusedRealTime repeats the refusal in real time, where the clock
// moves between reserving and cancelling.
func TestAllRefusedRealTime(t *testing.T) {
	const slow = rate.Limit(1e-6) // refills nothing during the test
	tb, rl := NewTokenBucket(slow, 1), rate.NewLimiter(slow, 1)
	used := NewTokenBucket(slow, 1)
	used.Allow()
	a := All(tb, rl, used)
	for range 100 {
		if a.Allow() {
			t.Fatal("All(...).Allow() = true with an empty bucket, want false")
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		if err := a.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("All(...).Wait() = %v, want %v", err, context.DeadlineExceeded)
		}
		cancel()
	}
	if got := tb.Tokens(); got < 1 {
		t.Errorf("TokenBucket: %v tokens after refusals, want 1", got)
	}
	if got := rl.Tokens(); got < 1 {
		t.Errorf("rate.Limiter: %v tokens after refusals, want 1", got)
	}
}
