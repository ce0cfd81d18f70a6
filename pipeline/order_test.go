package pipeline

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// TestChunksInOrder plays the feeder, the loop and a worker by hand: the
// partial chunk that the loop takes for an idle worker reaches the workers
// before every chunk the feeder fills after it, so that one worker calls f
// on the items in input order.
func TestChunksInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMapper(context.Background(), func(func(int) bool) {}, 1,
			func(_ context.Context, v int) (int, error) { return v, nil })
		defer m.cancel()
		atomic.StoreInt64(&m.target, 4)
		f := &feeder[int, int]{m: m, fill: &m.fill}
		yield := f.yield()
		for i := range 5 { // a full chunk of items 0-3, and item 4
			yield(i)
		}
		receive := func() {
			if c, err := m.receive(); c == nil || err != nil {
				t.Errorf("receive() = %v, %v; want a chunk", c, err)
			}
		}
		done := make(chan struct{})
		go func() { receive(); close(done) }() // the loop, with an idle worker
		synctest.Wait()
		go func() { // the input goes on
			for i := 5; i < 9; i++ {
				yield(i)
			}
		}()
		synctest.Wait()
		m.results.push(new(chunk[int, int])) // a worker hands back a chunk
		<-done
		var items []int
		taken := make(chan struct{})
		go func() { // a worker takes the chunks
			defer close(taken)
			for len(items) < 9 {
				c := <-m.work
				m.took()
				items = append(items, c.in[:c.n]...)
			}
		}()
		synctest.Wait()
		go receive() // the loop again
		synctest.Wait()
		m.results.push(new(chunk[int, int]))
		<-taken
		if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(items, want) {
			t.Errorf("the worker called f on %v, want %v", items, want)
		}
	})
}
