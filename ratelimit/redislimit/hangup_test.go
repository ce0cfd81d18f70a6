package redislimit

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/ratelimit/httplimit"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// hangingUp is a Scripter that cancels the request's context while the
// script is on its way, as a client that hangs up does, and lets Redis
// answer all the same.
type hangingUp struct {
	redis.Scripter
	cancel context.CancelFunc
}

func (h hangingUp) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *redis.Cmd {
	h.cancel()
	return h.Scripter.EvalSha(context.WithoutCancel(ctx), sha, keys, args...)
}

func (h hangingUp) Eval(ctx context.Context, src string, keys []string, args ...any) *redis.Cmd {
	return h.Scripter.Eval(context.WithoutCancel(ctx), src, keys, args...)
}

// TestServerHangUp: behind httplimit, at 1 token per 1000s and a burst of
// 1, requests whose client left before the decision, or while it was on
// its way, are not served, under every failure policy of either side. A
// token Redis took for a request whose client left stays taken.
func TestServerHangUp(t *testing.T) {
	c := newClient(t)
	policies := map[string]FailurePolicy{"FailError": FailError, "FailOpen": FailOpen, "FailClosed": FailClosed, "FailLocal": FailLocal(1)}
	for name, policy := range policies {
		for _, failClosed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/httplimit.FailClosed=%v", name, failClosed), func(t *testing.T) {
				var cancel context.CancelFunc
				l := New(hangingUp{Scripter: c, cancel: func() { cancel() }}, rate.Every(1000*time.Second), 1)
				l.SetPrefix(testKey(t) + ":")
				l.SetFailurePolicy(policy)
				served := 0
				h := (&httplimit.Limiter{
					Store:      l,
					FailClosed: failClosed,
					OnError:    func(_ *http.Request, err error) { t.Errorf("OnError(%v) for a client that left", err) },
				}).Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }))
				send := func(before bool) *httptest.ResponseRecorder {
					var ctx context.Context
					ctx, cancel = context.WithCancel(context.Background())
					defer cancel()
					if before {
						cancel()
					}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, httptest.NewRequestWithContext(ctx, "POST", "/", nil))
					return w
				}
				for i := range 10 {
					if w := send(i%2 == 0); w.Body.Len() != 0 || len(w.Header()) != 0 {
						t.Errorf("answer %d %v %q to a client that left", w.Code, w.Header(), w.Body)
					}
				}
				if served != 0 {
					t.Errorf("%d of 10 requests whose client left were served", served)
				}
				if d, err := l.Take(context.Background(), "192.0.2.1", 0); d.Remaining != 0 || err != nil {
					t.Errorf("bucket after the hang-ups: %+v, %v; want the token taken", d, err)
				}
			})
		}
	}
}
