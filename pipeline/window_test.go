package pipeline

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// TestOrderedMapWindow runs OrderedMap over an endless input whose first
// item never finishes: the input is read no further than the reorder window.
func TestOrderedMapWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers = 2
		var pulled atomic.Int64
		in := func(yield func(int) bool) {
			for i := 0; ; i++ {
				pulled.Add(1)
				if !yield(i) {
					return
				}
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			n := 0
			for _, err := range OrderedMap(ctx, in, workers, func(ctx context.Context, v int) (int, error) {
				if v == 0 {
					<-ctx.Done()
					return 0, ctx.Err()
				}
				return v, nil
			}) {
				if err == nil {
					n++
				}
			}
			done <- n
		}()
		synctest.Wait() // everything is blocked: item 0 is not done
		bound := int64(max(16, 4*workers)*maxChunk + 1)
		if got := pulled.Load(); got > bound {
			t.Errorf("read %d items while item 0 runs, want at most %d", got, bound)
		}
		cancel()
		if n := <-done; n != 0 {
			t.Errorf("yielded %d results before item 0, want 0", n)
		}
	})
}
