package pipeline

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func newTestMapper(workers int) *mapper[int, int] {
	return newMapper(context.Background(), func(func(int) bool) {}, workers,
		func(_ context.Context, v int) (int, error) { return v, nil })
}

// TestFeederRefillsAtHalf: the feeder waiting on a full work channel goes
// on once the workers have taken half of its chunks, not at every chunk.
func TestFeederRefillsAtHalf(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newTestMapper(4)
		defer m.cancel()
		f := &feeder[int, int]{m: m, fill: &m.fill}
		go func() {
			for range 12 {
				f.send(new(chunk[int, int]))
			}
		}()
		synctest.Wait()
		for i, want := range []int{3, 4, 3, 4, 3, 4, 3, 4} {
			<-m.work // a worker takes a chunk
			m.took()
			synctest.Wait()
			if got := len(m.work); got != want {
				t.Fatalf("after taking %d chunks, %d wait on work, want %d", i+1, got, want)
			}
		}
	})
}

// TestStopWakesFeeder: the loop ending takes the chunks off a full work
// channel and wakes the feeder, even with no worker left to take them.
func TestStopWakesFeeder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newTestMapper(2)
		m.wg.Add(1)
		f := &feeder[int, int]{m: m, fill: &m.fill}
		go func() {
			defer m.wg.Done()
			defer close(m.fed)
			for range 5 {
				f.send(new(chunk[int, int]))
			}
		}()
		synctest.Wait()
		m.stop()
		for range m.work { // ends once stop has closed work
		}
	})
}

// TestHandOffNothingToTake: with no partial chunk to take, handOff asks the
// feeder to flush after its next item without taking handoff, which the
// feeder takes for every chunk.
func TestHandOffNothingToTake(t *testing.T) {
	for _, fill := range []int64{
		3 << genShift,                 // an empty open chunk
		3<<genShift | sealedBit | 2,   // a sealed one
		3<<genShift | hungryBit,       // asked already
		3<<genShift | sealedBit | 0xf, // sealed, and full
	} {
		m := newTestMapper(2)
		atomic.StoreInt64(&m.fill, fill)
		m.handoff.Lock() // as the feeder does to seal a chunk
		done := make(chan struct{})
		go func() {
			defer close(done)
			m.handOff()
		}()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Errorf("handOff with fill %#x waits for handoff", fill)
		}
		m.handoff.Unlock()
		<-done
		if got := atomic.LoadInt64(&m.fill); got != fill|hungryBit {
			t.Errorf("handOff with fill %#x: fill = %#x, want %#x", fill, got, fill|hungryBit)
		}
		if len(m.work) != 0 {
			t.Errorf("handOff with fill %#x sent a chunk", fill)
		}
		m.cancel()
	}
}
