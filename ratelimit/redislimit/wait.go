package redislimit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gopatterns/concurrency/ratelimit"
	"golang.org/x/time/rate"
)

// giveBackTimeout bounds the call that returns a cancelled Wait's tokens,
// which runs after the caller's context is done.
const giveBackTimeout = time.Second

// Wait is shorthand for WaitN(ctx, key, 1).
func (l *Limiter) Wait(ctx context.Context, key string) error {
	return l.WaitN(ctx, key, 1)
}

// WaitN blocks until n events may happen for key and takes their tokens. It
// reserves them in Redis in one round trip, with the longest wait that ctx's
// deadline allows, and then sleeps here; waiters are served in the order
// their reservations reach Redis, from every process.
//
// If ctx is done while WaitN sleeps, it returns context.Cause(ctx) and
// gives back the tokens that no later taker counts on (as TokenBucket.WaitN
// does), in a second call to Redis bounded by a second; an error of that
// call goes to the error handler. If the tokens would come only after ctx's
// deadline, WaitN returns at once with an error for which
// errors.Is(err, context.DeadlineExceeded) holds, and takes nothing. If
// n > burst, it returns at once, without a call to Redis, an error for
// which errors.Is(err, ratelimit.ErrNeverAllowed) holds.
//
// When Redis does not decide, WaitN returns the error (wrapping
// ErrUnavailable) under FailError and FailClosed, nil at once under
// FailOpen, and waits on the local bucket under FailLocal.
//
// WaitN panics if ctx is nil or n < 0.
func (l *Limiter) WaitN(ctx context.Context, key string, n int) error {
	check(ctx, n)
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if l.limit == rate.Inf || n == 0 {
		return nil
	}
	if n > l.burst {
		return fmt.Errorf("redislimit: %w: %d tokens exceed burst %d", ratelimit.ErrNeverAllowed, n, l.burst)
	}
	most := int64(-1) // no deadline: no bound
	if dl, ok := ctx.Deadline(); ok {
		most = max(0, microseconds(time.Until(dl)))
	}
	cfg := l.cfg.Load()
	rkey := cfg.prefix + key
	v, err := l.call(ctx, cfg, takeScript, rkey, l.interval, l.burst, n, most)
	if err != nil {
		return l.failWait(ctx, cfg, key, n, err)
	}
	r, err := parseReply(v)
	if err != nil {
		return err
	}
	if !r.allowed {
		return fmt.Errorf("redislimit: wait of %v would pass the context deadline: %w",
			time.Duration(r.wait)*time.Microsecond, context.DeadlineExceeded)
	}
	if err := sleep(ctx, time.Duration(r.wait)*time.Microsecond); err != nil {
		l.giveBack(ctx, cfg, rkey, n, r.tat)
		return err
	}
	return nil
}

// giveBack returns the tokens of a cancelled wait.
func (l *Limiter) giveBack(ctx context.Context, cfg *config, rkey string, n int, tat string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), giveBackTimeout)
	defer cancel()
	if _, err := l.call(ctx, cfg, giveBackScript, rkey, l.interval, n, tat); err != nil {
		cfg.report(err)
	}
	if cfg.cache != nil {
		cfg.cache.forget(rkey) // the tokens may come sooner than it says
	}
}

// failWait applies the failure policy to a wait that Redis did not decide.
func (l *Limiter) failWait(ctx context.Context, cfg *config, key string, n int, err error) error {
	if !errors.Is(err, ErrUnavailable) || cfg.policy.kind == failError {
		return err
	}
	cfg.report(err)
	switch cfg.policy.kind {
	case failOpen:
		return nil
	case failClosed:
		return err
	}
	return waitLocal(ctx, cfg.local, key, n)
}

// waitLocal waits for n tokens of key's local bucket. Keyed has no WaitN:
// it takes them when they are all there, so a large n may wait behind
// smaller ones.
func waitLocal(ctx context.Context, k *ratelimit.Keyed[string], key string, n int) error {
	for {
		d := k.Take(key, n)
		switch {
		case d.Allowed:
			return nil
		case d.RetryAfter < 0:
			return fmt.Errorf("redislimit: %w: %d tokens exceed the local burst %d", ratelimit.ErrNeverAllowed, n, d.Burst)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d.RetryAfter {
			return fmt.Errorf("redislimit: local wait of %v would pass the context deadline: %w", d.RetryAfter, context.DeadlineExceeded)
		}
		if err := sleep(ctx, d.RetryAfter); err != nil {
			return err
		}
	}
}

// sleep waits for d or until ctx is done, with a timer that it stops, so
// that it works in a testing/synctest bubble and leaves nothing behind.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
