package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gopatterns/concurrency/pipeline"
)

// Squares are computed by two workers and merged back into one channel, in
// no defined order; sorting makes the output deterministic.
func Example() {
	ctx := context.Background()
	in := pipeline.Generate(ctx, 0, 1, 2, 3, 4)
	workers := pipeline.FanOut(ctx, in, 2, func(n int) int { return n * n })
	squares, _ := pipeline.Collect(ctx, pipeline.Merge(ctx, workers...))
	slices.Sort(squares)
	fmt.Println(squares)
	// Output: [0 1 4 9 16]
}

// Generate turns a list of values into a channel.
func ExampleGenerate() {
	for s := range pipeline.Generate(context.Background(), "a", "b", "c") {
		fmt.Print(s)
	}
	fmt.Println()
	// Output: abc
}

// FromSeq turns any iterator into a channel.
func ExampleFromSeq() {
	words := strings.FieldsSeq("to be or not")
	got, _ := pipeline.Collect(context.Background(), pipeline.FromSeq(context.Background(), words))
	fmt.Println(got)
	// Output: [to be or not]
}

// Stage applies a function to every value, keeping the order.
func ExampleStage() {
	ctx := context.Background()
	upper := pipeline.Stage(ctx, pipeline.Generate(ctx, "go", "is", "fun"), strings.ToUpper)
	got, _ := pipeline.Collect(ctx, upper)
	fmt.Println(got)
	// Output: [GO IS FUN]
}

// FanOut spreads the values over n workers; each worker has its own output.
func ExampleFanOut() {
	ctx := context.Background()
	outs := pipeline.FanOut(ctx, pipeline.Generate(ctx, 1, 2, 3, 4, 5, 6), 3,
		func(n int) int { return 10 * n })
	got, _ := pipeline.Collect(ctx, pipeline.Merge(ctx, outs...))
	slices.Sort(got)
	fmt.Println(len(outs), got)
	// Output: 3 [10 20 30 40 50 60]
}

// Merge joins several channels into one.
func ExampleMerge() {
	ctx := context.Background()
	a := pipeline.Generate(ctx, 1, 3, 5)
	b := pipeline.Generate(ctx, 2, 4, 6)
	got, _ := pipeline.Collect(ctx, pipeline.Merge(ctx, a, b))
	slices.Sort(got)
	fmt.Println(got)
	// Output: [1 2 3 4 5 6]
}

// Tee gives every value to each of its outputs; here a sum and a count read
// concurrently.
func ExampleTee() {
	ctx := context.Background()
	outs := pipeline.Tee(ctx, pipeline.Generate(ctx, 1, 2, 3, 4), 2)
	sum := make(chan int)
	go func() {
		s := 0
		for v := range outs[0] {
			s += v
		}
		sum <- s
	}()
	count := 0
	for range outs[1] {
		count++
	}
	fmt.Println(<-sum, count)
	// Output: 10 4
}

// Batch groups values into slices of at most size values; the rest is
// flushed when the input closes.
func ExampleBatch() {
	ctx := context.Background()
	for b := range pipeline.Batch(ctx, pipeline.Generate(ctx, 1, 2, 3, 4, 5), 2, time.Second) {
		fmt.Println(b)
	}
	// Output:
	// [1 2]
	// [3 4]
	// [5]
}

// Collect reads a channel to the end, or reports why it stopped early.
func ExampleCollect() {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("shutting down"))
	_, err := pipeline.Collect(ctx, make(chan int))
	fmt.Println(err)
	// Output: shutting down
}

// Map calls f with four workers and yields the results as they are ready;
// the first error would end the loop.
func ExampleMap() {
	ctx := context.Background()
	total := 0
	for n, err := range pipeline.Map(ctx, slices.Values([]int{1, 2, 3, 4, 5}), 4,
		func(ctx context.Context, n int) (int, error) { return n * n, nil }) {
		if err != nil {
			fmt.Println(err)
			return
		}
		total += n
	}
	fmt.Println(total)
	// Output: 55
}

// OrderedMap yields results in input order and stops at the first error,
// after the results of the items before it.
func ExampleOrderedMap() {
	ctx := context.Background()
	parse := func(ctx context.Context, s string) (int, error) {
		var n int
		_, err := fmt.Sscan(s, &n)
		return n, err
	}
	for n, err := range pipeline.OrderedMap(ctx, slices.Values([]string{"1", "2", "x", "4"}), 2, parse) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(n)
	}
	// Output:
	// 1
	// 2
	// error: expected integer
}

// A consumer that needs only part of an endless pipeline stops it with the
// scope, and Wait joins every stage before the program goes on: then no
// stage's function is running, and what it wrote may be read.
func ExampleWithScope() {
	s, ctx := pipeline.WithScope(context.Background())
	naturals := func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}
	squared := 0 // written by the stage, read after Wait
	squares := pipeline.Stage(ctx, pipeline.FromSeq(ctx, naturals), func(n int) int {
		squared++
		return n * n
	})
	var small []int
	for n := range squares {
		if n > 50 {
			break
		}
		small = append(small, n)
	}
	fmt.Println(small)
	s.Stop(errors.New("enough"))
	err := s.Wait()
	fmt.Println("Wait:", err, "| squared at least 9:", squared >= 9)
	// Output:
	// [0 1 4 9 16 25 36 49]
	// Wait: enough | squared at least 9: true
}

// Under a scope, a panic in a stage's function cancels the scope's context,
// so the pipeline winds down, and Wait re-raises it in its caller as a
// *PanicError; here it is recovered to be printed.
func ExampleScope_Wait_panic() {
	s, ctx := pipeline.WithScope(context.Background())
	parse := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			panic(err)
		}
		return n
	}
	_, err := pipeline.Collect(ctx, pipeline.Stage(ctx, pipeline.Generate(ctx, "1", "2", "x"), parse))
	fmt.Println("Collect stopped by a panic:", errors.As(err, new(*pipeline.PanicError)))
	defer func() {
		perr := recover().(*pipeline.PanicError)
		fmt.Println("Wait panicked with:", perr.Value)
	}()
	s.Wait()
	// Output:
	// Collect stopped by a panic: true
	// Wait panicked with: strconv.Atoi: parsing "x": invalid syntax
}

// Stop ends a pipeline once its consumer has what it needs. The cause given
// to Stop is what Wait returns, and what context.Cause reports to any code
// that watches the scope's context.
func ExampleScope_Stop() {
	errEnough := errors.New("three lines are enough")
	s, ctx := pipeline.WithScope(context.Background())
	lines := pipeline.FromSeq(ctx, func(yield func(string) bool) {
		for i := 1; yield("line " + strconv.Itoa(i)); i++ {
		}
	})
	for line := range lines {
		fmt.Println(line)
		if line == "line 3" {
			s.Stop(errEnough)
			break
		}
	}
	err := s.Wait()
	fmt.Println("Wait:", err)
	fmt.Println("Cause is the same:", context.Cause(ctx) == err)
	// Output:
	// line 1
	// line 2
	// line 3
	// Wait: three lines are enough
	// Cause is the same: true
}

// A function that calls runtime.Goexit, as t.FailNow does, ends the
// sequence with an error matching ErrGoexit, rather than with the results
// of the items it did not finish.
func ExampleErrGoexit() {
	in := slices.Values([]int{1, 2, 3})
	for _, err := range pipeline.Map(context.Background(), in, 1, func(_ context.Context, v int) (int, error) {
		if v == 2 {
			runtime.Goexit()
		}
		return v, nil
	}) {
		if err != nil {
			fmt.Println(errors.Is(err, pipeline.ErrGoexit), err)
		}
	}
	// Output: true pipeline: f called runtime.Goexit
}

// StageContext runs a function that does I/O: it gets the stage's context
// and may fail. The first error stops the scope, and Wait returns it.
func ExampleStageContext() {
	s, ctx := pipeline.WithScope(context.Background())
	ids := pipeline.Generate(ctx, 1, 2, 3, 404, 5)
	names := pipeline.StageContext(ctx, ids, func(ctx context.Context, id int) (string, error) {
		// A real lookup would pass ctx on to the database or the server.
		if id == 404 {
			return "", fmt.Errorf("user %d: not found", id)
		}
		return "user" + strconv.Itoa(id), nil
	})
	for name := range names {
		fmt.Println(name)
	}
	fmt.Println("Wait:", s.Wait())
	// Output:
	// user1
	// user2
	// user3
	// Wait: user 404: not found
}

// FanOutContext spreads a function that does I/O over several goroutines.
// One failure stops the whole pipeline: Collect sees the scope's context
// done, with the error as its cause, and Wait returns it once every stage
// has returned.
func ExampleFanOutContext() {
	s, ctx := pipeline.WithScope(context.Background())
	paths := pipeline.Generate(ctx, "/a", "/b", "/missing", "/c")
	bodies := pipeline.FanOutContext(ctx, paths, 2, func(ctx context.Context, path string) (string, error) {
		if path == "/missing" {
			return "", errors.New("GET /missing: 404")
		}
		return "body of " + path, nil
	})
	_, err := pipeline.Collect(ctx, pipeline.Merge(ctx, bodies...))
	fmt.Println("Collect:", err)
	fmt.Println("Wait:", s.Wait())
	// Output:
	// Collect: GET /missing: 404
	// Wait: GET /missing: 404
}
