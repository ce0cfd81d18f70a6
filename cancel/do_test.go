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

func TestDoNil(t *testing.T) {
	conctest.Panics(t, "cancel: ", func() { Do[int](t.Context(), nil) })
}

// A panic in f after Do returned has nobody to go to: it must crash the
// program, as a bare goroutine would. The crash runs in a child process.
func TestDoLatePanicCrashes(t *testing.T) {
	if os.Getenv("CANCEL_LATE_PANIC") == "1" {
		latePanic(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDoLatePanicCrashes$")
	cmd.Env = append(os.Environ(), "CANCEL_LATE_PANIC=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("child exited cleanly, want a crash; output:\n%s", out)
	}
	for _, want := range []string{"panic: late", "latePanic"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("crash output lacks %q:\n%s", want, out)
		}
	}
}

// latePanic makes f panic after Do has given up on it, then waits in a
// bubble: time stands still while f's goroutine runs, so the crash comes
// before the wait ends.
func latePanic(t *testing.T) {
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
			panic("late")
		})
		if err != errStop {
			t.Errorf("Do() = %v, want %v", err, errStop)
		}
		close(release)
		time.Sleep(time.Hour)
		t.Error("the late panic did not crash the program")
	})
}
