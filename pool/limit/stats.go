package limit

// AdaptiveStats is a snapshot of an Adaptive limit, as Stats returns it.
type AdaptiveStats struct {
	Limit    int // the limit now
	InFlight int // permits granted and not yet released
	Waiting  int // calls waiting in Acquire

	Acquired uint64 // permits granted since the first use
	Rejected uint64 // refusals: ErrLimited from Acquire and failed TryAcquires
	Dropped  uint64 // permits released with Drop
}
