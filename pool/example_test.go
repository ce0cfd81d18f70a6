package pool_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/pool"
)

// The worker pool of the classic jobs-and-results program: five jobs, three
// workers, each result twice its job. Close runs every queued job, then
// returns with every worker gone.
func Example_workerPool() {
	const numJobs = 5
	results := make([]int, numJobs+1)
	p := pool.New(3, func(j int) {
		time.Sleep(10 * time.Millisecond) // simulate work
		results[j] = j * 2                // each job writes its own slot
	})
	for j := 1; j <= numJobs; j++ {
		p.Submit(j)
	}
	p.Close()
	fmt.Println(results[1:])
	// Output: [2 4 6 8 10]
}

// New makes a pool of a typed work function: values are submitted, not
// closures, so submitting allocates nothing.
func ExampleNew() {
	var sum atomic.Int64
	p := pool.New(4, func(n int) { sum.Add(int64(n)) })
	for n := 1; n <= 100; n++ {
		p.Submit(n)
	}
	p.Wait()
	fmt.Println(sum.Load())
	p.Close()
	// Output: 5050
}

// NewTasks makes a pool whose values are functions to call.
func ExampleNewTasks() {
	p := pool.NewTasks(2)
	var mu sync.Mutex
	var words []string
	for _, w := range []string{"pool", "of", "tasks"} {
		p.Submit(func() {
			mu.Lock()
			words = append(words, w)
			mu.Unlock()
		})
	}
	p.Close()
	slices.Sort(words)
	fmt.Println(words)
	// Output: [of pool tasks]
}

// Submit returns ErrClosed once the pool is closed, instead of panicking.
func ExamplePool_Submit() {
	p := pool.New(1, func(string) {})
	fmt.Println(p.Submit("before"))
	p.Close()
	err := p.Submit("after")
	fmt.Println(err, errors.Is(err, pool.ErrClosed))
	// Output:
	// <nil>
	// pool: closed true
}

// A queue limit of zero hands each value straight to a free worker:
// TrySubmit fails while every worker is busy, and SubmitContext waits for
// one or gives up with the context's cause.
func ExamplePool_SetQueueLimit() {
	busy := make(chan struct{})
	release := make(chan struct{})
	p := pool.New(1, func(int) { busy <- struct{}{}; <-release })
	p.SetQueueLimit(0)

	p.Submit(1)
	<-busy // the only worker is busy
	fmt.Println(p.TrySubmit(2))

	ctx, cancel := context.WithTimeoutCause(context.Background(), time.Millisecond, errors.New("no worker free"))
	defer cancel()
	fmt.Println(p.SubmitContext(ctx, 2))

	close(release)
	p.Close()
	// Output:
	// false
	// no worker free
}

// Without a panic handler, a panic in work comes out of Wait as a
// *PanicError that carries the value and the stack.
func ExamplePool_Wait() {
	p := pool.New(2, func(n int) {
		if n == 3 {
			panic("three is right out")
		}
	})
	for n := range 5 {
		p.Submit(n)
	}
	defer func() {
		perr := recover().(*pool.PanicError)
		fmt.Println(perr.Value)
		p.Close()
	}()
	p.Wait()
	// Output: three is right out
}

// With a panic handler, every panic goes to it and Wait does not panic.
func ExamplePool_SetPanicHandler() {
	var panicked atomic.Int32
	p := pool.New(2, func(n int) {
		if n%2 == 1 {
			panic(n)
		}
	})
	p.SetPanicHandler(func(*pool.PanicError) { panicked.Add(1) })
	for n := range 10 {
		p.Submit(n)
	}
	p.Close()
	fmt.Println(panicked.Load(), "panics handled")
	// Output: 5 panics handled
}

// Stats reports the counters since New.
func ExamplePool_Stats() {
	p := pool.New(2, func(int) {})
	for n := range 3 {
		p.Submit(n)
	}
	p.Wait()
	s := p.Stats()
	fmt.Println(s.Submitted, s.Completed, s.Panicked)
	p.Close()
	// Output: 3 3 0
}

// SubmitContext gives up with the context's cause when the context is done,
// even if there is room in the queue.
func ExamplePool_SubmitContext() {
	p := pool.New(1, func(string) {})
	fmt.Println(p.SubmitContext(context.Background(), "queued"))

	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("shutting down"))
	fmt.Println(p.SubmitContext(ctx, "dropped"))
	p.Close()
	// Output:
	// <nil>
	// shutting down
}

// TrySubmit never blocks: under a queue limit it sheds the values that find
// the queue full.
func ExamplePool_TrySubmit() {
	busy := make(chan struct{}, 2)
	release := make(chan struct{})
	p := pool.New(1, func(int) { busy <- struct{}{}; <-release })
	p.SetQueueLimit(1)

	p.Submit(0)
	<-busy // the only worker is busy, the queue is empty
	fmt.Println(p.TrySubmit(1))
	fmt.Println(p.TrySubmit(2))

	close(release)
	p.Close()
	fmt.Println(p.Stats().Completed, "values ran")
	// Output:
	// true
	// false
	// 2 values ran
}

// Resize changes how many values run at once: growing starts workers for
// the values already queued.
func ExamplePool_Resize() {
	started := make(chan int)
	release := make(chan struct{})
	p := pool.New(1, func(n int) { started <- n; <-release })
	for n := range 3 {
		p.Submit(n)
	}
	<-started // one worker: one value runs, two wait
	fmt.Println(p.Stats().Running, "running,", p.Stats().Queued, "queued")

	p.Resize(3)
	<-started
	<-started
	fmt.Println(p.Stats().Running, "running,", p.Stats().Queued, "queued")

	close(release)
	p.Close()
	// Output:
	// 1 running, 2 queued
	// 3 running, 0 queued
}

// Close lets the values already queued run, then returns with every worker
// gone; Submit fails from then on.
func ExamplePool_Close() {
	var ran atomic.Int32
	p := pool.New(2, func(int) {
		time.Sleep(time.Millisecond)
		ran.Add(1)
	})
	for n := range 10 {
		p.Submit(n)
	}
	p.Close()
	fmt.Println(ran.Load(), "ran,", p.Stats().Workers, "workers left")
	fmt.Println(p.Submit(10))
	// Output:
	// 10 ran, 0 workers left
	// pool: closed
}

// Stop shuts a pool down at once: the value running finishes, the queued
// ones are handed back instead of run, and blocked submitters get
// ErrClosed.
func ExamplePool_Stop() {
	started := make(chan struct{})
	release := make(chan struct{})
	p := pool.New(1, func(job string) {
		if job == "first" {
			close(started)
			<-release
		}
	})
	p.SetQueueLimit(2)
	p.Submit("first")
	<-started
	p.Submit("second")
	p.Submit("third") // the queue is full now
	go func() {
		fmt.Println(p.Submit("fourth")) // blocks until Stop
		close(release)                  // then lets the running value finish
	}()
	fmt.Println("dropped:", p.Stop())
	s := p.Stats()
	fmt.Println(s.Completed, "completed,", s.Dropped, "dropped")
	// Output:
	// pool: closed
	// dropped: [second third]
	// 1 completed, 2 dropped
}
