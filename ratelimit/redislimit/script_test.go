package redislimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestNoscript: the script is sent with EVAL when the server lacks it,
// however the NOSCRIPT error is worded around.
func TestNoscript(t *testing.T) {
	f := &fakeScripter{answer: func(eval bool) (any, error) {
		if !eval {
			return nil, errors.New("proxy: upstream said NOSCRIPT No matching script")
		}
		return []any{int64(1), int64(3), int64(0), int64(100000)}, nil
	}}
	l := New(f, 10, 4)
	d, err := l.Take(context.Background(), "k", 1)
	if err != nil || !d.Allowed || d.Remaining != 3 || d.ResetAfter != 100*time.Millisecond {
		t.Errorf("Take = %+v, %v; want allowed, 3 left, full in 100ms", d, err)
	}
	if calls, evals := f.counts(); calls != 2 || evals != 1 {
		t.Errorf("calls = %d, EVALs = %d; want 2 and 1", calls, evals)
	}
}

func TestBadReply(t *testing.T) {
	f := &fakeScripter{answer: func(bool) (any, error) { return []any{"x"}, nil }}
	if _, err := New(f, 10, 4).Take(context.Background(), "k", 1); !errors.Is(err, errReply) {
		t.Errorf("Take = %v, want errReply", err)
	}
}

func TestPanics(t *testing.T) {
	f := &fakeScripter{}
	l := New(f, 10, 4)
	var nilCtx context.Context
	for _, tc := range []struct {
		name, want string
		f          func()
	}{
		{"New(nil)", "redislimit: nil client", func() { New(nil, 1, 1) }},
		{"New(rate 0)", "redislimit: rate <= 0", func() { New(f, 0, 1) }},
		{"New(rate < 0)", "redislimit: rate <= 0", func() { New(f, -1, 1) }},
		{"New(burst 0)", "redislimit: burst < 1", func() { New(f, 1, 0) }},
		{"Take(nil ctx)", "redislimit: nil context", func() { l.Take(nilCtx, "k", 1) }},
		{"Take(n < 0)", "redislimit: n < 0", func() { l.Take(context.Background(), "k", -1) }},
		{"Allow(nil ctx)", "redislimit: nil context", func() { l.Allow(nilCtx, "k") }},
		{"Wait(nil ctx)", "redislimit: nil context", func() { l.Wait(nilCtx, "k") }},
		{"WaitN(n < 0)", "redislimit: n < 0", func() { l.WaitN(context.Background(), "k", -1) }},
		{"Reset(nil ctx)", "redislimit: nil context", func() { l.Reset(nilCtx, "k") }},
		{"FailLocal(0)", "redislimit: FailLocal fraction not in (0, 1]", func() { FailLocal(0) }},
		{"FailLocal(1.5)", "redislimit: FailLocal fraction not in (0, 1]", func() { FailLocal(1.5) }},
		{"SetCooldown(-1)", "redislimit: cooldown < 0", func() { l.SetCooldown(-1) }},
	} {
		func() {
			defer func() {
				if r := recover(); r != tc.want {
					t.Errorf("%s panicked with %v, want %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
	if calls, _ := f.counts(); calls != 0 {
		t.Errorf("%d calls reached the server, want 0", calls)
	}
}

func TestIsOutage(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: deadAddr(t), MaxRetries: -1, DialerRetries: 1})
	defer c.Close()
	dial := c.Ping(context.Background()).Err()
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{dial, true},
		{refused, true},
		{io.EOF, true},
		{io.ErrUnexpectedEOF, true},
		{os.ErrDeadlineExceeded, true},
		{fmt.Errorf("dial: %w", context.DeadlineExceeded), true},
		{redis.ErrPoolTimeout, true},
		{syscall.ECONNRESET, true},
		{serverError("WRONGTYPE Operation against a key holding the wrong kind of value"), false},
		{serverError("NOSCRIPT No matching script"), false},
		{redis.ErrClosed, false},
		{errReply, false},
	} {
		if got := isOutage(tc.err); got != tc.want {
			t.Errorf("isOutage(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
