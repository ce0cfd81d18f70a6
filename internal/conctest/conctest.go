// Package conctest is the test harness shared by every package of the module:
// a leak check for TestMain, a tracker of concurrency, and helpers that run a
// test body under several GOMAXPROCS values, in a synctest bubble, or against
// a context cancelled at a random point.
package conctest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"
)

// Main runs the package's tests and fails the run when any goroutine started
// by them is still alive afterwards. Call it from TestMain:
//
//	func TestMain(m *testing.M) { conctest.Main(m) }
func Main(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// VerifyNone fails t if any goroutine is running besides the test's own and
// the testing package's. Goroutines on their way out are given a short grace
// period, as goleak does. It must not be used in parallel tests.
func VerifyNone(t testing.TB) {
	t.Helper()
	goleak.VerifyNone(t)
}

// A Tracker records how many goroutines are inside a section at once, and
// the most there ever were. The zero value is ready to use; a Tracker is
// safe for concurrent use and must not be copied after first use.
type Tracker struct {
	now, max atomic.Int64
}

// Enter marks one more goroutine inside the section.
func (t *Tracker) Enter() {
	n := t.now.Add(1)
	for {
		m := t.max.Load()
		if n <= m || t.max.CompareAndSwap(m, n) {
			return
		}
	}
}

// Leave marks one goroutine leaving the section.
func (t *Tracker) Leave() {
	if t.now.Add(-1) < 0 {
		panic("conctest: Leave without Enter")
	}
}

// Do calls f inside the section: Enter, f, Leave.
func (t *Tracker) Do(f func()) {
	t.Enter()
	defer t.Leave()
	f()
}

// Now returns how many goroutines are inside the section.
func (t *Tracker) Now() int { return int(t.now.Load()) }

// Max returns the most goroutines that were inside the section at once
// since the Tracker was created or last Reset.
func (t *Tracker) Max() int { return int(t.max.Load()) }

// Reset forgets the maximum: from now on Max counts from the goroutines
// inside the section at the time of the call.
func (t *Tracker) Reset() { t.max.Store(t.now.Load()) }

// Procs are the GOMAXPROCS values under which WithProcs runs a body.
var Procs = []int{1, 2, 8}

// WithProcs runs body as a subtest under each GOMAXPROCS value in Procs,
// restoring the old value afterwards. The subtests run one after another:
// GOMAXPROCS is global to the process.
func WithProcs(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	for _, n := range Procs {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", n), func(t *testing.T) {
			old := runtime.GOMAXPROCS(n)
			defer runtime.GOMAXPROCS(old)
			body(t)
		})
	}
}

// Bubble runs body in a testing/synctest bubble: time is fake, advances only
// when every goroutine of the bubble is durably blocked, and the bubble fails
// the test if a goroutine it started is still running at the end.
func Bubble(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, body)
}

// ErrRandomCancel is the cause with which RandomCancel cancels its context.
var ErrRandomCancel = errors.New("conctest: cancelled at a random point")

// RandomCancel returns a context derived from parent that a goroutine cancels,
// with cause ErrRandomCancel, after a random number of scheduler yields in
// [0, maxYields]. Repeated over many runs, the cancellation lands at every
// point of the code under test. stop cancels the context if it is not done
// yet and returns once the cancelling goroutine has exited; call it before
// the test checks for leaks.
func RandomCancel(parent context.Context, maxYields int) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := rand.IntN(maxYields + 1); n > 0 && ctx.Err() == nil; n-- {
			runtime.Gosched()
		}
		cancel(ErrRandomCancel)
	}()
	return ctx, func() {
		cancel(ErrRandomCancel)
		wg.Wait()
	}
}

// Panics calls f and returns what it panicked with. It fails t if f returns
// normally, or if the value is not a string or error whose text starts with
// prefix (an empty prefix accepts any value).
func Panics(t testing.TB, prefix string, f func()) (v any) {
	t.Helper()
	defer func() {
		t.Helper()
		v = recover()
		if v == nil {
			t.Fatalf("no panic, want one starting with %q", prefix)
		}
		if prefix == "" {
			return
		}
		msg := fmt.Sprint(v)
		if !strings.HasPrefix(msg, prefix) {
			t.Fatalf("panic %q, want one starting with %q", msg, prefix)
		}
	}()
	f()
	return nil
}
