package limit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

var errStop = errors.New("stop")

func TestSemaphoreMisuse(t *testing.T) {
	s := limit.NewSemaphore(2)
	ctx := context.Background()
	conctest.Panics(t, "limit: size < 0", func() { limit.NewSemaphore(-1) })
	var nilCtx context.Context
	conctest.Panics(t, "limit: nil context", func() { _ = s.Acquire(nilCtx, 1) })
	conctest.Panics(t, "limit: n < 0", func() { _ = s.Acquire(ctx, -1) })
	conctest.Panics(t, "limit: n < 0", func() { s.TryAcquire(-1) })
	conctest.Panics(t, "limit: n < 0", func() { s.Release(-1) })
	conctest.Panics(t, "limit: size < 0", func() { s.Resize(-1) })
	conctest.Panics(t, "limit: released more than held", func() { s.Release(1) })
	s.TryAcquire(1)
	s.Resize(0) // slow mode: the check is made under the lock
	conctest.Panics(t, "limit: released more than held", func() { s.Release(2) })
	if got := s.InUse(); got != 1 {
		t.Errorf("InUse() = %d after refused releases, want 1", got)
	}
}

func TestSemaphoreBasics(t *testing.T) {
	s := limit.NewSemaphore(3)
	ctx := context.Background()
	if err := s.Acquire(ctx, 2); err != nil {
		t.Fatalf("Acquire(2) = %v", err)
	}
	if s.TryAcquire(2) {
		t.Error("TryAcquire(2) with 1 free = true")
	}
	if !s.TryAcquire(1) {
		t.Error("TryAcquire(1) with 1 free = false")
	}
	if got := s.InUse(); got != 3 {
		t.Errorf("InUse() = %d, want 3", got)
	}
	s.Release(3)
	if got, size := s.InUse(), s.Size(); got != 0 || size != 3 {
		t.Errorf("InUse(), Size() = %d, %d, want 0, 3", got, size)
	}
	if err := s.Acquire(ctx, 0); err != nil {
		t.Errorf("Acquire(0) = %v", err)
	}
}

func TestSemaphoreZeroValue(t *testing.T) {
	var s limit.Semaphore
	if s.Size() != 0 || s.TryAcquire(1) || !s.TryAcquire(0) {
		t.Fatal("the zero Semaphore is not one of size 0")
	}
	s.Resize(1)
	if !s.TryAcquire(1) {
		t.Error("TryAcquire(1) after Resize(1) = false")
	}
}

func TestSemaphoreDoneContext(t *testing.T) {
	s := limit.NewSemaphore(1)
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errStop)
	if err := s.Acquire(ctx, 1); err != errStop {
		t.Errorf("Acquire with a done ctx = %v, want the cause %v", err, errStop)
	}
	if s.InUse() != 0 {
		t.Error("a failed Acquire took units")
	}
}

// waiting starts Acquire(n) in a goroutine and returns once it blocks; the
// returned channel receives its result.
func waiting(t *testing.T, s *limit.Semaphore, ctx context.Context, n int64) <-chan error {
	t.Helper()
	ch := make(chan error, 1)
	go func() { ch <- s.Acquire(ctx, n) }()
	synctest.Wait()
	select {
	case err := <-ch:
		t.Fatalf("Acquire(%d) returned %v, want it to wait", n, err)
	default:
	}
	return ch
}

func TestSemaphoreFIFO(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		s := limit.NewSemaphore(3)
		ctx := context.Background()
		s.TryAcquire(3)
		var order []int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 5 {
			wg.Go(func() {
				if err := s.Acquire(ctx, 1); err != nil {
					t.Error(err)
				}
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
			})
			synctest.Wait()
		}
		if s.TryAcquire(0) {
			t.Error("TryAcquire(0) with waiters queued = true")
		}
		for range 5 {
			s.Release(1)
			synctest.Wait()
		}
		wg.Wait()
		for i, got := range order {
			if got != i {
				t.Fatalf("waiters served in order %v, want FIFO", order)
			}
		}
	})
}

// A large request at the head of the queue holds smaller ones back, even
// when they would fit: the head-of-line effect.
func TestSemaphoreHeadOfLine(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		s := limit.NewSemaphore(4)
		ctx := context.Background()
		s.TryAcquire(3)
		big := waiting(t, s, ctx, 3)
		small := waiting(t, s, ctx, 1)
		if s.TryAcquire(1) {
			t.Error("TryAcquire(1) behind a waiter = true")
		}
		s.Release(2) // 3 free: the big one goes, the small one waits behind it
		synctest.Wait()
		if err := <-big; err != nil {
			t.Fatal(err)
		}
		select {
		case <-small:
			t.Fatal("the small request got in with nothing free")
		default:
		}
		s.Release(1)
		if err := <-small; err != nil {
			t.Fatal(err)
		}
	})
}

// A request larger than Size waits without holding smaller ones back, and a
// Resize that makes room serves it.
func TestSemaphoreLargerThanSize(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		s := limit.NewSemaphore(2)
		ctx := context.Background()
		huge := waiting(t, s, ctx, 5)
		if !s.TryAcquire(2) {
			t.Fatal("a request larger than Size held TryAcquire back")
		}
		small := waiting(t, s, ctx, 1)
		s.Resize(6) // 4 free: the small one is at the head, the huge one joins behind it
		synctest.Wait()
		if err := <-small; err != nil {
			t.Fatal(err)
		}
		select {
		case <-huge:
			t.Fatal("the huge request got 5 units with 3 free")
		default:
		}
		s.Release(2)
		if err := <-huge; err != nil {
			t.Fatal(err)
		}
		if got := s.InUse(); got != 6 {
			t.Errorf("InUse() = %d, want 6", got)
		}

		// Shrinking sets aside a queued waiter that no longer fits.
		s.Release(6)
		s.TryAcquire(4)
		four := waiting(t, s, ctx, 4)
		s.Resize(3)
		one := waiting(t, s, ctx, 1) // queued: InUse is over Size
		s.Release(2)                 // InUse 2 of 3: the one unit fits; the four waits aside
		if err := <-one; err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancelCause(ctx)
		aside := waiting(t, s, cctx, 9)
		cancel(errStop)
		if err := <-aside; err != errStop {
			t.Errorf("Acquire(9) = %v, want %v", err, errStop)
		}
		s.Resize(7)
		if err := <-four; err != nil {
			t.Fatal(err)
		}
		if got := s.InUse(); got != 7 {
			t.Errorf("InUse() = %d, want 7", got)
		}
	})
}

func TestSemaphoreResize(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		s := limit.NewSemaphore(2)
		ctx := context.Background()
		s.TryAcquire(2)
		a, b := waiting(t, s, ctx, 1), waiting(t, s, ctx, 1)
		s.Resize(4) // growing wakes both
		if err := errors.Join(<-a, <-b); err != nil {
			t.Fatal(err)
		}
		s.Resize(1) // in use 4 of 1
		if s.TryAcquire(0) || s.InUse() != 4 || s.Size() != 1 {
			t.Fatalf("after shrinking: TryAcquire(0) succeeded or InUse, Size = %d, %d", s.InUse(), s.Size())
		}
		c := waiting(t, s, ctx, 1)
		s.Release(3) // in use 1 of 1: still full
		synctest.Wait()
		select {
		case <-c:
			t.Fatal("a waiter got in while InUse >= Size")
		default:
		}
		s.Release(1)
		if err := <-c; err != nil {
			t.Fatal(err)
		}
		s.Release(1)
		if s.InUse() != 0 {
			t.Errorf("InUse() = %d, want 0", s.InUse())
		}
	})
}

// A waiter that gives up takes nothing, and if it was at the head, the ones
// behind it that fit get in.
func TestSemaphoreGiveUp(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		s := limit.NewSemaphore(4)
		s.TryAcquire(2)
		ctx, cancel := context.WithCancelCause(context.Background())
		head := waiting(t, s, ctx, 3)
		next := waiting(t, s, context.Background(), 2)
		cancel(errStop)
		if err := <-head; err != errStop {
			t.Errorf("Acquire = %v, want %v", err, errStop)
		}
		if err := <-next; err != nil {
			t.Fatal(err)
		}
		if got := s.InUse(); got != 4 {
			t.Errorf("InUse() = %d, want 4", got)
		}
		ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
		defer cancel2()
		if err := s.Acquire(ctx2, 1); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Acquire = %v, want the deadline", err)
		}
	})
}
