// Package limit bounds how many calls run at once: Semaphore is a weighted
// semaphore that can be resized while in use, and Adaptive is a concurrency
// limit that finds how many calls a dependency can take from their latency
// and sheds the rest.
package limit

import "errors"

// ErrLimited is returned by Adaptive.Acquire when its queue is full: the
// call is refused at once, without waiting.
var ErrLimited = errors.New("limit: over the limit")
