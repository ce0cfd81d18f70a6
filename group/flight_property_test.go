package group_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/group"
	"github.com/gopatterns/concurrency/internal/conctest"
)

// TestFlightProperty runs random callers on a few keys, with contexts that
// never end, time out or are cancelled, fns that take random time and
// sometimes fail, and random Forgets, each seed in a synctest bubble. It
// checks that no call of fn starts while another call for its key is live
// (not returned, not cancelled, not forgotten), and that every caller gets
// fn's result for its key, fn's error, or its own context's cause: never
// an error another caller caused.
func TestFlightProperty(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			conctest.Bubble(t, func(t *testing.T) { flightProperty(t, seed) })
		})
	}
}

var errFlightFn = errors.New("group_test: fn failed")

// flightModel is what the test knows of the Flight's calls.
type flightModel struct {
	mu    sync.Mutex
	gen   map[int]int // Forgets per key
	calls map[int][]*modelCall
}

// A modelCall is one call of fn.
type modelCall struct {
	ctx      context.Context
	gen      int // the key's Forgets when its caller called Do
	returned bool
}

// start records a call of fn for key and fails t if another is live.
func (m *flightModel) start(t *testing.T, key, gen int, ctx context.Context) *modelCall {
	m.mu.Lock()
	defer m.mu.Unlock()
	// A call whose caller called Do before a Forget may have been
	// started and forgotten before the call started after the Forget
	// gets here: only calls of the key's current generation are checked.
	// So may a call that every caller left before its goroutine came to
	// call fn: it starts with its context done, and is no live call.
	for _, o := range m.calls[key] {
		if gen == m.gen[key] && ctx.Err() == nil && !o.returned && o.ctx.Err() == nil && o.gen == m.gen[key] {
			t.Errorf("key %d: fn called while another call is live", key)
		}
	}
	c := &modelCall{ctx: ctx, gen: gen}
	m.calls[key] = append(m.calls[key], c)
	return c
}

func (m *flightModel) generation(key int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen[key]
}

func (m *flightModel) returned(c *modelCall) {
	m.mu.Lock()
	c.returned = true
	m.mu.Unlock()
}

// forget forgets key in the model, then in f, under the model's lock, so
// that a call that starts because of the Forget sees it.
func (m *flightModel) forget(f *group.Flight[int, int], key int) {
	m.mu.Lock()
	m.gen[key]++
	f.Forget(key)
	m.mu.Unlock()
}

func flightProperty(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 22))
	ms := func(n int) time.Duration { return time.Duration(rng.IntN(n)) * time.Millisecond }
	var f group.Flight[int, int]
	m := &flightModel{gen: map[int]int{}, calls: map[int][]*modelCall{}}
	var wg sync.WaitGroup
	for i := range 30 {
		key, startAfter, work, linger, fail := rng.IntN(3), ms(60), ms(40), ms(20), rng.IntN(4) == 0
		mode, leaveAfter := rng.IntN(3), ms(40)
		cause := fmt.Errorf("group_test: caller %d left", i)
		fn := func(ctx context.Context, gen int) (int, error) {
			c := m.start(t, key, gen, ctx)
			defer m.returned(c)
			select {
			case <-time.After(work):
			case <-ctx.Done():
				time.Sleep(linger)   // an abandoned call may take time to return
				return -1, ctx.Err() // nobody must see this
			}
			if fail {
				return key, errFlightFn
			}
			return key, nil
		}
		wg.Go(func() {
			time.Sleep(startAfter)
			ctx := context.Background()
			switch mode {
			case 1:
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeoutCause(ctx, leaveAfter, cause)
				defer cancel()
			case 2:
				var cancel context.CancelCauseFunc
				ctx, cancel = context.WithCancelCause(ctx)
				defer cancel(nil)
				timer := time.AfterFunc(leaveAfter, func() { cancel(cause) })
				defer timer.Stop()
			}
			gen := m.generation(key)
			v, err, _ := f.Do(ctx, key, func(ctx context.Context) (int, error) { return fn(ctx, gen) })
			switch {
			case err == nil || errors.Is(err, errFlightFn):
				if v != key {
					t.Errorf("caller %d: Do(key %d) = %d, %v; want %d", i, key, v, err, key)
				}
			case err == cause && ctx.Err() != nil && context.Cause(ctx) == cause:
			default:
				t.Errorf("caller %d (mode %d): Do() = %d, %v; an error it did not cause", i, mode, v, err)
			}
		})
	}
	for range 5 {
		after, key := ms(80), rng.IntN(3)
		wg.Go(func() {
			time.Sleep(after)
			m.forget(&f, key)
		})
	}
	wg.Wait()
	// Abandoned calls may still be returning: in the bubble, a second of
	// fake time is sure to see them return.
	time.Sleep(time.Second)
	m.mu.Lock()
	defer m.mu.Unlock()
	for key, calls := range m.calls {
		for _, c := range calls {
			if !c.returned {
				t.Errorf("key %d: a call of fn has not returned", key)
			}
		}
	}
}
