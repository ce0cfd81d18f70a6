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

// TestWorkerTimesSingleItems: a worker times only some chunks of one item,
// but often enough that cheap items grow the chunks again.
func TestWorkerTimesSingleItems(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMapper(context.Background(), func(func(int) bool) {}, 1,
			func(_ context.Context, v int) (int, error) {
				time.Sleep(time.Microsecond)
				return v, nil
			})
		defer m.cancel()
		m.wg.Add(1)
		go m.worker()
		chunk := func() *chunk[int, int] {
			c := newChunk[int, int](1)
			c.n = 1
			return c
		}
		for i := range timeEvery {
			m.target.Store(1)
			m.work <- chunk()
			time.Sleep(time.Millisecond)
			synctest.Wait()
			if i == 0 && m.target.Load() != 2 {
				t.Fatalf("target = %d after the first chunk of one cheap item, want 2", m.target.Load())
			}
			if i > 0 && m.target.Load() != 1 {
				t.Errorf("target = %d after chunk %d of one item, want 1 (untimed)", m.target.Load(), i)
			}
		}
		m.target.Store(1)
		m.work <- chunk()
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if m.target.Load() != 2 {
			t.Errorf("target = %d after chunk %d of one item, want 2 (timed)", m.target.Load(), timeEvery)
		}
		close(m.work)
		m.wg.Wait()
	})
}
