package ratelimit

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"
)

// A reserver is a limiter that can take a token for a future time and give
// it back: *Ticker, *TokenBucket and, through rateReserver, *rate.Limiter.
type reserver interface {
	// reserve takes one token, waiting at most maxWait for it (none if wait
	// is false), and returns the wait and a function that gives it back:
	// with late false at once, during the same call of All's methods, with
	// late true after All has slept or waited on other limiters.
	reserve(maxWait time.Duration, wait bool) (time.Duration, func(late bool), error)
}

var (
	_ reserver = (*TokenBucket)(nil)
	_ reserver = (*Ticker)(nil)
	_ reserver = rateReserver{}
)

// All returns a Limiter that allows an event only when every one of
// limiters allows it, and that takes nothing from any of them when one
// refuses.
//
// Limiters that can give a token back (*TokenBucket, *Ticker,
// *rate.Limiter and the results of All) are asked first: Allow and Wait
// reserve a token from each, and cancel the reservations when one of them
// refuses or ctx's deadline would pass, so a refused event consumes nothing.
// When ctx is done while Wait sleeps, *TokenBucket gives its token back
// under the rules of TokenBucket.WaitN, a *Ticker its tick unless a later
// tick was taken meanwhile, and a *rate.Limiter its token only if that
// token's time has not come yet (rate.Reservation.Cancel cannot do more).
// A *rate.Limiter is given the time read before its lock, as its own
// Reserve and Wait do, so under contention it keeps the clock behaviour
// described at TokenBucket; and when All cancels a reservation it has just
// made, the limiter's clock goes back to that time, by the microseconds
// spent since, refilling them twice.
//
// Any other Limiter cannot give a token back: they are asked afterwards,
// one by one in argument order, and a token one of them gave is lost when a
// later one refuses or ctx is done meanwhile. With at most one such limiter
// no refusal costs a token.
//
// The Wait of the result waits for the latest of the reserved tokens, fails
// at once when one of them would come after ctx's deadline, and returns
// context.Cause(ctx) when ctx is done first. A Ticker stopped while the Wait
// sleeps does not end it: its tick was reserved before Stop. All panics if a
// limiter is nil, and the Wait of the result panics if ctx is nil; with no
// limiters the result allows every event.
func All(limiters ...Limiter) Limiter {
	a := &allLimiter{}
	for _, l := range limiters {
		a.add(l)
	}
	return a
}

// An allLimiter is the Limiter returned by All.
type allLimiter struct {
	reservers []reserver
	others    []Limiter
}

// add appends l to the limiters of a, flattening the result of another All.
func (a *allLimiter) add(l Limiter) {
	switch l := l.(type) {
	case nil:
		panic("ratelimit: nil Limiter")
	case *allLimiter:
		a.reservers = append(a.reservers, l.reservers...)
		a.others = append(a.others, l.others...)
	case *rate.Limiter:
		a.reservers = append(a.reservers, rateReserver{l})
	case reserver:
		a.reservers = append(a.reservers, l)
	default:
		a.others = append(a.others, l)
	}
}

// Allow reports whether every limiter allows an event now, taking a token
// from each if so and from none otherwise.
func (a *allLimiter) Allow() bool {
	_, undo, err := a.reserve(0, false)
	if err != nil {
		return false
	}
	for _, l := range a.others {
		if !l.Allow() {
			undo(false)
			return false
		}
	}
	return true
}

// Wait blocks until every limiter allows an event. It panics if ctx is nil.
func (a *allLimiter) Wait(ctx context.Context) error {
	if ctx == nil {
		panic("ratelimit: nil context")
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	start := time.Now()
	delay, undo, err := a.reserve(maxWait(ctx), true)
	if err != nil {
		return err
	}
	for _, l := range a.others {
		if err := l.Wait(ctx); err != nil {
			undo(true)
			return err
		}
	}
	if d := delay - time.Since(start); d > 0 {
		if err := sleep(ctx, d, nil); err != nil {
			undo(true)
			return err
		}
	}
	return nil
}

// reserve takes a token from every reserver, or from none of them.
func (a *allLimiter) reserve(maxWait time.Duration, wait bool) (time.Duration, func(late bool), error) {
	var delay time.Duration
	undos := make([]func(bool), 0, len(a.reservers))
	undo := func(late bool) {
		for _, u := range undos {
			u(late)
		}
	}
	for _, r := range a.reservers {
		d, u, err := r.reserve(maxWait, wait)
		if err != nil {
			undo(false)
			return 0, nil, err
		}
		delay = max(delay, d)
		undos = append(undos, u)
	}
	return delay, undo, nil
}

// A rateReserver reserves tokens of a *rate.Limiter.
type rateReserver struct{ l *rate.Limiter }

func (r rateReserver) reserve(maxWait time.Duration, wait bool) (time.Duration, func(bool), error) {
	now := time.Now()
	res := r.l.ReserveN(now, 1)
	d := res.DelayFrom(now)
	switch {
	case !res.OK() || d == rate.InfDuration:
		res.CancelAt(now)
		return 0, nil, fmt.Errorf("%w: rate.Limiter with burst %d and limit %v", ErrNeverAllowed, r.l.Burst(), r.l.Limit())
	case d > 0 && (!wait || d > maxWait):
		res.CancelAt(now)
		return 0, nil, errDeadline
	}
	return d, func(late bool) {
		// Reservation.Cancel gives nothing back once the token's time has
		// passed, as it has for a token that was free at once. Right after
		// the reservation, cancelling at its own time returns the token and
		// sets the limiter's clock back by only microseconds; later, that
		// would refill the time in between twice.
		if late {
			res.Cancel()
		} else {
			res.CancelAt(now)
		}
	}, nil
}
