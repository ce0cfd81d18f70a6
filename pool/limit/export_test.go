package limit

// SetGrantHook makes every grant of every Adaptive call f with the permits
// in flight after it, the most the Adaptive allowed at that moment and its
// limit, under the Adaptive's mutex. A nil f removes the hook. Tests only.
func SetGrantHook(f func(inflight, allowed, limit int)) { grantHook = f }
