// Package pipeline connects goroutines into fan-out / fan-in pipelines over
// channels, and maps a function over an iterator in parallel.
//
// # Channel stages
//
// [Generate], [FromSeq], [Stage], [FanOut], [StageContext],
// [FanOutContext], [Merge], [Tee] and [Batch] each start goroutines and return channels that those goroutines own: each
// returned channel is closed by the package when its input is drained, or as
// soon as ctx is done (for [FromSeq], once seq yields again or returns).
// Every send and receive also ends when ctx is done, so once ctx is done
// every goroutine of the pipeline exits, even when nobody reads the outputs
// any more. A channel closed because ctx is done does not mean that f has
// returned: the outputs of [Stage] and [FanOut] are closed while f runs,
// the goroutine running f returns when f does, and its result is dropped.
// A channel closed because ctx is done carries no marker: check ctx.Err,
// or use [Collect], which does.
//
// Each returned channel has a buffer of 64 values, so that a stage works
// ahead of its reader by at most that much and neighbouring stages do not
// switch goroutines for every value. When ctx is done, values still in a
// buffer are dropped with the channel.
//
// Every function panics in the caller on a nil ctx ("pipeline: nil
// context") and on a nil input channel ("pipeline: nil input channel";
// for [Merge], on a nil element of ins): a nil channel never delivers and
// never closes, so a stage reading it could only wait for ctx.
//
// # Joining stages with a Scope
//
// To know when every goroutine of a pipeline has returned, and so that no
// f still runs when the results are read, start the stages with the
// context of a [Scope] and call [Scope.Wait]: it joins every goroutine that
// the channel functions started under that context. A consumer that stops
// reading early calls [Scope.Stop] first. Without a scope, a stage's
// function f runs on a goroutine of the package that nobody waits for, so
// there is no caller to hand a panic to: a panic in f (or in the seq of
// [FromSeq]) is then not recovered and crashes the program with f's stack,
// exactly as it would in a goroutine of your own. Under a scope it is
// recovered, winds the pipeline down and is re-raised by Wait.
//
// [Stage] and [FanOut] take a function that cannot fail. For one that does
// I/O, [StageContext] and [FanOutContext] pass it the stage's context and
// let it return an error, which stops the scope with the error as its
// cause; Wait returns it. They need a scope, and panic without one.
//
// [Map] and [OrderedMap] need no scope: they deliver errors and panics to the loop
// that ranges over them, and join their goroutines before the loop ends.
//
// # Parallel map over an iterator
//
// [Map] and [OrderedMap] call f on the items of an [iter.Seq] with a fixed
// number of workers and yield the results as an [iter.Seq2] of value and
// error. They are synchronous: when the range loop ends, for whatever reason,
// every goroutine they started has returned and f is not called again.
// Items travel between goroutines in chunks whose size adapts to the cost of
// f, so that cheap items cost a few nanoseconds each while slow items are
// handed to idle workers one at a time.
package pipeline

import (
	"github.com/gopatterns/concurrency/internal/panics"
	"github.com/gopatterns/concurrency/internal/scope"
)

// PanicError is a panic recovered from f or from the input sequence in [Map]
// or [OrderedMap], or from a stage under a [Scope], with the stack of the
// goroutine that panicked. Map and OrderedMap yield it as the error that
// ends the sequence; a Scope's Wait re-raises it.
//
// PanicError is an alias of an internal type, so go doc lists no fields
// here. It has two, set when the panic is recovered and never changed after:
//
//	Value any    // the value passed to panic
//	Stack []byte // the stack of the goroutine that panicked, from runtime/debug.Stack
//
// Error returns "panic: " and Value, then a blank line and Stack; Unwrap
// returns Value if it is an error, so that errors.Is and errors.As see
// through it. Being an alias, it prints as *panics.Error with %T; match it
// with a type switch or errors.As on *PanicError.
type PanicError = panics.Error

// ErrGoexit is matched, with errors.Is, by the error that ends the
// sequence of [Map] or [OrderedMap] when f or the input sequence calls
// runtime.Goexit (as t.FailNow does), and by the error that a [Scope]'s
// Wait returns when a function of one of its stages does (f of [Stage],
// [FanOut], [StageContext] or [FanOutContext], the seq of [FromSeq], the
// limiter of ratelimit.Throttle). The errors of Map and OrderedMap also
// say whether f or the input sequence called it; a Scope's says only that
// a stage did.
var ErrGoexit error = scope.ErrGoexit
