package group

// A flightCall is one call of a Flight's function, live or returned. It is
// kept small: a call whose fn runs on its caller's goroutine needs no more.
type flightCall[K comparable, V any] struct {
	// Under the Flight's lock until done is closed.
	waiters int           // callers waiting for the results
	dups    int           // callers that joined the starting one
	done    chan struct{} // closed when the results are in; made when a caller must wait for them

	// Written before done is closed, read after.
	val    V
	err    error
	perr   *PanicError
	goexit bool
	shared bool

	own *flightOwn[K, V] // set when fn runs on a goroutine of its own
}

// result returns the results of c, which has returned, to a caller: it
// panics with fn's panic, and turns runtime.Goexit into ErrGoexit, except
// for the caller on whose goroutine fn ran (ran), which is exiting already
// if fn called runtime.Goexit.
func (c *flightCall[K, V]) result(ran bool) (V, error, bool) {
	if c.perr != nil {
		panic(c.perr)
	}
	if c.goexit && !ran {
		var zero V
		return zero, ErrGoexit, c.shared
	}
	return c.val, c.err, c.shared
}
