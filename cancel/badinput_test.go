package cancel

import (
	"context"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestBadInput: each misuse panics at once, on the caller's goroutine (a
// panic anywhere else would crash the test binary), with the exact message,
// and before any function passed in is called or any value sent.
func TestBadInput(t *testing.T) {
	const (
		nilContext  = "cancel: nil context"
		nilFunction = "cancel: nil function"
		nilChannel  = "cancel: nil channel"
	)
	var nilCtx context.Context
	ctx := t.Context()
	called := false
	f := func() (int, error) { called = true; return 1, nil }
	fc := func(context.Context) (int, error) { called = true; return 1, nil }
	ch := make(chan int, 1)
	for _, tc := range []struct {
		name, want string
		call       func()
	}{
		{"Sleep/nil context", nilContext, func() { Sleep(nilCtx, time.Second) }},
		{"Send/nil context", nilContext, func() { Send(nilCtx, ch, 1) }},
		{"Send/nil channel", nilChannel, func() { Send[int](ctx, nil, 1) }},
		{"Send/nil context and channel", nilContext, func() { Send[int](nilCtx, nil, 1) }},
		{"Recv/nil context", nilContext, func() { Recv(nilCtx, ch) }},
		{"Recv/nil channel", nilChannel, func() { Recv[int](ctx, nil) }},
		{"Do/nil context", nilContext, func() { Do(nilCtx, f) }},
		{"Do/nil function", nilFunction, func() { Do[int](ctx, nil) }},
		{"Timeout/nil context", nilContext, func() { Timeout(nilCtx, time.Second, fc) }},
		{"Timeout/nil function", nilFunction, func() { Timeout[int](ctx, time.Second, nil) }},
		{"Timeout/nil function, d <= 0", nilFunction, func() { Timeout[int](ctx, 0, nil) }},
		{"First/nil context", nilContext, func() { First(nilCtx, fc) }},
		{"First/nil context, no functions", nilContext, func() { First[int](nilCtx) }},
		{"First/nil function", nilFunction, func() { First(ctx, fc, nil) }},
		{"Retry/nil context", nilContext, func() { Retry(nilCtx, Backoff{}, fc) }},
		{"Retry/nil function", nilFunction, func() { Retry[int](ctx, Backoff{}, nil) }},
		{"Retry/nil context, bad Backoff", nilContext, func() { Retry(nilCtx, Backoff{Initial: -1}, fc) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called = false
			if v := conctest.Panics(t, tc.want, tc.call); v != tc.want {
				t.Errorf("panic %#v, want %q", v, tc.want)
			}
			if called {
				t.Error("a function was called before the panic")
			}
			if len(ch) != 0 {
				t.Errorf("a value was sent before the panic")
			}
		})
	}
}
