package pipeline_test

import (
	"context"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

// TestNestedScopePanic checks that a panic in a stage of an inner scope
// cancels the inner scope's context only, that the inner Wait re-raises it,
// and that the outer Wait, which joins the same goroutines, returns nil.
func TestNestedScopePanic(t *testing.T) {
	outer, octx := pipeline.WithScope(context.Background())
	inner, ictx := pipeline.WithScope(octx)
	out := pipeline.Stage(ictx, pipeline.Generate(ictx, 1), func(int) int { panic("boom") })
	for range out {
	}
	v := conctest.Panics(t, "panic: boom", func() { inner.Wait() })
	if perr, ok := v.(*pipeline.PanicError); !ok || perr.Value != "boom" {
		t.Errorf("inner Wait panicked with %v, want a *PanicError of boom", v)
	}
	if err := octx.Err(); err != nil {
		t.Errorf("outer context: Err() = %v, want nil", err)
	}
	if err := outer.Wait(); err != nil {
		t.Errorf("outer Wait() = %v, want nil", err)
	}
}
