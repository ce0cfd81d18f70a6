package pipeline

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// TestWorkerMeasuresChunks: the chunk size follows the cost of f measured
// from when a worker took the chunk, whether the chunk waited for the
// worker, the worker for the chunk, or the chunk came right behind another.
func TestWorkerMeasuresChunks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMapper(context.Background(), func(func(int) bool) {}, 1,
			func(_ context.Context, v int) (int, error) {
				time.Sleep(10 * time.Microsecond)
				return v, nil
			})
		defer m.cancel()
		chunk := func() *chunk[int, int] {
			return &chunk[int, int]{in: make([]int, 4), out: make([]int, 4), n: 4}
		}
		// 4 items of 10 µs: 20 items cost targetCost.
		const want = int64(targetCost / (10 * time.Microsecond))
		check := func(when string) {
			t.Helper()
			time.Sleep(time.Second) // f's sleeps end
			synctest.Wait()
			if got := m.target.Load(); got != want {
				t.Errorf("%s: target = %d, want %d", when, got, want)
			}
			m.target.Store(64) // as if the items were cheap before
		}
		m.target.Store(64)
		m.work <- chunk()
		time.Sleep(time.Hour)
		m.wg.Add(1)
		go m.worker()
		check("a chunk that waited for the worker")
		time.Sleep(time.Hour)
		m.work <- chunk()
		check("a worker that waited for the chunk")
		m.work <- chunk()
		m.work <- chunk() // cap(m.work) is 1: sent once the worker took the last
		check("a chunk right behind another")
		close(m.work)
		m.wg.Wait()
	})
}
