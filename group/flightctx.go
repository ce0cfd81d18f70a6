package group

import (
	"context"
	"time"
)

// The methods of context.Context, by which a flightCall is its fn's
// context. Each passes to the context made on first use, so that
// context.Cause, and contexts derived from this one, see a context of the
// context package.

// Deadline reports no deadline: fn's context has none.
func (c *flightCall[K, V]) Deadline() (deadline time.Time, ok bool) { return }

// Done returns a channel closed when every caller has left.
func (c *flightCall[K, V]) Done() <-chan struct{} { return c.context().Done() }

// Err returns context.Canceled once every caller has left.
func (c *flightCall[K, V]) Err() error { return c.context().Err() }

// Value returns the starting caller's value for key.
func (c *flightCall[K, V]) Value(key any) any { return c.context().Value(key) }

// String names the context for debugging.
func (c *flightCall[K, V]) String() string { return "group.Flight call context" }

var _ context.Context = (*flightCall[int, int])(nil)
