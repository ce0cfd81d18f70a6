package ratelimit

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func generate(n int) <-chan int {
	ch := make(chan int, n)
	for i := range n {
		ch <- i
	}
	close(ch)
	return ch
}

func TestThrottlePacesEveryValue(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		start := time.Now()
		i := 0
		for v := range Throttle(context.Background(), generate(10), NewTicker(100*time.Millisecond)) {
			if v != i {
				t.Errorf("value %d = %d, want %d", i, v, i)
			}
			if got, want := time.Since(start), time.Duration(i)*100*time.Millisecond; got != want {
				t.Errorf("value %d after %v, want %v", i, got, want)
			}
			i++
		}
		if i != 10 {
			t.Errorf("got %d values, want 10", i)
		}
	})
}

func TestThrottleStopsOnCtxDone(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		in := make(chan int) // never closed
		go func() {
			for i := 0; ; i++ {
				select {
				case in <- i:
				case <-ctx.Done():
					return
				}
			}
		}()
		out := Throttle(ctx, in, NewTokenBucket(10, 1))
		for range 3 {
			<-out
		}
		cancel()
		for range out {
		}
		synctest.Wait()
	})
}

func TestThrottleStopsWhenNobodyReads(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out := Throttle(ctx, generate(5), NewTicker(time.Millisecond))
		<-out
		cancel()
		synctest.Wait() // the bubble fails the test if the goroutine is left
	})
}

func TestThrottleStopsOnWaitError(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Second)
		out := Throttle(context.Background(), generate(5), tk)
		<-out
		tk.Stop()
		n := 0
		for range out {
			n++
		}
		if n != 0 {
			t.Errorf("%d values after Stop, want 0", n)
		}
	})
}

func TestThrottleNilLimiter(t *testing.T) {
	conctest.Panics(t, "ratelimit: ", func() { Throttle(context.Background(), generate(1), nil) })
}

// TestThrottleStopsWhileSending checks that the goroutine exits when ctx is
// done while it is blocked handing a value on, not only while it waits.
func TestThrottleStopsWhileSending(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out := Throttle(ctx, generate(2), NewTicker(time.Millisecond))
		<-out
		time.Sleep(10 * time.Millisecond) // the second value is ready to send
		cancel()
		synctest.Wait()
		if v, ok := <-out; ok {
			t.Errorf("receive after cancel = %v, want the channel closed", v)
		}
	})
}
