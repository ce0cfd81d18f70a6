package pool_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/gopatterns/concurrency/internal/conctest"

	"github.com/gopatterns/concurrency/pool"
)

// blockedPool returns a pool of size workers, each of which blocks in work
// until release is closed. It submits size values so that every worker is
// busy, and waits until they are.
func blockedPool(t *testing.T, size int) (p *pool.Pool[int], release chan struct{}, ran *atomic.Int64) {
	t.Helper()
	release = make(chan struct{})
	ran = new(atomic.Int64)
	p = pool.New(size, func(int) { <-release; ran.Add(1) })
	for i := range size {
		if err := p.Submit(i); err != nil {
			t.Fatalf("Submit = %v, want nil", err)
		}
	}
	synctest.Wait()
	if s := p.Stats(); s.Running != size || s.Queued != 0 {
		t.Fatalf("Stats() = %+v, want %d running, 0 queued", s, size)
	}
	return p, release, ran
}

// submitAsync starts Submit(v) and returns a channel that gets its result.
func submitAsync(p *pool.Pool[int], v int) <-chan error {
	res := make(chan error, 1)
	go func() { res <- p.Submit(v) }()
	return res
}

func blocked(res <-chan error) bool {
	synctest.Wait()
	select {
	case <-res:
		return false
	default:
		return true
	}
}

func TestQueueUnbounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, ran := blockedPool(t, 1)
		for i := range 10_000 {
			if !p.TrySubmit(i) {
				t.Fatalf("TrySubmit #%d = false on an unbounded queue, want true", i)
			}
		}
		if s := p.Stats(); s.Queued != 10_000 {
			t.Errorf("Stats().Queued = %d, want 10000", s.Queued)
		}
		close(release)
		p.Close()
		if got := ran.Load(); got != 10_001 {
			t.Errorf("%d values ran, want 10001", got)
		}
	})
}

func TestQueueHandOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := pool.New(2, func(int) { <-release })
		p.SetQueueLimit(0)
		// A free worker takes a value at once: two go through.
		if !p.TrySubmit(1) || !p.TrySubmit(2) {
			t.Fatal("TrySubmit with free workers = false, want true")
		}
		synctest.Wait()
		if p.TrySubmit(3) {
			t.Fatal("TrySubmit with every worker busy = true, want false")
		}
		res := submitAsync(p, 3)
		if !blocked(res) {
			t.Fatal("Submit with every worker busy returned, want it to block")
		}
		release <- struct{}{} // one worker finishes and takes value 3
		if err := <-res; err != nil {
			t.Errorf("Submit = %v, want nil", err)
		}
		close(release)
		p.Close()
		if s := p.Stats(); s.Completed != 3 {
			t.Errorf("Stats().Completed = %d, want 3", s.Completed)
		}
	})
}

func TestQueueBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, ran := blockedPool(t, 1)
		p.SetQueueLimit(3)
		for i := range 3 {
			if !p.TrySubmit(i) {
				t.Fatalf("TrySubmit #%d below the limit = false, want true", i)
			}
		}
		if p.TrySubmit(9) {
			t.Fatal("TrySubmit at the limit = true, want false")
		}
		res := submitAsync(p, 9)
		if !blocked(res) {
			t.Fatal("Submit at the limit returned, want it to block")
		}
		// A blocked submitter keeps its place: TrySubmit may not overtake it.
		p.SetQueueLimit(4)
		if err := <-res; err != nil {
			t.Fatalf("Submit after raising the limit = %v, want nil", err)
		}
		close(release)
		p.Close()
		if got := ran.Load(); got != 5 {
			t.Errorf("%d values ran, want 5", got)
		}
	})
}

func TestSubmitContextCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, ran := blockedPool(t, 1)
		p.SetQueueLimit(0)
		cause := errors.New("caller gave up")
		ctx, cancel := context.WithCancelCause(context.Background())
		res := make(chan error, 1)
		go func() { res <- p.SubmitContext(ctx, 7) }()
		if !blocked(res) {
			t.Fatal("SubmitContext on a full queue returned, want it to block")
		}
		cancel(cause)
		if err := <-res; err != cause {
			t.Errorf("SubmitContext = %v, want %v", err, cause)
		}
		before := p.Stats()
		if before.Queued != 0 || before.Submitted != 1 {
			t.Errorf("after a cancelled SubmitContext: Stats() = %+v, want the queue unchanged", before)
		}
		// An already cancelled ctx fails even where there is room.
		p.SetQueueLimit(-1)
		if err := p.SubmitContext(ctx, 8); err != cause {
			t.Errorf("SubmitContext(done ctx) = %v, want %v", err, cause)
		}
		close(release)
		p.Close()
		if got := ran.Load(); got != 1 {
			t.Errorf("%d values ran, want 1: the refused ones must not run", got)
		}
	})
}

func TestCloseReleasesBlockedSubmitters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, _ := blockedPool(t, 1)
		p.SetQueueLimit(0)
		res := submitAsync(p, 1)
		if !blocked(res) {
			t.Fatal("Submit returned, want it to block")
		}
		closed := make(chan struct{})
		go func() { p.Close(); close(closed) }()
		if err := <-res; !errors.Is(err, pool.ErrClosed) {
			t.Errorf("blocked Submit after Close = %v, want %v", err, pool.ErrClosed)
		}
		close(release)
		<-closed
	})
}

// TestBoundedQueueNoLostWakeup has many submitters share a small queue: a
// lost wakeup would leave one blocked forever, which the bubble reports as
// a deadlock.
func TestBoundedQueueNoLostWakeup(t *testing.T) {
	for _, limit := range []int{0, 1, 4} {
		synctest.Test(t, func(t *testing.T) {
			var ran atomic.Int64
			p := pool.New(3, func(int) { ran.Add(1) })
			p.SetQueueLimit(limit)
			var wg sync.WaitGroup
			for g := range 50 {
				wg.Go(func() {
					for i := range 200 {
						if err := p.Submit(g*1000 + i); err != nil {
							t.Errorf("Submit = %v, want nil", err)
						}
					}
				})
			}
			wg.Wait()
			p.Close()
			if got := ran.Load(); got != 50*200 {
				t.Errorf("limit %d: %d values ran, want %d", limit, got, 50*200)
			}
		})
	}
}

func TestResizeUpWakesSubmitters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, _ := blockedPool(t, 1)
		p.SetQueueLimit(0)
		res := submitAsync(p, 1)
		if !blocked(res) {
			t.Fatal("Submit returned, want it to block")
		}
		p.Resize(2)
		if err := <-res; err != nil {
			t.Fatalf("Submit after Resize(2) = %v, want nil", err)
		}
		synctest.Wait()
		if s := p.Stats(); s.Running != 2 || s.Workers != 2 {
			t.Errorf("after Resize(2): Stats() = %+v, want 2 workers running", s)
		}
		close(release)
		p.Close()
	})
}

func TestResizeUpStartsWorkersForQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, release, _ := blockedPool(t, 1)
		for i := range 4 {
			p.Submit(i)
		}
		p.Resize(3)
		synctest.Wait()
		if s := p.Stats(); s.Running != 3 {
			t.Errorf("after Resize(3): Stats() = %+v, want 3 running", s)
		}
		close(release)
		p.Close()
	})
}

func TestResizeDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var tr conctest.Tracker
		p := pool.New(4, func(int) { tr.Do(func() { <-release }) })
		for i := range 4 {
			p.Submit(i)
		}
		synctest.Wait()
		p.Resize(1)
		for i := range 20 {
			p.Submit(i)
		}
		// Release the values one by one: each of the three surplus workers
		// exits after the value it holds, then one worker serves the rest.
		for i := 1; i <= 24; i++ {
			release <- struct{}{}
			synctest.Wait()
			want := max(4-i, 1)
			if i == 24 {
				want = 0
			}
			if got := tr.Now(); got != want {
				t.Fatalf("after %d values: %d running, want %d", i, got, want)
			}
		}
		if s := p.Stats(); s.Workers != 0 || s.Completed != 24 {
			t.Errorf("Stats() = %+v, want every value done and no worker left", s)
		}
		p.Close()
	})
}
