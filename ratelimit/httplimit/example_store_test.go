package httplimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/gopatterns/concurrency/ratelimit"
	"github.com/gopatterns/concurrency/ratelimit/httplimit"
)

// tiers is a Store that wraps two others: keys of signed-in users go to one,
// every other key to the other, so that each tier has a limit of its own.
type tiers struct {
	users, anonymous httplimit.Store
}

func (s tiers) Take(ctx context.Context, key string, n int) (ratelimit.Decision, error) {
	if strings.HasPrefix(key, "user:") {
		return s.users.Take(ctx, key, n)
	}
	return s.anonymous.Take(ctx, key, n)
}

// A Store that wraps other Stores gives signed-in users 3 requests a
// minute each and anonymous clients 1.
func ExampleStore() {
	limiter := &httplimit.Limiter{
		Store: tiers{
			users:     httplimit.Keyed(ratelimit.NewKeyed[string](rate.Every(20*time.Second), 3)),
			anonymous: httplimit.Keyed(ratelimit.NewKeyed[string](rate.Every(time.Minute), 1)),
		},
		Key: func(r *http.Request) (string, error) {
			if user, _, ok := r.BasicAuth(); ok {
				return "user:" + user, nil
			}
			return httplimit.ClientKey(r)
		},
	}
	h := limiter.Wrap(http.NotFoundHandler())
	for _, user := range []string{"ann", "", "ann", "", "ann"} {
		r := httptest.NewRequest("GET", "/", nil)
		if user != "" {
			r.SetBasicAuth(user, "secret")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%-9q %d %s\n", user, w.Code, w.Header().Get("RateLimit-Policy"))
	}
	// Output:
	// "ann"     404 "default";q=3;w=60
	// ""        404 "default";q=1;w=60
	// "ann"     404 "default";q=3;w=60
	// ""        429 "default";q=1;w=60
	// "ann"     404 "default";q=3;w=60
}
