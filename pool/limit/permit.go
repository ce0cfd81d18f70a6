package limit

// A Permit is one call's slot in an Adaptive limit, from Acquire or
// TryAcquire. Release it exactly once, with Done, Drop or Ignore, when the
// call ends. The zero Permit holds nothing: its methods do nothing.
//
// A Permit is a small value and may be copied; the copies are the same
// permit. Releasing it a second time, through any copy, panics with
// "limit: permit released twice" and changes nothing: the permit carries a
// generation that its first release retires, so a stale copy can never
// free a slot that another call holds now.
type Permit struct {
	t   *ticket
	gen uint64
}

// Done releases the permit of a call that succeeded. The time from the
// grant to Done is a latency sample: time spent waiting in Acquire is not
// part of it.
func (p Permit) Done() { p.release(outcomeDone) }

// Drop releases the permit of a call that failed because the dependency is
// overloaded (a timeout, a 503). The limit shrinks at once, by a factor of
// 0.8; drops of calls granted before the last such shrink belong to the same
// overload and shrink it no further.
func (p Permit) Drop() { p.release(outcomeDrop) }

// Ignore releases the permit without a latency sample, for a call that
// failed for a reason of its own (bad input, a cancelled client).
func (p Permit) Ignore() { p.release(outcomeIgnore) }

type outcome int

const (
	outcomeDone outcome = iota
	outcomeDrop
	outcomeIgnore
)

func (p Permit) release(o outcome) {
	if p.t != nil {
		p.t.a.release(p.t, p.gen, o)
	}
}
