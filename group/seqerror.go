package group

import (
	"cmp"
	"errors"
	"slices"
)

// seqError is an error with the number of the Go call whose f returned it.
type seqError struct {
	seq int64
	err error
}

// joinInOrder sorts errs by Go call and joins them.
func joinInOrder(errs []seqError) error {
	slices.SortFunc(errs, func(a, b seqError) int { return cmp.Compare(a.seq, b.seq) })
	all := make([]error, len(errs))
	for i, e := range errs {
		all[i] = e.err
	}
	return errors.Join(all...)
}
