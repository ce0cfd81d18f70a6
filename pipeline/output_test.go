package pipeline

import (
	"context"
	"testing"
	"testing/synctest"
)

// blocked runs a stage whose f waits for release after signalling started,
// and returns its outputs once f has started on the only value.
func blocked(ctx context.Context, fanOut bool) (outs []<-chan int, release chan struct{}) {
	started, release := make(chan struct{}), make(chan struct{})
	f := func(v int) int {
		close(started)
		<-release
		return v
	}
	in := Generate(context.Background(), 1)
	if fanOut {
		outs = FanOut(ctx, in, 2, f)
	} else {
		outs = []<-chan int{Stage(ctx, in, f)}
	}
	<-started
	return outs, release
}

// isClosed reports whether ch is closed and empty, without waiting.
func isClosed[T any](ch <-chan T) bool {
	select {
	case _, ok := <-ch:
		return !ok
	default:
		return false
	}
}

// TestOutputClosesWhileFRuns: an output of Stage or FanOut is closed as
// soon as ctx is done, even while f runs; f's goroutine returns when f
// does.
func TestOutputClosesWhileFRuns(t *testing.T) {
	for name, fanOut := range map[string]bool{"Stage": false, "FanOut": true} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				outs, release := blocked(ctx, fanOut)
				cancel()
				synctest.Wait()
				for i, out := range outs {
					if !isClosed(out) {
						t.Errorf("output %d is open after ctx is done while f runs", i)
					}
				}
				close(release)
			})
		})
	}
}

// TestOutputDropsLateResults: a result that f returns after ctx is done is
// not sent, even before the output is closed.
func TestOutputDropsLateResults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		o := newOutput[int](ctx, nil)
		cancel()
		if o.send(1) {
			t.Error("send after ctx is done reported true")
		}
		synctest.Wait()
		if !isClosed((<-chan int)(o.ch)) {
			t.Error("the output is open, or holds a value, after ctx is done")
		}
		o.finish()
	})
}

// TestPlainInput: Merge waits with a plain receive exactly for the outputs
// of Stage and FanOut under its own done channel, and for any input when
// its ctx is never done.
func TestPlainInput(t *testing.T) {
	type key struct{}
	synctest.Test(t, func(t *testing.T) {
		parent, cancelParent := context.WithCancel(context.Background())
		defer cancelParent()
		stage, cancelStage := context.WithCancel(parent)
		defer cancelStage()
		child, cancelChild := context.WithCancel(stage)
		defer cancelChild()
		in := make(chan int)
		out := Stage(stage, in, func(v int) int { return v })
		generated := Generate(stage, 1)
		for _, tc := range []struct {
			name string
			ctx  context.Context
			in   <-chan int
			want bool
		}{
			{"same ctx", stage, out, true},
			{"a value of the same ctx", context.WithValue(stage, key{}, 1), out, true},
			{"a ctx never done", context.Background(), out, true},
			{"a ctx never done, any input", context.WithoutCancel(stage), make(chan int), true},
			{"a child of the ctx", child, out, false},
			{"the parent of the ctx", parent, out, false},
			{"an unrelated ctx", t.Context(), out, false},
			{"an input of one's own", stage, make(chan int), false},
			{"an output of Generate", stage, generated, false},
		} {
			if got := plainInput(tc.ctx.Done(), tc.in); got != tc.want {
				t.Errorf("%s: plainInput = %v, want %v", tc.name, got, tc.want)
			}
		}
		close(in)
		drain(out)
		if plainInput(stage.Done(), out) {
			t.Error("plainInput holds for a closed output")
		}
		drain(generated)
	})
}

// TestMergeOfStageOutputs: Merge waits for the outputs of Stage and FanOut
// with a plain receive only under their own context. Under another one,
// even one derived from theirs, it still closes its output as soon as its
// ctx is done while f runs.
func TestMergeOfStageOutputs(t *testing.T) {
	for name, mergeCtx := range map[string]func(stage context.Context) (context.Context, context.CancelFunc){
		"same": func(stage context.Context) (context.Context, context.CancelFunc) {
			return stage, nil
		},
		"unrelated": func(context.Context) (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		},
		"derived": func(stage context.Context) (context.Context, context.CancelFunc) {
			return context.WithCancel(stage)
		},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				stageCtx, cancelStage := context.WithCancel(context.Background())
				defer cancelStage()
				ctx, cancel := mergeCtx(stageCtx)
				if cancel == nil {
					cancel = cancelStage
				}
				outs, release := blocked(stageCtx, true)
				merged := Merge(ctx, outs...)
				synctest.Wait() // Merge's goroutines wait for their inputs
				cancel()
				synctest.Wait()
				if !isClosed(merged) {
					t.Error("Merge's output is open after its ctx is done while f runs")
				}
				close(release)
			})
		})
	}
}

// TestClosedOnDone: the outputs of Stage and FanOut are registered for
// Merge while they are open, and only then; with a context that is never
// done, there is nothing to register.
func TestClosedOnDone(t *testing.T) {
	registered := func(ch <-chan int) bool {
		_, ok := closedOnDone.Load(ch)
		return ok
	}
	id := func(v int) int { return v }
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		in := make(chan int)
		outs := FanOut(ctx, in, 2, id)
		for _, out := range outs {
			if d, ok := closedOnDone.Load(out); !ok || d != any(ctx.Done()) {
				t.Errorf("closedOnDone[output] = %v, %v; want ctx.Done(), true", d, ok)
			}
		}
		go func() {
			in <- 1
			close(in)
		}()
		drain(Merge(ctx, outs...))
		for _, out := range outs {
			if registered(out) {
				t.Error("a drained output is still registered")
			}
		}

		out := Stage(ctx, make(chan int), id)
		if !registered(out) {
			t.Error("an open output is not registered")
		}
		cancel()
		drain(out)
		if registered(out) {
			t.Error("an output closed because ctx is done is still registered")
		}

		in = make(chan int)
		out = Stage(context.Background(), in, id)
		if registered(out) {
			t.Error("an output under a context that is never done is registered")
		}
		close(in)
		drain(out)
	})
}

func drain[T any](ch <-chan T) {
	for range ch {
	}
}
