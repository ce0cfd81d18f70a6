package panics

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestMain(m *testing.M) { conctest.Main(m) }

func panicWithEOF() { panic(io.EOF) }

func TestTryRecoversWithStack(t *testing.T) {
	perr := Try(panicWithEOF)
	if perr == nil {
		t.Fatal("Try(panicking f) = nil, want *Error")
	}
	if perr.Value != io.EOF {
		t.Errorf("Value = %v, want %v", perr.Value, io.EOF)
	}
	if !strings.Contains(string(perr.Stack), "panicWithEOF") {
		t.Errorf("Stack does not name the panicking function:\n%s", perr.Stack)
	}
	if !errors.Is(perr, io.EOF) {
		t.Errorf("errors.Is(%v, io.EOF) = false, want true", perr)
	}
	if !strings.HasPrefix(perr.Error(), "panic: EOF\n\n") {
		t.Errorf("Error() = %q, want prefix %q", perr.Error(), "panic: EOF\n\n")
	}
}

func TestTryNoPanic(t *testing.T) {
	called := false
	if perr := Try(func() { called = true }); perr != nil || !called {
		t.Errorf("Try(f) = %v, called = %v; want nil, true", perr, called)
	}
}

func TestUnwrapNonError(t *testing.T) {
	perr := Try(func() { panic("boom") })
	if perr.Unwrap() != nil {
		t.Errorf("Unwrap() = %v, want nil", perr.Unwrap())
	}
	if got := perr.Error(); !strings.HasPrefix(got, "panic: boom") {
		t.Errorf("Error() = %q, want prefix %q", got, "panic: boom")
	}
}

func TestTryGoexit(t *testing.T) {
	var wg sync.WaitGroup
	returned := false
	wg.Add(1)
	go func() {
		defer wg.Done()
		Try(runtime.Goexit)
		returned = true
	}()
	wg.Wait()
	if returned {
		t.Error("Try returned after runtime.Goexit, want the goroutine to exit")
	}
}

func TestCallGoexit(t *testing.T) {
	called := make(chan bool, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		Call(runtime.Goexit, func() { called <- true })
		t.Error("Call returned after runtime.Goexit")
	}()
	wg.Wait()
	select {
	case <-called:
	default:
		t.Error("Call did not call goexit after runtime.Goexit")
	}
}

func TestCallPanicAndReturn(t *testing.T) {
	goexit := func() { t.Error("goexit called for a panic") }
	if perr := Call(panicWithEOF, goexit); perr == nil || perr.Value != io.EOF {
		t.Errorf("Call(panicking f) = %v, want *Error with %v", perr, io.EOF)
	}
	if perr := Call(func() {}, goexit); perr != nil {
		t.Errorf("Call(f) = %v, want nil", perr)
	}
}

// TestCallPanicNil: with GODEBUG=panicnil=1, recover returns nil for
// panic(nil); Call still reports it as a panic, not as runtime.Goexit.
func TestCallPanicNil(t *testing.T) {
	if !conctest.Child(t, "GODEBUG=panicnil=1") {
		return
	}
	perr := Call(func() { panic(nil) }, func() { t.Error("goexit called for panic(nil)") })
	if perr == nil || perr.Value != nil {
		t.Errorf("Call(panic(nil)) = %v, want *Error with a nil Value", perr)
	}
}
