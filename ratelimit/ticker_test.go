package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// waitLoop calls wait until it fails and returns how many calls succeeded,
// marking t failed unless the failure is ctx's deadline. It may run on any
// goroutine.
func waitLoop(t *testing.T, ctx context.Context, wait func(context.Context) error) int {
	t.Helper()
	n := 0
	for {
		err := wait(ctx)
		if err != nil {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Wait() = %v, want %v", err, context.DeadlineExceeded)
			}
			return n
		}
		n++
	}
}

// within reports whether got is within 1% of want.
func within(got, want int) bool {
	return got >= want*99/100 && got <= want*101/100
}

func TestTickerRate(t *testing.T) {
	for _, perSec := range []int{10, 1_000, 10_000} {
		t.Run(fmt.Sprint(perSec), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				tk := NewTicker(time.Second / time.Duration(perSec))
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				got := waitLoop(t, ctx, tk.Wait)
				if want := 10 * perSec; !within(got, want) {
					t.Errorf("Wait loop for 10s at %d/s: %d events, want %d within 1%%", perSec, got, want)
				}
			})
		})
	}
}

// TestTickerLateCaller shows the ticks owed to a caller that comes back late
// are handed out, where time.Ticker would drop them: the caller polls with
// Allow and sleeps 1.1 ms, as a Go timer does for a shorter wait.
func TestTickerLateCaller(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(100 * time.Microsecond)
		start := time.Now()
		n := 0
		for time.Since(start) < 10*time.Second {
			for tk.Allow() {
				n++
			}
			time.Sleep(1100 * time.Microsecond)
		}
		if want := 100_000; !within(n, want) {
			t.Errorf("late caller got %d ticks in 10s, want %d within 1%%", n, want)
		}
	})
}

// allowNow counts the events that Allow grants without time passing.
func allowNow(allow func() bool) int {
	n := 0
	for allow() {
		n++
	}
	return n
}

func TestTickerCatchUpCap(t *testing.T) {
	const interval = 100 * time.Microsecond
	for _, tc := range []struct {
		late time.Duration
		want int
	}{
		{0, 0},
		{3 * time.Millisecond, 30},
		{CatchUp, int(CatchUp / interval)},
		{CatchUp + interval, 1},
		{time.Minute, 1},
	} {
		t.Run(tc.late.String(), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				tk := NewTicker(interval)
				if !tk.Allow() {
					t.Fatal("Allow() = false for the first tick, want true")
				}
				time.Sleep(interval + tc.late)
				// The tick due at interval, plus those due while late, up to
				// 1 + CatchUp/interval.
				want := min(tc.want+1, 1+int(CatchUp/interval))
				if tc.late > CatchUp {
					want = 1
				}
				if got := allowNow(tk.Allow); got != want {
					t.Errorf("after %v late: %d ticks at once, want %d", tc.late, got, want)
				}
			})
		})
	}
}

func TestTickerIdleMinute(t *testing.T) {
	for _, interval := range []time.Duration{100 * time.Microsecond, time.Millisecond, 200 * time.Millisecond} {
		t.Run(interval.String(), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) {
				tk := NewTicker(interval)
				time.Sleep(time.Minute)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				start := time.Now()
				n := 0
				for ; time.Since(start) == 0; n++ {
					if err := tk.Wait(ctx); err != nil {
						t.Fatalf("Wait() = %v, want nil", err)
					}
				}
				// The last Wait slept until the tick one interval later.
				if got, want := n-1, 1; got != want {
					t.Errorf("after an idle minute %d ticks at once, want %d", got, want)
				}
				if got := time.Since(start); got != interval {
					t.Errorf("second tick after %v, want %v", got, interval)
				}
			})
		})
	}
}

func TestTickerFirstTickAtOnce(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Second)
		start := time.Now()
		for range 3 {
			if err := tk.Wait(context.Background()); err != nil {
				t.Fatalf("Wait() = %v, want nil", err)
			}
		}
		if got, want := time.Since(start), 2*time.Second; got != want {
			t.Errorf("3 ticks took %v, want %v", got, want)
		}
	})
}

func TestTickerAllowNeverBlocks(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Hour)
		start := time.Now()
		got := 0
		for range 1000 {
			if tk.Allow() {
				got++
			}
		}
		if got != 1 {
			t.Errorf("1000 Allow calls at once granted %d, want 1", got)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Allow took %v, want 0", d)
		}
		// A blocked Wait does not block Allow either.
		go tk.Wait(context.Background())
		synctest.Wait()
		if tk.Allow() {
			t.Error("Allow() = true while the next tick is reserved, want false")
		}
		tk.Stop()
	})
}

func TestTickerStop(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Hour)
		tk.Allow()
		errc := make(chan error)
		go func() { errc <- tk.Wait(context.Background()) }()
		synctest.Wait()
		tk.Stop()
		if err := <-errc; !errors.Is(err, ErrStopped) {
			t.Errorf("blocked Wait() after Stop = %v, want %v", err, ErrStopped)
		}
		if err := tk.Wait(context.Background()); !errors.Is(err, ErrStopped) {
			t.Errorf("Wait() after Stop = %v, want %v", err, ErrStopped)
		}
		time.Sleep(2 * time.Hour)
		if tk.Allow() {
			t.Error("Allow() after Stop = true, want false")
		}
		tk.Stop() // a second Stop is harmless
	})
}

func TestTickerZero(t *testing.T) {
	var tk Ticker
	if tk.Allow() {
		t.Error("zero Ticker: Allow() = true, want false")
	}
	if err := tk.Wait(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("zero Ticker: Wait() = %v, want %v", err, ErrStopped)
	}
	tk.Stop()
}

func TestTickerWaitDeadline(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Second)
		tk.Allow()
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := tk.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait() = %v, want %v", err, context.DeadlineExceeded)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("Wait() failed after %v, want at once", d)
		}
		// The failed Wait took nothing: the tick at 1s is still free.
		if err := tk.Wait(context.Background()); err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
		if got, want := time.Since(start), time.Second; got != want {
			t.Errorf("next tick after %v, want %v", got, want)
		}
	})
}

func TestTickerWaitCancel(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Second)
		tk.Allow()
		cause := errors.New("gave up")
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		if err := tk.Wait(ctx); err != cause {
			t.Errorf("Wait(done ctx) = %v, want %v", err, cause)
		}
		ctx, cancel = context.WithCancelCause(context.Background())
		go func() {
			time.Sleep(300 * time.Millisecond)
			cancel(cause)
		}()
		start := time.Now()
		if err := tk.Wait(ctx); err != cause {
			t.Errorf("Wait() = %v, want %v", err, cause)
		}
		if got, want := time.Since(start), 300*time.Millisecond; got != want {
			t.Errorf("Wait() returned after %v, want %v", got, want)
		}
		// The cancelled Wait gave its tick back.
		if err := tk.Wait(context.Background()); err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
		if got, want := time.Since(start), time.Second; got != want {
			t.Errorf("next tick after %v, want %v", got, want)
		}
	})
}

func TestTickerConcurrentWaiters(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		counts := make(chan int)
		for range 8 {
			go func() { counts <- waitLoop(t, ctx, tk.Wait) }()
		}
		total := 0
		for range 8 {
			total += <-counts
		}
		if total != 1000 {
			t.Errorf("8 waiters got %d ticks in 1s at 1000/s, want 1000", total)
		}
	})
}

func TestNewTickerPanics(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		conctest.Panics(t, "ratelimit: ", func() { NewTicker(d) })
	}
}

// passTimes runs waits and records when each successful one returned, as
// times since start.
type passTimes struct {
	mu    sync.Mutex
	start time.Time
	at    []time.Duration
	wg    sync.WaitGroup
}

// wait starts a Wait on l under ctx and lets it reserve before returning.
func (p *passTimes) wait(ctx context.Context, l Limiter) {
	p.wg.Go(func() {
		if l.Wait(ctx) == nil {
			p.mu.Lock()
			p.at = append(p.at, time.Since(p.start))
			p.mu.Unlock()
		}
	})
	synctest.Wait()
}

// distinct reports an error if two events passed at the same instant.
func (p *passTimes) distinct(t *testing.T) {
	t.Helper()
	p.wg.Wait()
	seen := map[time.Duration]bool{}
	for _, d := range p.at {
		if seen[d] {
			t.Errorf("two events passed at %v (all: %v), want at most one per instant", d, p.at)
		}
		seen[d] = true
	}
}

// TestTickerCancelBehindLaterReservation checks that a cancelled Wait keeps
// its tick taken when a later Wait has reserved the tick after it: giving
// it back would hand two Waits the same tick.
func TestTickerCancelBehindLaterReservation(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(time.Second)
		tk.Allow()
		p := &passTimes{start: time.Now()}
		ctxA, cancelA := context.WithCancel(context.Background())
		p.wait(ctxA, tk)
		p.wait(context.Background(), tk)
		cancelA()
		synctest.Wait()
		p.wait(context.Background(), tk)
		p.wait(context.Background(), tk)
		p.distinct(t)
		want := []time.Duration{2 * time.Second, 3 * time.Second, 4 * time.Second}
		if fmt.Sprint(p.at) != fmt.Sprint(want) {
			t.Errorf("ticks at %v, want %v", p.at, want)
		}
	})
}

// TestTickerHugeInterval checks that a Ticker whose grid runs past its
// nanosecond clock refuses the ticks beyond it instead of wrapping around.
func TestTickerHugeInterval(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		tk := NewTicker(1e18)
		tk.Allow()
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range 9 {
			wg.Go(func() { tk.Wait(ctx) })
		}
		synctest.Wait()
		if tk.Allow() {
			t.Error("Allow() = true right after the first tick of a 1e18ns Ticker, want false")
		}
		if err := tk.Wait(ctx); !errors.Is(err, ErrNeverAllowed) {
			t.Errorf("Wait() for a tick beyond the clock = %v, want ErrNeverAllowed", err)
		}
		cancel()
		wg.Wait()
	})
}
