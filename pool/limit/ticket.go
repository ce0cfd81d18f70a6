package limit

// A ticket is the state behind permits; the Adaptive recycles its tickets,
// and gen tells one use of a ticket from the next. Its fields are read and
// written under the Adaptive's mutex.
type ticket struct {
	a     *Adaptive
	gen   uint64
	start int64  // grant time, in ns since the Adaptive's epoch
	seq   uint64 // the grant's number: Adaptive.Stats().Acquired after it
	probe bool   // granted during a probe of the no-queue latency
	timed bool   // start is set: the call is a latency sample
}
