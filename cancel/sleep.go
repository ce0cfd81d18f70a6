package cancel

import (
	"context"
	"time"
)

// Sleep pauses for d, or returns context.Cause(ctx) as soon as ctx is done.
//
// Sleep looks at ctx first: when ctx is already done it returns the cause at
// once, whatever d is. Otherwise a d <= 0 returns nil at once, as time.Sleep
// returns at once. Sleep returns nil only if d has elapsed and ctx was still
// not done when Sleep looked at it again on the way out, so a caller that
// gets nil may go on with its work. The timer is stopped before Sleep
// returns. Sleep panics if ctx is nil.
func Sleep(ctx context.Context, d time.Duration) error {
	checkContext(ctx)
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}
