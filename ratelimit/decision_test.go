package ratelimit

import (
	"math"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// A takeStep sleeps, then takes n tokens and checks the Decision.
type takeStep struct {
	sleep time.Duration
	n     int
	want  Decision // Limit and Burst are filled in
}

// takers are the ways to Take from one bucket: a TokenBucket, and one key
// of a Keyed.
var takers = []struct {
	name string
	new  func(r rate.Limit, burst int) func(n int) Decision
}{
	{"TokenBucket", func(r rate.Limit, burst int) func(int) Decision {
		return NewTokenBucket(r, burst).Take
	}},
	{"Keyed", func(r rate.Limit, burst int) func(int) Decision {
		k := NewKeyed[string](r, burst)
		return func(n int) Decision { return k.Take("client", n) }
	}},
}

func TestTake(t *testing.T) {
	const s, ms = time.Second, time.Millisecond
	allowed := func(remaining int, reset time.Duration) Decision {
		return Decision{Allowed: true, Remaining: remaining, ResetAfter: reset}
	}
	refused := func(remaining int, retry, reset time.Duration) Decision {
		return Decision{Remaining: remaining, RetryAfter: retry, ResetAfter: reset}
	}
	for _, tc := range []struct {
		name  string
		r     rate.Limit
		burst int
		steps []takeStep
	}{
		{"one of three", 1, 3, []takeStep{{0, 1, allowed(2, s)}}},
		{"burst, then refused", 1, 3, []takeStep{
			{0, 3, allowed(0, 3*s)},
			{0, 1, refused(0, s, 3*s)},
			{0, 2, refused(0, 2*s, 3*s)},
			{0, 3, refused(0, 3*s, 3*s)},
			{500 * ms, 1, refused(0, 500*ms, 2500*ms)},
			{500 * ms, 1, allowed(0, 3*s)},
		}},
		{"peek takes nothing", 1, 3, []takeStep{
			{0, 0, allowed(3, 0)},
			{0, 2, allowed(1, 2*s)},
			{0, 0, allowed(1, 2*s)},
			{0, 0, allowed(1, 2*s)},
			{s, 0, allowed(2, s)},
		}},
		{"peek at an empty bucket", 2, 1, []takeStep{
			{0, 1, allowed(0, 500*ms)},
			{0, 0, allowed(0, 500*ms)},
		}},
		{"more than burst", 1, 3, []takeStep{
			{0, 4, refused(3, never, 0)},
			{0, 1, allowed(2, s)},
			{0, 4, refused(2, never, s)},
		}},
		{"refill stops at burst", 10, 5, []takeStep{
			{0, 5, allowed(0, 500*ms)},
			{250 * ms, 0, allowed(2, 250*ms)},
			{0, 3, refused(2, 50*ms, 250*ms)},
			{time.Hour, 0, allowed(5, 0)},
			{0, 1, allowed(4, 100*ms)},
		}},
		{"rounded up to the nanosecond", 3, 1, []takeStep{
			{0, 1, allowed(0, 333_333_334)},
			{0, 1, refused(0, 333_333_334, 333_333_334)},
			{333_333_333, 1, refused(0, 1, 1)},
			{1, 1, allowed(0, 333_333_334)},
		}},
		{"whole tokens at a rate that does not divide 1e9", 15, 15, []takeStep{
			{0, 15, allowed(0, s)},
			{200 * ms, 0, allowed(3, 800*ms)},
			{0, 3, allowed(0, s)},
			{s, 15, allowed(0, s)},
		}},
		{"high rate", 1e6, 1, []takeStep{
			{0, 1, allowed(0, time.Microsecond)},
			{0, 1, refused(0, time.Microsecond, time.Microsecond)},
			{time.Microsecond, 1, allowed(0, time.Microsecond)},
		}},
		{"rate below one per second", 0.5, 2, []takeStep{
			{0, 2, allowed(0, 4*s)},
			{s, 1, refused(0, s, 3*s)},
		}},
		{"zero rate", 0, 2, []takeStep{
			{0, 0, allowed(2, 0)},
			{0, 1, allowed(1, never)},
			{time.Hour, 1, allowed(0, never)},
			{0, 1, refused(0, never, never)},
			{0, 0, allowed(0, never)},
		}},
		{"infinite rate", rate.Inf, 3, []takeStep{
			{0, 100, allowed(3, 0)},
			{0, 3, allowed(3, 0)},
			{0, 0, allowed(3, 0)},
		}},
		{"beyond the clock", 1e-12, 1, []takeStep{
			{0, 1, allowed(0, never)},
			{0, 1, refused(0, never, never)},
		}},
	} {
		for _, tk := range takers {
			t.Run(tc.name+"/"+tk.name, func(t *testing.T) {
				conctest.Bubble(t, func(t *testing.T) {
					take := tk.new(tc.r, tc.burst)
					for i, st := range tc.steps {
						time.Sleep(st.sleep)
						want := st.want
						want.Limit, want.Burst = tc.r, tc.burst
						if got := take(st.n); got != want {
							t.Fatalf("step %d: Take(%d) = %+v, want %+v", i, st.n, got, want)
						}
					}
				})
			})
		}
	}
}

// TestTakeRetryAfterExact checks, for random rates, bursts and requests,
// that RetryAfter is exact to the nanosecond: one nanosecond before it
// Take(n) is refused, at it Take(n) succeeds; and likewise that ResetAfter
// is when the bucket is full again.
func TestTakeRetryAfterExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		r := rate.Limit(math.Exp(rng.Float64()*24 - 6)) // 0.0025/s to 65,000/s
		if i%3 == 0 {
			r = rate.Limit(1 + rng.IntN(100_000))
		}
		burst := 1 + rng.IntN(20)
		for _, tk := range takers {
			conctest.Bubble(t, func(t *testing.T) {
				take := tk.new(r, burst)
				for range 10 {
					n := 1 + rng.IntN(burst)
					d := take(n)
					if d.Allowed {
						if d.RetryAfter != 0 {
							t.Fatalf("%s at %v/s, burst %d: allowed Take(%d) with RetryAfter %v, want 0", tk.name, r, burst, n, d.RetryAfter)
						}
						time.Sleep(time.Duration(rng.Int64N(int64(d.ResetAfter) + 1)))
						continue
					}
					if d.RetryAfter <= 0 {
						t.Fatalf("%s at %v/s, burst %d: refused Take(%d) with RetryAfter %v, want > 0", tk.name, r, burst, n, d.RetryAfter)
					}
					time.Sleep(d.RetryAfter - 1)
					if d := take(n); d.Allowed || d.RetryAfter != 1 {
						t.Fatalf("%s at %v/s, burst %d: Take(%d) 1ns before RetryAfter = %+v, want refused with RetryAfter 1ns", tk.name, r, burst, n, d)
					}
					time.Sleep(time.Nanosecond)
					if d := take(n); !d.Allowed {
						t.Fatalf("%s at %v/s, burst %d: Take(%d) after RetryAfter refused: %+v", tk.name, r, burst, n, d)
					}
				}
				d := take(0)
				if d.ResetAfter > 0 {
					time.Sleep(d.ResetAfter - 1)
					if d := take(0); d.ResetAfter != 1 {
						t.Fatalf("%s at %v/s, burst %d: 1ns before ResetAfter: %+v, want ResetAfter 1ns", tk.name, r, burst, d)
					}
					time.Sleep(time.Nanosecond)
				}
				if d := take(0); d.ResetAfter != 0 || d.Remaining != burst {
					t.Fatalf("%s at %v/s, burst %d: after ResetAfter: %+v, want full", tk.name, r, burst, d)
				}
			})
		}
	}
}

// TestTakeSeesWaits checks that Take counts the tokens a sleeping Wait has
// reserved: the bucket is in debt until that Wait's time.
func TestTakeSeesWaits(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		b := NewTokenBucket(1, 1)
		b.Allow()
		done := make(chan error)
		go func() { done <- b.Wait(t.Context()) }()
		synctest.Wait() // Wait has reserved its token and sleeps
		want := Decision{Limit: 1, Burst: 1, RetryAfter: 2 * time.Second, ResetAfter: 2 * time.Second}
		if got := b.Take(1); got != want {
			t.Errorf("Take(1) while a Wait sleeps = %+v, want %+v", got, want)
		}
		if err := <-done; err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
	})
}

// TestTakeAgreesWithAllow checks that Take and AllowN decide alike and that
// a refused Take takes nothing.
func TestTakeAgreesWithAllow(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		a, b := NewTokenBucket(7, 5), NewTokenBucket(7, 5)
		for i := range 2_000 {
			n := rng.IntN(7)
			if got, want := a.Take(n).Allowed, b.AllowN(n); got != want {
				t.Fatalf("step %d: Take(%d).Allowed = %v, AllowN(%d) = %v", i, n, got, n, want)
			}
			if a.Tokens() != b.Tokens() {
				t.Fatalf("step %d: Tokens() = %v after Take, %v after AllowN", i, a.Tokens(), b.Tokens())
			}
			time.Sleep(time.Duration(rng.IntN(int(300 * time.Millisecond))))
		}
	})
}

func TestTakeZeroValues(t *testing.T) {
	var b TokenBucket
	var k Keyed[int]
	for name, take := range map[string]func(int) Decision{
		"TokenBucket": b.Take,
		"Keyed":       func(n int) Decision { return k.Take(1, n) },
	} {
		if got, want := take(1), (Decision{RetryAfter: never}); got != want {
			t.Errorf("zero %s: Take(1) = %+v, want %+v", name, got, want)
		}
		if got, want := take(0), (Decision{Allowed: true}); got != want {
			t.Errorf("zero %s: Take(0) = %+v, want %+v", name, got, want)
		}
	}
}

func TestTakePanics(t *testing.T) {
	conctest.Panics(t, "ratelimit: n < 0", func() { NewTokenBucket(1, 1).Take(-1) })
	conctest.Panics(t, "ratelimit: n < 0", func() { NewKeyed[int](1, 1).Take(0, -1) })
	conctest.Panics(t, "ratelimit: n < 0", func() { NewKeyed[int](rate.Inf, 1).Take(0, -1) })
}
