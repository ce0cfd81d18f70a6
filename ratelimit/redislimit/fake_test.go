package redislimit

import (
	"context"
	"net"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// A fakeScripter answers script calls from a function, counting them. It
// stands in for a server in tests of the failure handling, which run in
// testing/synctest bubbles. Methods the Limiter never calls are left to the
// nil embedded interface.
type fakeScripter struct {
	redis.Scripter
	mu     sync.Mutex
	calls  int
	evals  int                          // EVAL calls among them
	answer func(eval bool) (any, error) // nil: a full bucket's answer
}

func (f *fakeScripter) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *redis.Cmd {
	return f.run(ctx, false)
}

func (f *fakeScripter) Eval(ctx context.Context, src string, keys []string, args ...any) *redis.Cmd {
	return f.run(ctx, true)
}

func (f *fakeScripter) run(ctx context.Context, eval bool) *redis.Cmd {
	f.mu.Lock()
	f.calls++
	if eval {
		f.evals++
	}
	answer := f.answer
	f.mu.Unlock()
	cmd := redis.NewCmd(ctx)
	if answer == nil {
		cmd.SetVal([]any{int64(1), int64(0), int64(0), int64(0)})
		return cmd
	}
	v, err := answer(eval)
	cmd.SetVal(v)
	cmd.SetErr(err)
	return cmd
}

// counts returns the calls so far, and the EVALs among them.
func (f *fakeScripter) counts() (calls, evals int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, f.evals
}

// setAnswer replaces the answer function.
func (f *fakeScripter) setAnswer(answer func(eval bool) (any, error)) {
	f.mu.Lock()
	f.answer = answer
	f.mu.Unlock()
}

// A serverError is an error that Redis answered, as go-redis reports one.
type serverError string

func (e serverError) Error() string { return string(e) }
func (serverError) RedisError()     {}

// refused is a network error as a dead server gives it.
var refused = &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "connection refused"}}

// deadAddr returns a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
