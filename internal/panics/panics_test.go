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
