package cancel_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/cancel"
)

// An operation that takes longer than its context allows stops when the
// context times out.
func Example() {
	operation := func(ctx context.Context) error {
		if err := cancel.Sleep(ctx, 2*time.Second); err != nil {
			return err
		}
		fmt.Println("Operation finished")
		return nil
	}
	ctx, stop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stop()
	if err := operation(ctx); err != nil {
		fmt.Println("Operation cancelled:", err)
	}
	// Output: Operation cancelled: context deadline exceeded
}

// Sleep returns the cause of the cancellation as soon as the context is done.
func ExampleSleep() {
	ctx, stop := context.WithCancelCause(context.Background())
	stop(errors.New("shutting down"))
	fmt.Println(cancel.Sleep(ctx, time.Hour))
	// Output: shutting down
}

// Send delivers while the channel has room, and gives up when the context
// ends while the channel is full.
func ExampleSend() {
	ch := make(chan string, 1)
	fmt.Println(cancel.Send(context.Background(), ch, "first"))
	ctx, stop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stop()
	fmt.Println(cancel.Send(ctx, ch, "second"))
	// Output:
	// <nil>
	// context deadline exceeded
}

// Recv drains a closed channel's values and then reports ErrClosed.
func ExampleRecv() {
	ch := make(chan int, 1)
	ch <- 42
	close(ch)
	for {
		v, err := cancel.Recv(context.Background(), ch)
		if errors.Is(err, cancel.ErrClosed) {
			fmt.Println("closed")
			return
		}
		fmt.Println(v)
	}
	// Output:
	// 42
	// closed
}

// Do bounds a call that takes no context. The call runs on after Do has
// returned; here it is released and waited for at the end.
func ExampleDo() {
	release, finished := make(chan struct{}), make(chan struct{})
	legacy := func() (string, error) { // cannot be cancelled
		defer close(finished)
		<-release
		return "late", nil
	}
	ctx, stop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stop()
	v, err := cancel.Do(ctx, legacy)
	fmt.Printf("%q %v\n", v, err)
	close(release)
	<-finished
	// Output: "" context deadline exceeded
}

// Timeout gives a call its own deadline; the error reports the expiry
// whatever the call returned.
func ExampleTimeout() {
	query := func(ctx context.Context) (int, error) {
		<-ctx.Done()
		return 0, errors.New("connection reset")
	}
	_, err := cancel.Timeout(context.Background(), 10*time.Millisecond, query)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output: true
}

// First asks several replicas and takes the first answer; the slow one is
// cancelled, and First waits for it to return.
func ExampleFirst() {
	replica := func(name string, err error) func(context.Context) (string, error) {
		return func(ctx context.Context) (string, error) {
			if err != nil {
				return "", err
			}
			return "answer from " + name, nil
		}
	}
	slow := func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}
	v, err := cancel.First(context.Background(),
		replica("a", errors.New("a is down")), slow, replica("c", nil))
	fmt.Println(v, err)
	// Output: answer from c <nil>
}

// Retry calls a flaky function again, after short random waits, until it
// succeeds.
func ExampleRetry() {
	calls := 0
	flaky := func(ctx context.Context) (string, error) {
		calls++
		if calls < 3 {
			return "", errors.New("try again")
		}
		return "done", nil
	}
	b := cancel.Backoff{Initial: time.Millisecond, Attempts: 5}
	v, err := cancel.Retry(context.Background(), b, flaky)
	fmt.Println(v, err, "after", calls, "calls")
	// Output: done <nil> after 3 calls
}

// Permanent stops Retry at once for an error that no retry can fix.
func ExamplePermanent() {
	errNotFound := errors.New("not found")
	calls := 0
	_, err := cancel.Retry(context.Background(), cancel.Backoff{}, func(ctx context.Context) (int, error) {
		calls++
		return 0, cancel.Permanent(errNotFound)
	})
	fmt.Println(err, "after", calls, "call")
	// Output: not found after 1 call
}

// A Backoff for calls to a service that sometimes hangs: at most 4
// attempts, with waits drawn from up to 10ms, 20ms and 40ms between them,
// and 50ms for each attempt, after which its context expires and the call
// is tried again.
func ExampleBackoff() {
	calls := 0
	query := func(ctx context.Context) (string, error) {
		calls++
		if calls == 1 { // hangs until its own context expires
			<-ctx.Done()
			return "", ctx.Err()
		}
		return "rows", nil
	}
	b := cancel.Backoff{
		Initial:        10 * time.Millisecond,
		Max:            time.Second,
		Multiplier:     2,
		Attempts:       4,
		AttemptTimeout: 50 * time.Millisecond,
	}
	v, err := cancel.Retry(context.Background(), b, query)
	fmt.Println(v, err, "after", calls, "calls")
	// Output: rows <nil> after 2 calls
}

// OnRetry hears of every failed attempt that Retry tries again, before the
// wait: the place for a log line or a metric.
func ExampleBackoff_onRetry() {
	var retries atomic.Int64 // a metric
	b := cancel.Backoff{
		Initial:  time.Millisecond,
		Attempts: 3,
		OnRetry: func(attempt int, err error, delay time.Duration) {
			retries.Add(1)
			fmt.Printf("attempt %d failed: %v\n", attempt, err)
		},
	}
	_, err := cancel.Retry(context.Background(), b, func(ctx context.Context) (int, error) {
		return 0, errors.New("connection refused")
	})
	fmt.Println(err, "after", retries.Load(), "retries")
	// Output:
	// attempt 1 failed: connection refused
	// attempt 2 failed: connection refused
	// connection refused after 2 retries
}

// Retryable tells the errors worth another attempt from the others, here
// a 502, which the next attempt may not meet, from a 403, which it would
// meet again; Permanent does the same from inside f. A Retry that gives up on its deadline
// returns f's last error and the deadline's on one line, and errors.Is
// finds both.
func ExampleBackoff_retryable() {
	errDenied := errors.New("403 Forbidden")
	b := cancel.Backoff{
		Initial:   time.Millisecond,
		Retryable: func(err error) bool { return !errors.Is(err, errDenied) },
	}
	calls := 0
	_, err := cancel.Retry(context.Background(), b, func(ctx context.Context) (int, error) {
		calls++
		if calls < 3 {
			return 0, errors.New("502 Bad Gateway")
		}
		return 0, errDenied
	})
	fmt.Println(err, "after", calls, "calls")

	ctx, stop := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stop()
	_, err = cancel.Retry(ctx, b, func(ctx context.Context) (int, error) {
		return 0, errors.New("502 Bad Gateway")
	})
	fmt.Println(err)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// 403 Forbidden after 3 calls
	// 502 Bad Gateway; context deadline exceeded
	// true
}

// A panic in a function that First runs on its own goroutine reaches
// First's caller as a *PanicError, with the goroutine's stack.
func ExamplePanicError() {
	defer func() {
		if perr, ok := recover().(*cancel.PanicError); ok {
			fmt.Println("recovered:", perr.Value)
		}
	}()
	cancel.First(context.Background(), func(ctx context.Context) (int, error) {
		panic("out of range")
	})
	// Output: recovered: out of range
}
