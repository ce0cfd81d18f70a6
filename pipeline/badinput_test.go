package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pipeline"
)

// TestBadInput checks that bad arguments panic at once in the caller with
// the exact message, before any goroutine starts (TestMain's leak check
// would see one).
func TestBadInput(t *testing.T) {
	var nilCtx context.Context
	ctx := context.Background()
	var nilCh chan int
	ch := make(chan int)
	seq := slices.Values([]int{1})
	const (
		noCtx = "pipeline: nil context"
		noIn  = "pipeline: nil input channel"
	)
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"WithScope nil ctx", func() { pipeline.WithScope(nilCtx) }, noCtx},
		{"Generate nil ctx", func() { pipeline.Generate(nilCtx, 1, 2) }, noCtx},
		{"FromSeq nil ctx", func() { pipeline.FromSeq(nilCtx, seq) }, noCtx},
		{"Stage nil ctx", func() { pipeline.Stage(nilCtx, ch, square) }, noCtx},
		{"FanOut nil ctx", func() { pipeline.FanOut(nilCtx, ch, 2, square) }, noCtx},
		{"Merge nil ctx", func() { pipeline.Merge(nilCtx, ch) }, noCtx},
		{"Merge nil ctx, no inputs", func() { pipeline.Merge[int](nilCtx) }, noCtx},
		{"Tee nil ctx", func() { pipeline.Tee(nilCtx, ch, 2) }, noCtx},
		{"Batch nil ctx", func() { pipeline.Batch(nilCtx, ch, 2, 0) }, noCtx},
		{"Collect nil ctx", func() { pipeline.Collect(nilCtx, ch) }, noCtx},
		{"Map nil ctx", func() { pipeline.Map(nilCtx, seq, 1, okSquare) }, noCtx},
		{"OrderedMap nil ctx", func() { pipeline.OrderedMap(nilCtx, seq, 1, okSquare) }, noCtx},
		{"Stage nil in", func() { pipeline.Stage(ctx, nilCh, square) }, noIn},
		{"FanOut nil in", func() { pipeline.FanOut(ctx, nilCh, 2, square) }, noIn},
		{"Merge nil only input", func() { pipeline.Merge(ctx, nilCh) }, noIn},
		{"Merge nil first input", func() { pipeline.Merge(ctx, nilCh, ch) }, noIn},
		{"Merge nil last input", func() { pipeline.Merge(ctx, ch, ch, nilCh) }, noIn},
		{"Tee nil in", func() { pipeline.Tee(ctx, nilCh, 2) }, noIn},
		{"Batch nil in", func() { pipeline.Batch(ctx, nilCh, 2, 0) }, noIn},
		{"Collect nil in", func() { pipeline.Collect(ctx, nilCh) }, noIn},
		{"Stage nil f", func() { pipeline.Stage[int, int](ctx, ch, nil) }, "pipeline: nil f"},
		{"FanOut nil f", func() { pipeline.FanOut[int, int](ctx, ch, 2, nil) }, "pipeline: nil f"},
		{"FanOut n=0", func() { pipeline.FanOut(ctx, ch, 0, square) }, "pipeline: n < 1"},
		{"Tee n=-1", func() { pipeline.Tee(ctx, ch, -1) }, "pipeline: n < 1"},
		{"Batch size=0", func() { pipeline.Batch(ctx, ch, 0, 0) }, "pipeline: size < 1"},
		{"FromSeq nil seq", func() { pipeline.FromSeq[int](ctx, nil) }, "pipeline: nil seq"},
		{"StageContext nil ctx", func() { pipeline.StageContext(nilCtx, ch, okSquare) }, noCtx},
		{"StageContext nil in", func() { pipeline.StageContext(ctx, nilCh, okSquare) }, noIn},
		{"StageContext nil f", func() { pipeline.StageContext[int, int](ctx, ch, nil) }, "pipeline: nil f"},
		{"StageContext no scope", func() { pipeline.StageContext(ctx, ch, okSquare) },
			"pipeline: StageContext needs the context of a Scope"},
		{"FanOutContext nil ctx", func() { pipeline.FanOutContext(nilCtx, ch, 2, okSquare) }, noCtx},
		{"FanOutContext n=0", func() { pipeline.FanOutContext(ctx, ch, 0, okSquare) }, "pipeline: n < 1"},
		{"FanOutContext nil in", func() { pipeline.FanOutContext(ctx, nilCh, 2, okSquare) }, noIn},
		{"FanOutContext nil f", func() { pipeline.FanOutContext[int, int](ctx, ch, 2, nil) }, "pipeline: nil f"},
		{"FanOutContext no scope", func() { pipeline.FanOutContext(ctx, ch, 2, okSquare) },
			"pipeline: FanOutContext needs the context of a Scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(conctest.Panics(t, tt.want, tt.call)); got != tt.want {
				t.Errorf("panic = %v, want %q", got, tt.want)
			}
		})
	}
}
