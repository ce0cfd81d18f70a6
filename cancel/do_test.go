package cancel

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestDoResult(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		start := time.Now()
		v, err := Do(t.Context(), func() (int, error) {
			time.Sleep(time.Second)
			return 7, io.EOF
		})
		if v != 7 || err != io.EOF {
			t.Errorf("Do() = %v, %v, want 7, %v", v, err, io.EOF)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Do took %v, want %v", got, time.Second)
		}
	})
}

// f never looks at ctx; Do returns at the cancel all the same, and f runs on
// until it returns by itself.
func TestDoCancelled(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(time.Second, func() { cancel(errStop) })
		var finished sync.WaitGroup
		finished.Add(1)
		start := time.Now()
		v, err := Do(ctx, func() (int, error) {
			defer finished.Done()
			time.Sleep(2 * time.Second)
			return 7, nil
		})
		if v != 0 || err != errStop {
			t.Errorf("Do() = %v, %v, want 0, %v", v, err, errStop)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Do took %v, want %v", got, time.Second)
		}
		finished.Wait()
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("f ran for %v after Do, want %v", got, 2*time.Second)
		}
	})
}

func TestDoDeadline(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		var finished sync.WaitGroup
		finished.Add(1)
		_, err := Do(ctx, func() (struct{}, error) {
			defer finished.Done()
			time.Sleep(2 * time.Second)
			return struct{}{}, nil
		})
		if err != context.DeadlineExceeded {
			t.Errorf("Do() = %v, want %v", err, context.DeadlineExceeded)
		}
		finished.Wait() // the bubble must end with no goroutine left
	})
}

func TestDoDoneContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		cancel(errStop)
		var called atomic.Bool
		_, err := Do(ctx, func() (int, error) { called.Store(true); return 1, nil })
		synctest.Wait() // a goroutine started for f would have run by now
		if err != errStop || called.Load() {
			t.Errorf("Do(done ctx) = %v, called = %v; want %v, false", err, called.Load(), errStop)
		}
	})
}

// endedThenDone is a context that is live when Do starts, and whose Done,
// once Do asks for it, is closed only after f's goroutine has ended: Do's
// select then finds f's outcome and ctx done both ready.
type endedThenDone struct {
	context.Context
	fEnded chan struct{}
	asked  bool
}

func (c *endedThenDone) Done() <-chan struct{} {
	if !c.asked {
		c.asked = true
		<-c.fEnded
		synctest.Wait() // f's goroutine has handed its outcome over and exited
	}
	done := make(chan struct{})
	close(done)
	return done
}

func (c *endedThenDone) Err() error {
	if c.asked {
		return context.Canceled
	}
	return nil
}

// TestDoOutcomeWinsTie: when f has ended and ctx is done at once, Do returns
// f's outcome; a panic in particular must not be lost.
func TestDoOutcomeWinsTie(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for range 100 {
			c := &endedThenDone{Context: t.Context(), fEnded: make(chan struct{})}
			v, err := Do(c, func() (int, error) { defer close(c.fEnded); return 7, nil })
			if v != 7 || err != nil {
				t.Fatalf("Do() = %v, %v; want 7, nil", v, err)
			}
			c = &endedThenDone{Context: t.Context(), fEnded: make(chan struct{})}
			got := conctest.Panics(t, "", func() {
				Do(c, func() (int, error) { defer close(c.fEnded); panic("boom") })
			})
			if _, ok := got.(*PanicError); !ok {
				t.Fatalf("Do panicked with %T, want *PanicError", got)
			}
		}
	})
}

func panicBoom() (int, error) { panic(io.ErrUnexpectedEOF) }

func TestDoPanic(t *testing.T) {
	v := conctest.Panics(t, "panic: "+io.ErrUnexpectedEOF.Error(), func() {
		Do(t.Context(), panicBoom)
	})
	perr, ok := v.(*PanicError)
	if !ok {
		t.Fatalf("panic value is %T, want *PanicError", v)
	}
	if perr.Value != io.ErrUnexpectedEOF || !errors.Is(perr, io.ErrUnexpectedEOF) {
		t.Errorf("PanicError.Value = %v, want %v", perr.Value, io.ErrUnexpectedEOF)
	}
	if !strings.Contains(string(perr.Stack), "panicBoom") {
		t.Errorf("PanicError.Stack does not name the panicking function:\n%s", perr.Stack)
	}
}

func panicNil() (int, error) { panic(nil) }

// TestDoPanicNil: with GODEBUG=panicnil=1, recover returns nil for
// panic(nil), as after runtime.Goexit. Do still takes it for a panic and
// re-raises it in its caller, while runtime.Goexit still ends the caller.
func TestDoPanicNil(t *testing.T) {
	if !conctest.Child(t, "GODEBUG=panicnil=1") {
		return
	}
	v := conctest.Panics(t, "panic: <nil>", func() { Do(t.Context(), panicNil) })
	perr, ok := v.(*PanicError)
	if !ok || perr.Value != nil {
		t.Fatalf("Do panicked with %#v, want *PanicError with a nil Value", v)
	}
	if !strings.Contains(string(perr.Stack), "panicNil") {
		t.Errorf("PanicError.Stack does not name the panicking function:\n%s", perr.Stack)
	}
	TestDoGoexit(t)
}

// runtime.Goexit in f (t.FailNow, say) ends Do's caller as it would have
// had f been called directly, instead of leaving Do waiting for ever.
func TestDoGoexit(t *testing.T) {
	var wg sync.WaitGroup
	returned := false
	wg.Add(1)
	go func() {
		defer wg.Done()
		Do(context.Background(), func() (int, error) {
			runtime.Goexit()
			return 0, nil
		})
		returned = true
	}()
	wg.Wait()
	if returned {
		t.Error("Do returned after runtime.Goexit in f, want its caller to exit")
	}
}

// Cancelled at any point, Do returns either f's result or the cause, never
// a mix, and f's goroutine ends.
func TestDoRandomCancel(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		for range 500 {
			ctx, stop := conctest.RandomCancel(t.Context(), 20)
			v, err := Do(ctx, func() (int, error) { return 7, nil })
			stop()
			if (v != 7 || err != nil) && (v != 0 || err != conctest.ErrRandomCancel) {
				t.Fatalf("Do() = %v, %v, want 7, nil or 0, %v", v, err, conctest.ErrRandomCancel)
			}
		}
		conctest.VerifyNone(t)
	})
}

// A panic in f after Do returned has nobody to go to: it must crash the
// program, as a bare goroutine would, even a panic(nil) that recover sees as
// nil under GODEBUG=panicnil=1. The crash runs in a child process; a Go
// program that dies of a panic exits with status 2, a failed test with 1.
func TestDoLatePanicCrashes(t *testing.T) {
	if v, ok := os.LookupEnv("CANCEL_LATE_PANIC"); ok {
		latePanic(t, map[string]any{"late": "late", "nil": nil}[v])
		return
	}
	for _, tc := range []struct {
		value string   // what f panics with: "late" or "nil"
		env   []string // added to the child's environment
		want  []string // in the crash output
	}{
		{"late", nil, []string{"panic: late", "latePanic"}},
		{"nil", []string{"GODEBUG=panicnil=1"}, []string{"panic: panic: <nil>", "latePanic"}},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDoLatePanicCrashes$", "-test.count=1")
		cmd.Env = append(append(os.Environ(), tc.env...), "CANCEL_LATE_PANIC="+tc.value)
		out, err := cmd.CombinedOutput()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 2 {
			t.Errorf("panic(%s): child exited with %v, want a crash (exit status 2); output:\n%s", tc.value, err, out)
			continue
		}
		for _, want := range tc.want {
			if !strings.Contains(string(out), want) {
				t.Errorf("panic(%s): crash output lacks %q:\n%s", tc.value, want, out)
			}
		}
	}
}

// latePanic makes f panic with v after Do has given up on it, then waits in
// a bubble: time stands still while f's goroutine runs, so the crash comes
// before the wait ends.
func latePanic(t *testing.T, v any) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		started, release := make(chan struct{}), make(chan struct{})
		go func() {
			<-started
			cancel(errStop)
		}()
		_, err := Do(ctx, func() (int, error) {
			close(started)
			<-release
			panic(v)
		})
		if err != errStop {
			t.Errorf("Do() = %v, want %v", err, errStop)
		}
		close(release)
		time.Sleep(time.Hour)
		t.Error("the late panic did not crash the program")
	})
}
