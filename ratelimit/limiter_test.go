package ratelimit

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestWaitNilContext(t *testing.T) {
	tk := NewTicker(time.Second)
	defer tk.Stop()
	b := NewTokenBucket(1, 1)
	k := NewKeyed[int](1, 1)
	var ctx context.Context // nil
	for name, wait := range map[string]func(){
		"Ticker.Wait":      func() { tk.Wait(ctx) },
		"TokenBucket.Wait": func() { b.Wait(ctx) },
		"TokenBucket.WaitN": func() {
			b.WaitN(ctx, 1)
		},
		"Keyed.Wait":      func() { k.Wait(ctx, 1) },
		"All.Wait":        func() { All(b).Wait(ctx) },
		"stopped Ticker":  func() { var z Ticker; z.Wait(ctx) },
		"rate.Inf Keyed":  func() { NewKeyed[int](rate.Inf, 1).Wait(ctx, 1) },
		"rate.Inf bucket": func() { NewTokenBucket(rate.Inf, 1).WaitN(ctx, 0) },
	} {
		t.Run(name, func(t *testing.T) {
			conctest.Panics(t, "ratelimit: nil context", wait)
		})
	}
}
