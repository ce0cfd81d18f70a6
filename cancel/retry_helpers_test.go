package cancel

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Helpers of the Retry tests: stubs of the jitter, scripted functions to
// retry, and times to compare.

// stubJitter makes Retry wait draw(d) for each backoff delay d, until the
// test ends, and records the delays it was given.
func stubJitter(t *testing.T, draw func(time.Duration) time.Duration) *[]time.Duration {
	t.Helper()
	var delays []time.Duration
	old := jitter
	jitter = func(d time.Duration) time.Duration {
		delays = append(delays, d)
		return draw(d)
	}
	t.Cleanup(func() { jitter = old })
	return &delays
}

// fullJitter makes Retry wait the whole delay every time, so that the times
// of the attempts are exact, and records the delays it was given.
func fullJitter(t *testing.T) *[]time.Duration {
	t.Helper()
	return stubJitter(t, func(d time.Duration) time.Duration { return d })
}

// failing returns an f that fails every call with "fail <n>" and records
// when each call happened, measured from the start.
func failing(start time.Time, calls *[]time.Duration) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		*calls = append(*calls, time.Since(start))
		return len(*calls), fmt.Errorf("fail %d", len(*calls))
	}
}

func seconds(fs ...float64) []time.Duration {
	var ds []time.Duration
	for _, f := range fs {
		ds = append(ds, time.Duration(f*float64(time.Second)))
	}
	return ds
}

func equal(a, b []time.Duration) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// halfJitter makes Retry wait half of each backoff delay, and records the
// delays it was given: a wait that is not half a recorded delay was not
// drawn by jitter.
func halfJitter(t *testing.T) *[]time.Duration {
	t.Helper()
	return stubJitter(t, func(d time.Duration) time.Duration { return d / 2 })
}

// script returns an f whose n-th call returns errs[n-1] (nil: success,
// with value n) and records when each call happened, measured from start.
func script(start time.Time, calls *[]time.Duration, errs ...error) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		*calls = append(*calls, time.Since(start))
		n := len(*calls)
		if n > len(errs) {
			panic(fmt.Sprintf("call %d of a script of %d", n, len(errs)))
		}
		return n, errs[n-1]
	}
}
