package group_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
