package httplimit

import (
	"context"

	"github.com/gopatterns/concurrency/ratelimit"
)

// Keyed returns a Store that takes tokens from k's buckets, one bucket per
// key. Its Take is k.Take: it never blocks, never fails and does not read
// ctx. Keyed panics if k is nil.
func Keyed(k *ratelimit.Keyed[string]) Store {
	if k == nil {
		panic("httplimit: nil Keyed")
	}
	return keyedStore{k}
}

// keyedStore is the Store that Keyed returns.
type keyedStore struct{ k *ratelimit.Keyed[string] }

func (s keyedStore) Take(_ context.Context, key string, n int) (ratelimit.Decision, error) {
	return s.k.Take(key, n), nil
}
