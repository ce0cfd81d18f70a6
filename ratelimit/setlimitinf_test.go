package ratelimit

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// A limiter under test here: a TokenBucket, or one key of a Keyed.
type waitLimiter struct {
	name     string
	allow    func() bool
	wait     func(ctx context.Context) error
	setLimit func(rate.Limit)
}

// waitLimiters returns a TokenBucket and a Keyed of rate r and burst 1,
// each with the first token taken by an Allow.
func waitLimiters(r rate.Limit) []waitLimiter {
	b := NewTokenBucket(r, 1)
	k := NewKeyed[string](r, 1)
	ls := []waitLimiter{
		{"TokenBucket", b.Allow, b.Wait, b.SetLimit},
		{"Keyed", func() bool { return k.Allow("a") }, func(ctx context.Context) error { return k.Wait(ctx, "a") }, k.SetLimit},
	}
	for _, l := range ls {
		l.allow()
	}
	return ls
}

// immediate counts the Waits that pass at once, on a ctx whose deadline
// is a nanosecond away, so that none sleeps.
func immediate(t *testing.T, wait func(context.Context) error) int {
	t.Helper()
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(time.Nanosecond))
	defer cancel()
	n := 0
	for ; n < 100 && wait(ctx) == nil; n++ {
	}
	return n
}

// TestCancelAcrossInf decides what a Wait cancelled around SetLimit(rate.Inf)
// gives back. SetLimit(rate.Inf) forgives every debt, and the bucket is full
// when the rate turns finite again, so the cancelled Wait must give nothing
// back: neither its tokens, which the full bucket never counted as taken,
// nor the catch-up credit of a late waiter, which only a Wait that got its
// tokens is owed. Had its due time stayed the bucket's, Waits up to CatchUp
// after it would have found r*(now-due) tokens, 6 here, instead of burst.
func TestCancelAcrossInf(t *testing.T) {
	const r = 1000 // a token a millisecond; CatchUp is 10 of them
	for _, when := range []string{"at rate.Inf", "after rate.Inf"} {
		for i := range waitLimiters(r) {
			conctest.Bubble(t, func(t *testing.T) {
				l := waitLimiters(r)[i]
				start := time.Now()
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error)
				go func() { done <- l.wait(ctx) }() // reserves the token due at 1ms
				synctest.Wait()
				time.Sleep(500 * time.Microsecond)
				l.setLimit(rate.Inf)
				if when == "after rate.Inf" {
					l.setLimit(r)
					if !l.allow() { // the full bucket's one token
						t.Fatalf("%s: Allow() after the rate turned finite = false, want true", l.name)
					}
				}
				cancel()
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Fatalf("%s: cancelled Wait() = %v, want context.Canceled", l.name, err)
				}
				if when == "at rate.Inf" {
					l.setLimit(r)
					if !l.allow() {
						t.Fatalf("%s: Allow() after the rate turned finite = false, want true", l.name)
					}
				}
				if l.allow() {
					t.Errorf("%s, cancelled %s: the cancelled Wait gave back its token", l.name, when)
				}
				time.Sleep(time.Until(start.Add(7 * time.Millisecond)))
				if got := immediate(t, l.wait); got != 1 {
					t.Errorf("%s, cancelled %s: %d Waits passed at once 6ms after its due time, want 1 (burst)", l.name, when, got)
				}
			})
		}
	}
}
