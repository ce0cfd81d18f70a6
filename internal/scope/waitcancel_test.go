package scope

import (
	"context"
	"testing"
	"testing/synctest"
)

// TestWaitReturnsCancelled checks that the scope's context is done by the
// time any Wait returns, even when the goroutine that ends the scope is
// slow to go on after it: its cancel here blocks until the test lets it.
func TestWaitReturnsCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, ctx := newScope(context.Background())
		release := make(chan struct{})
		cancel := s.cancel
		s.cancel = func(cause error) {
			<-release
			cancel(cause)
		}
		s.Enter(1)
		returned := make(chan error, 1)
		go func() {
			err := s.Wait()
			if ctx.Err() == nil {
				t.Error("Wait returned with the scope's context not done")
			}
			returned <- err
		}()
		synctest.Wait()
		go s.Exit()
		synctest.Wait()
		close(release)
		if err := <-returned; err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
	})
}
