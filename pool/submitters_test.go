package pool

import (
	"context"
	"testing"
	"testing/synctest"
)

// TestCancelledSubmitterLeavesNoReference: removing a cancelled submitter
// must not leave a copy of another one, and its value, in the backing array.
func TestCancelledSubmitterLeavesNoReference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := New(1, func(v *int) {
			if v == nil {
				<-release
			}
		})
		p.SetQueueLimit(0)
		p.Submit(nil)
		synctest.Wait()
		ctx, cancel := context.WithCancel(context.Background())
		go p.SubmitContext(ctx, new(int))
		synctest.Wait()
		served := make(chan error)
		go func() { served <- p.Submit(new(int)) }()
		synctest.Wait()
		cancel()
		synctest.Wait()
		close(release)
		if err := <-served; err != nil {
			t.Fatalf("Submit = %v, want nil", err)
		}
		p.Wait()
		p.mu.Lock()
		defer p.mu.Unlock()
		for i, s := range p.submitters[:cap(p.submitters)] {
			if s != nil {
				t.Errorf("submitters[%d] still refers to a submitter after it was served", i)
			}
		}
	})
}
