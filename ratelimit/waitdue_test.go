package ratelimit

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// lateDoneCtx is a context that is done already but reports it only from
// the second call of Err on: it is cancelled between a Wait's first look
// at it and anything after.
type lateDoneCtx struct {
	context.Context
	done  chan struct{}
	calls int
}

func newLateDoneCtx() *lateDoneCtx {
	c := &lateDoneCtx{Context: context.Background(), done: make(chan struct{})}
	close(c.done)
	return c
}

func (c *lateDoneCtx) Done() <-chan struct{} { return c.done }

func (c *lateDoneCtx) Err() error {
	c.calls++
	if c.calls == 1 {
		return nil
	}
	return context.Canceled
}

// TestWaitDueNowIgnoresLaterCancel checks that a Wait whose token is there
// at once takes it and returns nil, without sleeping and so without looking
// at ctx again, even if ctx is cancelled meanwhile.
func TestWaitDueNowIgnoresLaterCancel(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		for _, tc := range []limiterCase{
			{"TokenBucket", func(r rate.Limit, b int) Limiter { return NewTokenBucket(r, b) }},
			{"Keyed", func(r rate.Limit, b int) Limiter { return keyedLimiter{NewKeyed[int](r, b)} }},
			{"Ticker", func(rate.Limit, int) Limiter { return NewTicker(time.Second) }},
		} {
			for i := range 64 {
				l := tc.make(1, 1)
				if err := l.Wait(newLateDoneCtx()); err != nil {
					t.Fatalf("%s, run %d: Wait() with a token there = %v, want nil", tc.name, i, err)
				}
				if l.Allow() {
					t.Fatalf("%s, run %d: Allow() after Wait() = true, want false: Wait took the token", tc.name, i)
				}
			}
		}
	})
}
