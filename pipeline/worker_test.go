package pipeline

import (
	"context"
	"fmt"
	"sync/atomic"
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
			if got := atomic.LoadInt64(&m.target); got != want {
				t.Errorf("%s: target = %d, want %d", when, got, want)
			}
			atomic.StoreInt64(&m.target, 64) // as if the items were cheap before
		}
		atomic.StoreInt64(&m.target, 64)
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

// TestWorkerTimesSingleItems: while the chunk size is 1, a worker times
// only one in timeEvery of its chunks of one item, but often enough that
// cheap items grow the chunks again; it times a chunk of one item at once
// when the size is larger, and a timed chunk right behind an untimed one
// starts when it was taken.
func TestWorkerTimesSingleItems(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMapper(context.Background(), func(func(int) bool) {}, 1,
			func(_ context.Context, v int) (int, error) {
				time.Sleep(time.Duration(v) * time.Microsecond)
				return v, nil
			})
		defer m.cancel()
		m.wg.Add(1)
		go m.worker()
		chunk := func(v int) *chunk[int, int] { // one item of v µs
			c := newChunk[int, int](1)
			c.in[0], c.n = v, 1
			return c
		}
		check := func(when string, want int64) {
			t.Helper()
			time.Sleep(time.Second) // f's sleeps end
			synctest.Wait()
			if got := atomic.LoadInt64(&m.target); got != want {
				t.Errorf("%s: target = %d, want %d", when, got, want)
			}
		}
		atomic.StoreInt64(&m.target, 1)
		m.work <- chunk(1)
		check("the first chunk of one cheap item", 2)
		for i := 1; i < timeEvery-1; i++ {
			atomic.StoreInt64(&m.target, 1)
			m.work <- chunk(1)
			check(fmt.Sprintf("chunk %d of one cheap item (untimed)", i), 1)
		}
		atomic.StoreInt64(&m.target, 1)
		m.work <- chunk(1) // untimed
		m.work <- chunk(1) // timed, taken as soon as the last is done
		check(fmt.Sprintf("chunk %d right behind an untimed one", timeEvery), 2)
		atomic.StoreInt64(&m.target, 4)
		m.work <- chunk(1000)
		check("one slow item while the size is 4", 1)
		close(m.work)
		m.wg.Wait()
	})
}

// TestAdapt: the chunk size grows at most twofold at a time while items
// are cheap (on a fake clock, free), up to maxItems; it shrinks at once to
// what targetCost allows, but never below one item.
func TestAdapt(t *testing.T) {
	for _, tc := range []struct {
		target, n int
		cost      time.Duration
		want      int64
	}{
		{1, 1, 0, 2},
		{4, 4, 0, 8},
		{64, 4, 0, 64},        // a chunk cut short by a steal
		{2048, 4096, 0, 4096}, // at most maxItems
		{4096, 4096, 0, 4096}, // at most maxItems
		{64, 4, 40 * time.Microsecond, 20},
		{8, 8, 8 * time.Microsecond, 16}, // 1 µs an item: twofold, not 200
		{4, 4, 4 * time.Millisecond, 1},
	} {
		m := newTestMapper(1)
		atomic.StoreInt64(&m.target, int64(tc.target))
		m.adapt(tc.n, tc.cost)
		if got := atomic.LoadInt64(&m.target); got != tc.want {
			t.Errorf("target %d, adapt(%d, %v): target = %d, want %d", tc.target, tc.n, tc.cost, got, tc.want)
		}
		m.cancel()
	}
}
