package httplimit

import (
	"context"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/ratelimit"
)

func TestMain(m *testing.M) { conctest.Main(m) }

// storeFunc is a Store made of a function, for tests that script answers.
type storeFunc func(ctx context.Context, key string, n int) (ratelimit.Decision, error)

func (f storeFunc) Take(ctx context.Context, key string, n int) (ratelimit.Decision, error) {
	return f(ctx, key, n)
}
