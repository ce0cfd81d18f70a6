package conctest

import (
	"context"
	"errors"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

func TestTrackerMax(t *testing.T) {
	var tr Tracker
	const n = 5
	var entered, release sync.WaitGroup
	entered.Add(n)
	release.Add(1)
	var done sync.WaitGroup
	for range n {
		done.Add(1)
		go func() {
			defer done.Done()
			tr.Do(func() {
				entered.Done()
				release.Wait()
			})
		}()
	}
	entered.Wait()
	if got := tr.Now(); got != n {
		t.Errorf("Now() = %d, want %d", got, n)
	}
	release.Done()
	done.Wait()
	if got := tr.Max(); got != n {
		t.Errorf("Max() = %d, want %d", got, n)
	}
	if got := tr.Now(); got != 0 {
		t.Errorf("Now() after all left = %d, want 0", got)
	}
}

func TestTrackerSequentialMaxIsOne(t *testing.T) {
	var tr Tracker
	for range 10 {
		tr.Do(func() {})
	}
	if got := tr.Max(); got != 1 {
		t.Errorf("Max() = %d, want 1", got)
	}
}

func TestTrackerReset(t *testing.T) {
	var tr Tracker
	tr.Enter()
	tr.Enter()
	tr.Leave()
	tr.Reset()
	if got := tr.Max(); got != 1 {
		t.Errorf("Max() after Reset = %d, want 1 (the one still inside)", got)
	}
	tr.Leave()
}

func TestTrackerLeaveWithoutEnter(t *testing.T) {
	var tr Tracker
	Panics(t, "conctest: ", tr.Leave)
}

func TestWithProcs(t *testing.T) {
	var seen []int
	WithProcs(t, func(t *testing.T) { seen = append(seen, runtime.GOMAXPROCS(0)) })
	if len(seen) != len(Procs) {
		t.Fatalf("body ran %d times, want %d", len(seen), len(Procs))
	}
	for i, n := range Procs {
		if seen[i] != n {
			t.Errorf("run %d: GOMAXPROCS = %d, want %d", i, seen[i], n)
		}
	}
}

func TestBubbleFakeTime(t *testing.T) {
	Bubble(t, func(t *testing.T) {
		start := time.Now()
		time.Sleep(time.Hour)
		if got := time.Since(start); got != time.Hour {
			t.Errorf("time.Since(start) = %v, want exactly 1h", got)
		}
	})
}

func TestRandomCancel(t *testing.T) {
	for range 100 {
		ctx, stop := RandomCancel(context.Background(), 50)
		<-ctx.Done()
		if got := context.Cause(ctx); !errors.Is(got, ErrRandomCancel) {
			t.Fatalf("Cause = %v, want %v", got, ErrRandomCancel)
		}
		stop()
	}
}

func TestRandomCancelStopEarly(t *testing.T) {
	ctx, stop := RandomCancel(context.Background(), 1_000_000)
	stop()
	if ctx.Err() == nil {
		t.Error("ctx not done after stop")
	}
}

func TestVerifyNoneSeesLeak(t *testing.T) {
	stop := make(chan struct{})
	go func() { <-stop }()
	tb := &fakeTB{TB: t}
	VerifyNone(tb)
	close(stop)
	if !tb.failed {
		t.Error("VerifyNone passed with a goroutine left running, want a failure")
	}
	tb = &fakeTB{TB: t}
	VerifyNone(tb)
	if tb.failed {
		t.Error("VerifyNone failed with no goroutine left running, want a pass")
	}
}

func TestPanicsReturnsValue(t *testing.T) {
	if v := Panics(t, "x: ", func() { panic("x: bad") }); v != "x: bad" {
		t.Errorf("Panics = %v, want %q", v, "x: bad")
	}
	if v := Panics(t, "", func() { panic(42) }); v != 42 {
		t.Errorf("Panics = %v, want 42", v)
	}
}

// fakeTB records failures so that the failing paths of Panics can be tested.
type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true; runtime.Goexit() }
func (f *fakeTB) Error(...any)          { f.failed = true }
func (f *fakeTB) Errorf(string, ...any) { f.failed = true }

func TestPanicsFails(t *testing.T) {
	for name, f := range map[string]func(){
		"no panic":     func() {},
		"wrong prefix": func() { panic("y: bad") },
	} {
		tb := &fakeTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			Panics(tb, "x: ", f)
		}()
		<-done
		if !tb.failed {
			t.Errorf("%s: Panics did not fail the test", name)
		}
	}
}

func TestChild(t *testing.T) {
	if !Child(t, "CONCTEST_CHILD_PROBE=yes") {
		return
	}
	if got := os.Getenv("CONCTEST_CHILD_PROBE"); got != "yes" {
		t.Errorf("CONCTEST_CHILD_PROBE = %q in the child, want %q", got, "yes")
	}
}
