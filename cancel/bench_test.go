package cancel

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The baselines are the hand-written code each function replaces, written
// as a careful user would: impl=select first, then impl=cancel.

type result struct {
	v   int
	err error
}

func quick() (int, error)                   { return 1, nil }
func quickCtx(context.Context) (int, error) { return 1, nil }

func BenchmarkDo(b *testing.B) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	b.Run("impl=select", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ch := make(chan result, 1)
			go func() {
				v, err := quick()
				ch <- result{v, err}
			}()
			select {
			case r := <-ch:
				_ = r
			case <-ctx.Done():
			}
		}
	})
	b.Run("impl=cancel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Do(ctx, quick)
		}
	})
}

func BenchmarkTimeout(b *testing.B) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	b.Run("impl=select", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tctx, cancel := context.WithTimeout(ctx, time.Hour)
			v, err := quickCtx(tctx)
			if err != nil && tctx.Err() != nil {
				err = context.Cause(tctx)
			}
			cancel()
			_, _ = v, err
		}
	})
	b.Run("impl=cancel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Timeout(ctx, time.Hour, quickCtx)
		}
	})
}

// firstBySelect is the usual hand-written race: start every function, take
// the first success from a channel, cancel the rest and drain the channel so
// that no goroutine is left behind.
func firstBySelect(ctx context.Context, fs []func(context.Context) (int, error)) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan result, len(fs))
	for _, f := range fs {
		go func() {
			v, err := f(ctx)
			ch <- result{v, err}
		}()
	}
	var (
		won  bool
		v    int
		errs []error
	)
	for range fs {
		r := <-ch
		switch {
		case r.err != nil:
			errs = append(errs, r.err)
		case !won:
			won, v = true, r.v
			cancel()
		}
	}
	if won {
		return v, nil
	}
	return 0, fmt.Errorf("all failed: %v", errs)
}

func BenchmarkFirst(b *testing.B) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for _, n := range []int{2, 8} {
		fs := make([]func(context.Context) (int, error), n)
		for i := range fs {
			fs[i] = quickCtx
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.Run("impl=select", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					firstBySelect(ctx, fs)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/func")
			})
			b.Run("impl=cancel", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					First(ctx, fs...)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/func")
			})
		})
	}
}

// BenchmarkHedge measures what Hedge adds to a call that needs no hedge,
// against cancel.Timeout's overhead on the same call: impl=hedge with the
// default Hedger (a learnt delay, so the latency is recorded) and
// impl=hedge-fixed with a fixed Delay (the timer of the hedge is armed and
// stopped).
func BenchmarkHedge(b *testing.B) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	b.Run("impl=timeout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Timeout(ctx, time.Hour, quickCtx)
		}
	})
	b.Run("impl=hedge", func(b *testing.B) {
		b.ReportAllocs()
		h := &Hedger{}
		for b.Loop() {
			Hedge(ctx, h, quickCtx)
		}
		b.ReportMetric(float64(h.Stats().Hedges)/float64(b.N), "hedges/op")
	})
	b.Run("impl=hedge-fixed", func(b *testing.B) {
		b.ReportAllocs()
		h := &Hedger{Delay: time.Hour}
		for b.Loop() {
			Hedge(ctx, h, quickCtx)
		}
	})
}
