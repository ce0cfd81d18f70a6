package pipeline_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

// failing makes f a function for StageContext that, as one doing I/O
// would, fails with the cause of its context once that is done.
func failing(f func(int) int) func(context.Context, int) (int, error) {
	return func(ctx context.Context, v int) (int, error) {
		r := f(v)
		if ctx.Err() != nil {
			return 0, context.Cause(ctx)
		}
		return r, nil
	}
}

var errFetch = errors.New("fetch failed")

// fetcher fails on bad and returns v*10 for the others.
func fetcher(bad int) func(context.Context, int) (int, error) {
	return func(_ context.Context, v int) (int, error) {
		if v == bad {
			return 0, errFetch
		}
		return v * 10, nil
	}
}

// contextStages builds a pipeline of each new stage under ctx, over in.
var contextStages = map[string]func(ctx context.Context, in <-chan int, f func(context.Context, int) (int, error)) <-chan int{
	"StageContext": pipeline.StageContext[int, int],
	"FanOutContext": func(ctx context.Context, in <-chan int, f func(context.Context, int) (int, error)) <-chan int {
		return pipeline.Merge(ctx, pipeline.FanOutContext(ctx, in, 3, f)...)
	},
}

func TestContextStagesDeliver(t *testing.T) {
	for name, stage := range contextStages {
		s, ctx := pipeline.WithScope(context.Background())
		got := drain(stage(ctx, pipeline.Generate(ctx, ints(100)...), fetcher(-1)))
		if err := s.Wait(); err != nil {
			t.Errorf("%s: Wait() = %v, want nil", name, err)
		}
		slices.Sort(got)
		want := make([]int, 100)
		for i := range want {
			want[i] = i * 10
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s delivered %v, want %v", name, got, want)
		}
	}
	conctest.VerifyNone(t)
}

func TestStageContextOrder(t *testing.T) {
	s, ctx := pipeline.WithScope(context.Background())
	got := drain(pipeline.StageContext(ctx, pipeline.Generate(ctx, 3, 1, 2), fetcher(-1)))
	if err := s.Wait(); err != nil || !slices.Equal(got, []int{30, 10, 20}) {
		t.Errorf("StageContext delivered %v, Wait() = %v; want [30 10 20], nil", got, err)
	}
}

// The first error of f stops the scope with it as the cause: the other
// stages wind down, Wait returns it, and the failed value is not delivered.
func TestContextStagesError(t *testing.T) {
	for name, stage := range contextStages {
		conctest.Bubble(t, func(t *testing.T) {
			s, ctx := pipeline.WithScope(context.Background())
			// An endless input: only the error ends the pipeline.
			in := pipeline.FromSeq(ctx, naturals)
			got := drain(pipeline.Stage(ctx, stage(ctx, in, fetcher(50)), func(v int) int { return v }))
			if err := s.Wait(); err != errFetch {
				t.Errorf("%s: Wait() = %v, want %v", name, err, errFetch)
			}
			if context.Cause(ctx) != errFetch {
				t.Errorf("%s: the scope's context ended with %v, want %v", name, context.Cause(ctx), errFetch)
			}
			if slices.Contains(got, 500) {
				t.Errorf("%s delivered the value whose f failed", name)
			}
		})
	}
}

// f gets the stage's context: values set on it reach f, and it is done
// when the scope stops, so f can give up.
func TestContextStagesPassContext(t *testing.T) {
	type key struct{}
	for name, stage := range contextStages {
		conctest.Bubble(t, func(t *testing.T) {
			s, sctx := pipeline.WithScope(context.Background())
			ctx := context.WithValue(sctx, key{}, "v")
			var saw atomic.Int32
			out := stage(ctx, pipeline.Generate(ctx, 1, 2, 3), func(ctx context.Context, v int) (int, error) {
				if ctx.Value(key{}) == "v" {
					saw.Add(1)
				}
				<-ctx.Done()
				return 0, ctx.Err()
			})
			synctest.Wait() // f blocks until the scope stops
			s.Stop(errEnough)
			drain(out)
			if err := s.Wait(); err != errEnough {
				t.Errorf("%s: Wait() = %v, want %v (the first cause)", name, err, errEnough)
			}
			if saw.Load() == 0 {
				t.Errorf("%s: f did not get the stage's context", name)
			}
		})
	}
}

// Cancelling the parent ends the stages while f runs; Wait returns the
// parent's cause.
func TestContextStagesParentCancel(t *testing.T) {
	for name, stage := range contextStages {
		conctest.Bubble(t, func(t *testing.T) {
			parent, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			s, ctx := pipeline.WithScope(parent)
			out := stage(ctx, pipeline.FromSeq(ctx, naturals), func(ctx context.Context, v int) (int, error) {
				if v == 5 {
					<-ctx.Done()
				}
				return v, nil
			})
			for v := range out {
				if v == 4 {
					cancel(errEnough)
				}
			}
			if err := s.Wait(); err != errEnough {
				t.Errorf("%s: Wait() = %v, want %v", name, err, errEnough)
			}
		})
	}
}

func TestContextStagesPanic(t *testing.T) {
	for name, stage := range contextStages {
		s, ctx := pipeline.WithScope(context.Background())
		drain(stage(ctx, pipeline.Generate(ctx, 1, 2, 3), func(context.Context, int) (int, error) {
			panic("boom")
		}))
		v := conctest.Panics(t, "", func() { s.Wait() })
		perr, ok := v.(*pipeline.PanicError)
		if !ok || perr.Value != "boom" || !strings.Contains(string(perr.Stack), "TestContextStagesPanic") {
			t.Errorf("%s: Wait panicked with %v, want a *PanicError of boom with its stack", name, v)
		}
	}
	conctest.VerifyNone(t)
}

func TestContextStagesGoexit(t *testing.T) {
	for name, stage := range contextStages {
		s, ctx := pipeline.WithScope(context.Background())
		drain(stage(ctx, pipeline.Generate(ctx, 1, 2, 3), func(context.Context, int) (int, error) {
			runtime.Goexit()
			return 0, nil
		}))
		if err := s.Wait(); !errors.Is(err, pipeline.ErrGoexit) {
			t.Errorf("%s: Wait() = %v, want ErrGoexit", name, err)
		}
	}
	conctest.VerifyNone(t)
}

// An error in a nested scope stops that scope only, as a panic does.
func TestContextStagesNestedScope(t *testing.T) {
	outer, octx := pipeline.WithScope(context.Background())
	inner, ictx := pipeline.WithScope(octx)
	drain(pipeline.StageContext(ictx, pipeline.Generate(ictx, 1, 2, 3), fetcher(2)))
	if err := inner.Wait(); err != errFetch {
		t.Errorf("inner Wait() = %v, want %v", err, errFetch)
	}
	if err := outer.Wait(); err != nil {
		t.Errorf("outer Wait() = %v, want nil", err)
	}
}
