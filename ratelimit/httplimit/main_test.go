package httplimit

import (
	"context"
	"io"
	"log"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/ratelimit"
)

// TestMain discards what the package's default hooks log (ProxyKey's line
// about an untrusted peer, OnError's lines): the tests that check those
// lines capture the log themselves.
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	conctest.Main(m)
}

// storeFunc is a Store made of a function, for tests that script answers.
type storeFunc func(ctx context.Context, key string, n int) (ratelimit.Decision, error)

func (f storeFunc) Take(ctx context.Context, key string, n int) (ratelimit.Decision, error) {
	return f(ctx, key, n)
}
