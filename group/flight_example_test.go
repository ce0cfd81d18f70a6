package group_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/group"
)

// A cache in front of a slow database: when an entry is missing, the
// requests for it that arrive together share one load instead of all
// querying the database at once (a cache stampede). The load checks the
// cache again first, for a request that missed the cache just before the
// previous load filled it.
func ExampleFlight() {
	var (
		mu     sync.Mutex
		cache  = map[string]string{}
		loads  atomic.Int32
		flight group.Flight[string, string]
	)
	lookup := func(key string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		v, ok := cache[key]
		return v, ok
	}
	load := func(ctx context.Context, key string) (string, error) {
		if v, ok := lookup(key); ok {
			return v, nil
		}
		loads.Add(1)
		time.Sleep(10 * time.Millisecond) // the database query, with ctx
		v := strings.ToUpper(key)
		mu.Lock()
		cache[key] = v
		mu.Unlock()
		return v, nil
	}
	get := func(ctx context.Context, key string) (string, error) {
		if v, ok := lookup(key); ok {
			return v, nil
		}
		v, err, _ := flight.Do(ctx, key, func(ctx context.Context) (string, error) { return load(ctx, key) })
		return v, err
	}

	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if v, err := get(ctx, "user:42"); v != "USER:42" || err != nil {
				fmt.Println("get:", v, err)
			}
		})
	}
	wg.Wait()
	fmt.Println("database loads:", loads.Load())
	// Output:
	// database loads: 1
}

// A caller whose context ends leaves at once with the context's cause; the
// call goes on for the callers still waiting, and its context ends only
// once they have all left.
func ExampleFlight_Do() {
	var f group.Flight[string, int]
	started, release := make(chan struct{}), make(chan struct{})
	slow := func(ctx context.Context) (int, error) {
		close(started)
		<-release
		return 42, ctx.Err()
	}
	first := make(chan string)
	go func() {
		v, err, _ := f.Do(context.Background(), "answer", slow)
		first <- fmt.Sprint(v, " ", err)
	}()
	<-started

	ctx, cancel := context.WithTimeoutCause(context.Background(), 10*time.Millisecond, errors.New("too slow"))
	defer cancel()
	_, err, _ := f.Do(ctx, "answer", slow)
	fmt.Println("impatient caller:", err)
	close(release)
	fmt.Println("first caller:", <-first)
	// Output:
	// impatient caller: too slow
	// first caller: 42 <nil>
}

// Forget makes the next Do start a new call, for instance once the data
// the live call reads has changed; the callers of the old call still get
// its result.
func ExampleFlight_Forget() {
	var f group.Flight[string, string]
	started, release := make(chan struct{}), make(chan struct{})
	old := make(chan string)
	go func() {
		v, _, _ := f.Do(context.Background(), "config", func(context.Context) (string, error) {
			close(started)
			<-release
			return "version 1", nil
		})
		old <- v
	}()
	<-started

	f.Forget("config") // version 2 has just been written
	v, _, _ := f.Do(context.Background(), "config", func(context.Context) (string, error) {
		return "version 2", nil
	})
	fmt.Println("new call:", v)
	close(release)
	fmt.Println("old call:", <-old)
	// Output:
	// new call: version 2
	// old call: version 1
}
