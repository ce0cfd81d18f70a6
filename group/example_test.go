package group_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/group"
)

// A Group runs tasks and Wait returns the first error, as errgroup does.
func Example() {
	g, _ := group.WithContext(context.Background())
	g.Go(func() error { return nil })
	g.Go(func() error { return errors.New("something went wrong") })
	if err := g.Wait(); err != nil {
		fmt.Println("Group error:", err)
	}
	// Output:
	// Group error: something went wrong
}

// The first error cancels the group's context, and context.Cause tells the
// other tasks why.
func ExampleWithContext() {
	g, ctx := group.WithContext(context.Background())
	errDisk := errors.New("disk full")
	started := make(chan struct{})
	g.Go(func() error {
		close(started)
		<-ctx.Done()
		fmt.Println("stopped because:", context.Cause(ctx))
		return ctx.Err()
	})
	g.Go(func() error {
		<-started
		return errDisk
	})
	fmt.Println("Wait:", g.Wait())
	// Output:
	// stopped because: disk full
	// Wait: disk full
}

// Results keeps each task's value in the order of the Go calls, whatever
// order the tasks finish in.
func ExampleResults() {
	r, _ := group.WithResults[string](context.Background())
	for _, word := range []string{"alpha", "beta", "gamma"} {
		r.Go(func() (string, error) { return strings.ToUpper(word), nil })
	}
	words, err := r.Wait()
	fmt.Println(words, err)
	// Output:
	// [ALPHA BETA GAMMA] <nil>
}

// Map applies a function to every element of a slice in parallel and returns
// the results in input order.
func ExampleMap() {
	squares, err := group.Map(context.Background(), []int{1, 2, 3, 4}, 2,
		func(_ context.Context, n int) (int, error) { return n * n, nil })
	fmt.Println(squares, err)
	// Output:
	// [1 4 9 16] <nil>
}

// With JoinErrors, Wait returns every error, in the order of the Go calls.
func ExampleGroup_JoinErrors() {
	var g group.Group
	g.JoinErrors()
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		g.Go(func() error {
			if name == "b.txt" {
				return nil
			}
			return fmt.Errorf("%s: not found", name)
		})
	}
	fmt.Println(g.Wait())
	// Output:
	// a.txt: not found
	// c.txt: not found
}

// A panic in a task is recovered with its stack and re-raised by Wait once
// the other tasks have returned, so the caller can recover it.
func ExampleGroup_Wait_panic() {
	defer func() {
		perr := recover().(*group.PanicError)
		fmt.Println("recovered:", perr.Value)
	}()
	var g group.Group
	g.Go(func() error { panic("out of range") })
	g.Wait()
	// Output:
	// recovered: out of range
}

// Every function passed to Go runs, also after another one failed: a
// function that closes a channel when it ends can rely on it. A function
// that should not start work after a failure checks the context.
func ExampleGroup_Go() {
	g, ctx := group.WithContext(context.Background())
	lines := make(chan string, 1)
	g.Go(func() error { return errors.New("config missing") })
	g.Go(func() error {
		defer close(lines) // runs even though the group failed
		<-ctx.Done()
		return ctx.Err()
	})
	for line := range lines { // ends: the deferred close runs
		fmt.Println(line)
	}
	fmt.Println("Wait:", g.Wait())
	// Output:
	// Wait: config missing
}

// TryGo starts a function only while the group runs fewer than its limit;
// a caller can do the work itself instead of waiting.
func ExampleGroup_TryGo() {
	var g group.Group
	g.SetLimit(1)
	release := make(chan struct{})
	fmt.Println("first:", g.TryGo(func() error { <-release; return nil }))
	fmt.Println("second:", g.TryGo(func() error { return nil }))
	close(release)
	g.Wait()
	fmt.Println("after Wait:", g.TryGo(func() error { return nil }))
	g.Wait()
	// Output:
	// first: true
	// second: false
	// after Wait: true
}

// SetLimit bounds how many functions run at once; Go waits for a free slot.
func ExampleGroup_SetLimit() {
	var g group.Group
	g.SetLimit(2)
	var mu sync.Mutex
	running, most := 0, 0
	for range 20 {
		g.Go(func() error {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			return nil
		})
	}
	g.Wait()
	fmt.Println("at most 2 at once:", most <= 2)
	// Output:
	// at most 2 at once: true
}

// WithResults cancels its context at the first error, as WithContext does,
// and Wait then returns no values.
func ExampleWithResults() {
	r, ctx := group.WithResults[int](context.Background())
	r.Go(func() (int, error) { return 1, nil })
	r.Go(func() (int, error) { return 0, errors.New("bad input") })
	values, err := r.Wait()
	fmt.Println("values:", values, "nil:", values == nil)
	fmt.Println("error:", err)
	fmt.Println("cause:", context.Cause(ctx))
	// Output:
	// values: [] nil: true
	// error: bad input
	// cause: bad input
}

// Go keeps each function's value in the slot of its Go call.
func ExampleResults_Go() {
	var r group.Results[string]
	for _, id := range []int{3, 1, 2} {
		r.Go(func() (string, error) { return fmt.Sprintf("user-%d", id), nil })
	}
	users, _ := r.Wait()
	fmt.Println(users)
	// Output:
	// [user-3 user-1 user-2]
}

// A refused TryGo takes no slot: the values are those of the accepted
// functions.
func ExampleResults_TryGo() {
	var r group.Results[string]
	r.SetLimit(1)
	release := make(chan struct{})
	r.TryGo(func() (string, error) { <-release; return "first", nil })
	fmt.Println("accepted:", r.TryGo(func() (string, error) { return "second", nil }))
	close(release)
	values, _ := r.Wait()
	fmt.Println(values)
	// Output:
	// accepted: false
	// [first]
}

// SetLimit bounds how many functions of a Results run at once.
func ExampleResults_SetLimit() {
	var r group.Results[int]
	r.SetLimit(3)
	for i := range 10 {
		r.Go(func() (int, error) { return i * i, nil })
	}
	squares, err := r.Wait()
	fmt.Println(squares, err)
	// Output:
	// [0 1 4 9 16 25 36 49 64 81] <nil>
}

// Wait returns the values in the order of the Go calls and cancels the
// context.
func ExampleResults_Wait() {
	r, ctx := group.WithResults[string](context.Background())
	r.Go(func() (string, error) { time.Sleep(time.Millisecond); return "slow", nil })
	r.Go(func() (string, error) { return "fast", nil })
	values, err := r.Wait()
	fmt.Println(values, err, ctx.Err())
	// Output:
	// [slow fast] <nil> context canceled
}

// With JoinErrors, Wait returns every error in the order of the Go calls,
// and still no values.
func ExampleResults_JoinErrors() {
	var r group.Results[int]
	r.JoinErrors()
	for _, s := range []string{"1", "x", "3", "y"} {
		r.Go(func() (int, error) { return strconv.Atoi(s) })
	}
	values, err := r.Wait()
	fmt.Println(values)
	fmt.Println(err)
	// Output:
	// []
	// strconv.Atoi: parsing "x": invalid syntax
	// strconv.Atoi: parsing "y": invalid syntax
}

// ForEach calls a function for every element, at most limit at once, and
// stops at the first error.
func ExampleForEach() {
	var total atomic.Int64
	err := group.ForEach(context.Background(), []int64{1, 2, 3, 4}, 2,
		func(_ context.Context, n int64) error {
			total.Add(n)
			return nil
		})
	fmt.Println(total.Load(), err)
	// Output:
	// 10 <nil>
}

// MapAll runs every element and keeps each one's value and error: one
// failure costs only its own element.
func ExampleMapAll() {
	pages := map[string]string{"/a": "alpha", "/c": "gamma"}
	fetch := func(_ context.Context, path string) (string, error) {
		page, ok := pages[path]
		if !ok {
			return "", fmt.Errorf("%s: not found", path)
		}
		return page, nil
	}
	paths := []string{"/a", "/b", "/c"}
	bodies, errs := group.MapAll(context.Background(), paths, 2, fetch)
	for i, path := range paths {
		if errs != nil && errs[i] != nil {
			fmt.Println(path, "failed:", errs[i])
			continue
		}
		fmt.Println(path, "=", bodies[i])
	}
	// Output:
	// /a = alpha
	// /b failed: /b: not found
	// /c = gamma
}

// The zero Group is ready to use: no limit and no context. Wait returns the
// first error after every function has returned.
func ExampleGroup() {
	var g group.Group
	var sum atomic.Int64
	for _, s := range []string{"1", "2", "x", "4"} {
		g.Go(func() error {
			n, err := strconv.Atoi(s)
			sum.Add(int64(n))
			return err
		})
	}
	err := g.Wait()
	fmt.Println(sum.Load(), err != nil)
	// Output: 7 true
}
