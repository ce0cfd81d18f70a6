package pipeline

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/scope"
)

// TestOutputJoinedByScope: under a scope, the goroutine that closes an
// output when ctx is done is registered from newOutput on, so that Wait
// waits for it, until it has closed the output or finish has stopped it.
func TestOutputJoinedByScope(t *testing.T) {
	for _, stop := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			sc, ctx := WithScope(context.Background())
			o := newOutput[int](ctx, scope.From(ctx))
			waited := make(chan error, 1)
			go func() { waited <- sc.Wait() }()
			synctest.Wait()
			select {
			case err := <-waited:
				t.Fatalf("Wait() = %v before the output was closed, want it to wait", err)
			default:
			}
			cause := errors.New("stopped")
			var want error
			if stop {
				sc.Stop(cause) // the AfterFunc closes the output
				want = cause
			} else {
				o.finish() // the worker returns first: no AfterFunc
			}
			if err := <-waited; err != want {
				t.Errorf("Wait() = %v, want %v", err, want)
			}
			if _, ok := <-o.ch; ok {
				t.Error("output open after Wait")
			}
			o.finish() // as the worker would, at last
		})
	}
}
