package pipeline_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

func TestMain(m *testing.M) { conctest.Main(m) }

func square(n int) int { return n * n }

func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// drain receives from ch until it is closed.
func drain[T any](ch <-chan T) []T {
	var vs []T
	for v := range ch {
		vs = append(vs, v)
	}
	return vs
}

func TestGenerateFanOutMerge(t *testing.T) {
	conctest.WithProcs(t, func(t *testing.T) {
		for _, n := range []int{1, 2, 8} {
			ctx := context.Background()
			const count = 2000
			outs := pipeline.FanOut(ctx, pipeline.Generate(ctx, ints(count)...), n, square)
			if len(outs) != n {
				t.Fatalf("FanOut(n=%d) returned %d channels", n, len(outs))
			}
			got := drain(pipeline.Merge(ctx, outs...))
			slices.Sort(got)
			if len(got) != count {
				t.Fatalf("n=%d: got %d values, want %d", n, len(got), count)
			}
			for i, v := range got {
				if v != i*i {
					t.Fatalf("n=%d: sorted value %d = %d, want %d", n, i, v, i*i)
				}
			}
		}
	})
}

func TestOrderPreserved(t *testing.T) {
	ctx := context.Background()
	want := ints(500)
	if got := drain(pipeline.Generate(ctx, want...)); !slices.Equal(got, want) {
		t.Errorf("Generate = %v, want %v", got, want)
	}
	if got := drain(pipeline.FromSeq(ctx, slices.Values(want))); !slices.Equal(got, want) {
		t.Errorf("FromSeq = %v, want %v", got, want)
	}
	got := drain(pipeline.Stage(ctx, pipeline.Generate(ctx, want...), square))
	for i, v := range got {
		if v != i*i {
			t.Fatalf("Stage value %d = %d, want %d", i, v, i*i)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Stage gave %d values, want %d", len(got), len(want))
	}
}

func TestMergeNoInputs(t *testing.T) {
	if _, ok := <-pipeline.Merge[int](context.Background()); ok {
		t.Error("Merge() delivered a value, want a closed channel")
	}
}

func TestMergeKeepsOrderPerInput(t *testing.T) {
	ctx := context.Background()
	a := pipeline.Generate(ctx, 1, 2, 3, 4, 5)
	b := pipeline.Generate(ctx, -1, -2, -3, -4, -5)
	var pos, neg []int
	for v := range pipeline.Merge(ctx, a, b) {
		if v > 0 {
			pos = append(pos, v)
		} else {
			neg = append(neg, v)
		}
	}
	if !slices.Equal(pos, []int{1, 2, 3, 4, 5}) || !slices.Equal(neg, []int{-1, -2, -3, -4, -5}) {
		t.Errorf("Merge = %v and %v, want each input in order", pos, neg)
	}
}

func TestFromSeqStopsSeqOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	seq := func(yield func(int) bool) {
		defer close(stopped)
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	}
	out := pipeline.FromSeq(ctx, seq)
	<-out
	cancel()
	<-stopped // the seq's yield returned false
	drain(out)
}

func TestTeeEveryOutputGetsEverything(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx := context.Background()
		// Far more values than an output's buffer holds, so that a Tee
		// that dropped values for a full output would fail.
		want := ints(1000)
		outs := pipeline.Tee(ctx, pipeline.Generate(ctx, want...), 3)
		got := make([][]int, len(outs))
		done := make(chan struct{})
		for i, out := range outs {
			go func() {
				defer func() { done <- struct{}{} }()
				for v := range out {
					if i == 0 {
						time.Sleep(time.Millisecond) // a slow reader
					}
					got[i] = append(got[i], v)
				}
			}()
		}
		for range outs {
			<-done
		}
		for i := range outs {
			if !slices.Equal(got[i], want) {
				t.Errorf("output %d: %d values, want the %d values in order", i, len(got[i]), len(want))
			}
		}
	})
}

// feed returns a channel fed by the returned function; close it with the
// returned close function.
func feed[T any]() (chan T, func(...T)) {
	ch := make(chan T)
	return ch, func(vs ...T) {
		for _, v := range vs {
			ch <- v
		}
	}
}

func TestBatchSize(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		in, send := feed[int]()
		out := pipeline.Batch(context.Background(), in, 2, time.Hour)
		go func() {
			send(1, 2, 3, 4, 5)
			close(in)
		}()
		got := drain(out)
		want := [][]int{{1, 2}, {3, 4}, {5}}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("Batch = %v, want %v", got, want)
		}
	})
}

func TestBatchMaxWait(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		in, send := feed[int]()
		const wait = 10 * time.Second
		out := pipeline.Batch(context.Background(), in, 100, wait)
		start := time.Now()
		go func() {
			send(1)
			time.Sleep(wait / 2)
			send(2)
			time.Sleep(wait) // the first batch leaves meanwhile
			send(3)
			close(in)
		}()
		b := <-out
		if got := time.Since(start); got != wait {
			t.Errorf("first batch after %v, want %v (maxWait since its first value)", got, wait)
		}
		if !slices.Equal(b, []int{1, 2}) {
			t.Errorf("first batch = %v, want [1 2]", b)
		}
		b = <-out
		if got := time.Since(start); got != wait/2+wait {
			t.Errorf("last batch after %v, want %v (when in closes)", got, wait/2+wait)
		}
		if !slices.Equal(b, []int{3}) {
			t.Errorf("last batch = %v, want [3]", b)
		}
		if _, ok := <-out; ok {
			t.Error("Batch output open after in closed")
		}
	})
}

func TestBatchNoMaxWait(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		in, send := feed[int]()
		out := pipeline.Batch(context.Background(), in, 3, 0)
		go func() {
			send(1)
			time.Sleep(time.Hour)
			send(2, 3)
		}()
		start := time.Now()
		if b := <-out; !slices.Equal(b, []int{1, 2, 3}) || time.Since(start) != time.Hour {
			t.Errorf("Batch = %v after %v, want [1 2 3] after 1h", b, time.Since(start))
		}
		close(in)
		drain(out)
	})
}

func TestBatchCancelDropsPartial(t *testing.T) {
	conctest.Bubble(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		in, send := feed[int]()
		out := pipeline.Batch(ctx, in, 3, 0)
		send(1)
		cancel()
		if got := drain(out); len(got) != 0 {
			t.Errorf("Batch after cancel = %v, want nothing", got)
		}
	})
}

func TestCollect(t *testing.T) {
	ctx := context.Background()
	got, err := pipeline.Collect(ctx, pipeline.Generate(ctx, 1, 2, 3))
	if err != nil || !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("Collect = %v, %v; want [1 2 3], nil", got, err)
	}
}

func TestCollectCause(t *testing.T) {
	cause := errors.New("stop")
	ctx, cancel := context.WithCancelCause(context.Background())
	in := make(chan int)
	go func() {
		in <- 1
		cancel(cause)
	}()
	got, err := pipeline.Collect(ctx, in)
	if !errors.Is(err, cause) || !slices.Equal(got, []int{1}) {
		t.Errorf("Collect = %v, %v; want [1], %v", got, err, cause)
	}
	// A channel that closes after ctx is done may be incomplete.
	closed := make(chan int)
	close(closed)
	if _, err := pipeline.Collect(ctx, closed); !errors.Is(err, cause) {
		t.Errorf("Collect(closed after cancel) error = %v, want %v", err, cause)
	}
}

func TestMisuse(t *testing.T) {
	ctx := context.Background()
	var nilCh chan int
	ch := make(chan int)
	for name, f := range map[string]func(){
		"FanOut n=0":   func() { pipeline.FanOut(ctx, ch, 0, square) },
		"Tee n=0":      func() { pipeline.Tee(ctx, ch, 0) },
		"Batch size=0": func() { pipeline.Batch(ctx, ch, 0, time.Second) },
		"Stage nil in": func() { pipeline.Stage(ctx, nilCh, square) },
		"Stage nil f":  func() { pipeline.Stage[int, int](ctx, ch, nil) },
		"FanOut nil":   func() { pipeline.FanOut(ctx, nilCh, 2, square) },
		"Merge nil":    func() { pipeline.Merge(ctx, ch, nilCh) },
		"Tee nil":      func() { pipeline.Tee(ctx, nilCh, 2) },
		"Batch nil":    func() { pipeline.Batch(ctx, nilCh, 2, 0) },
		"Collect nil":  func() { pipeline.Collect(ctx, nilCh) },
		"FromSeq nil":  func() { pipeline.FromSeq[int](ctx, nil) },
		"Map nil in":   func() { pipeline.Map(ctx, nil, 1, okSquare) },
		"Map nil f":    func() { pipeline.Map[int, int](ctx, slices.Values(ints(1)), 1, nil) },
		"Ordered nil":  func() { pipeline.OrderedMap[int, int](ctx, nil, 1, okSquare) },
	} {
		t.Run(name, func(t *testing.T) { conctest.Panics(t, "pipeline: ", f) })
	}
}

// TestRandomCancel cancels ctx at a random point of every channel
// function. Every output must be closed, and every goroutine gone, whether
// the consumer keeps reading or stops reading at a random point.
func TestRandomCancel(t *testing.T) {
	builds := map[string]func(ctx context.Context) []<-chan int{
		"Generate": func(ctx context.Context) []<-chan int {
			return []<-chan int{pipeline.Generate(ctx, ints(100)...)}
		},
		"FromSeq": func(ctx context.Context) []<-chan int {
			return []<-chan int{pipeline.FromSeq(ctx, slices.Values(ints(100)))}
		},
		"Stage": func(ctx context.Context) []<-chan int {
			return []<-chan int{pipeline.Stage(ctx, endless(ctx), square)}
		},
		"FanOut": func(ctx context.Context) []<-chan int {
			return pipeline.FanOut(ctx, endless(ctx), 3, square)
		},
		"FanOutMerge": func(ctx context.Context) []<-chan int {
			return []<-chan int{pipeline.Merge(ctx, pipeline.FanOut(ctx, endless(ctx), 3, square)...)}
		},
		"Tee": func(ctx context.Context) []<-chan int {
			return pipeline.Tee(ctx, endless(ctx), 3)
		},
		"Batch": func(ctx context.Context) []<-chan int {
			return []<-chan int{pipeline.Stage(ctx, pipeline.Batch(ctx, endless(ctx), 4, time.Microsecond),
				func(b []int) int { return len(b) })}
		},
		"Collect": func(ctx context.Context) []<-chan int {
			out := make(chan int)
			go func() {
				defer close(out)
				if _, err := pipeline.Collect(ctx, endless(ctx)); !errors.Is(err, conctest.ErrRandomCancel) {
					panic("Collect returned " + err.Error())
				}
			}()
			return []<-chan int{out}
		},
	}
	for name, build := range builds {
		t.Run(name, func(t *testing.T) {
			for run := range 300 {
				ctx, stop := conctest.RandomCancel(context.Background(), 200)
				outs := build(ctx)
				reads := rand.IntN(20)
				for range reads {
					<-outs[rand.IntN(len(outs))]
				}
				stop()
				if run%2 == 0 {
					for _, out := range outs {
						drain(out) // closed: drain returns
					}
				} // else: nobody reads; the goroutines must exit anyway
			}
			conctest.VerifyNone(t)
		})
	}
}

// endless is an input that never closes and ignores nothing but ctx.
func endless(ctx context.Context) <-chan int {
	ch := make(chan int)
	go func() {
		for i := 0; ; i++ {
			select {
			case ch <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// TestStagePanicCrashes checks the documented behaviour of a panic in a
// stage's f: the program dies with the panic and f's stack, as it would in
// a goroutine of one's own. The crash runs in a child process.
func TestStagePanicCrashes(t *testing.T) {
	for _, fn := range []string{"Stage", "FanOut"} {
		t.Run(fn, func(t *testing.T) {
			if os.Getenv("PIPELINE_CRASH") == fn {
				crashInStage(fn)
				t.Fatal("the panic did not crash the program")
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestStagePanicCrashes$/^"+fn+"$")
			cmd.Env = append(os.Environ(), "PIPELINE_CRASH="+fn)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("child exited with %v, want exit status 2 (a crash):\n%s", err, out)
			}
			for _, want := range []string{"panic: stage boom", "panicker"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("crash output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func panicker(int) int { panic("stage boom") }

func crashInStage(fn string) {
	ctx := context.Background()
	in := pipeline.Generate(ctx, 1, 2, 3)
	if fn == "Stage" {
		drain(pipeline.Stage(ctx, in, panicker))
	} else {
		drain(pipeline.Merge(ctx, pipeline.FanOut(ctx, in, 2, panicker)...))
	}
	time.Sleep(time.Minute) // the crash comes first
}

var _ = synctest.Wait
