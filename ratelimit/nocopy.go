package ratelimit

// noCopy lets go vet report copies of a struct that holds one, as it does
// for a struct that holds a mutex.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
