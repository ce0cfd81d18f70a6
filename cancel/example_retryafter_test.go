package cancel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gopatterns/concurrency/cancel"
)

// get fetches url once. A 429 or 503 answer becomes an error that carries
// the delay the server's Retry-After header asks for; another failed status
// is not worth retrying.
func get(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", cancel.Permanent(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return "", err
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusServiceUnavailable:
		err := fmt.Errorf("GET: %s", resp.Status)
		if secs, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil {
			return "", cancel.RetryAfter(err, time.Duration(secs)*time.Second)
		}
		return "", err // no delay given: Retry's backoff decides
	case resp.StatusCode != http.StatusOK:
		return "", cancel.Permanent(fmt.Errorf("GET: %s", resp.Status))
	}
	return string(body), nil
}

// An HTTP client retries a 429 answer after the delay that the server's
// Retry-After header asks for, not after its own backoff. The server here
// says "Retry-After: 0", so that the example runs at once; a real one
// usually asks for seconds, and Retry waits them all.
func ExampleRetryAfter() {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "hello")
	}))
	defer srv.Close()

	b := cancel.Backoff{Attempts: 5, OnRetry: func(attempt int, err error, delay time.Duration) {
		fmt.Printf("attempt %d: %v; retrying in %v\n", attempt, err, delay)
	}}
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	body, err := cancel.Retry(ctx, b, func(ctx context.Context) (string, error) {
		return get(ctx, srv.Client(), srv.URL)
	})
	fmt.Println(body, err)
	// Output:
	// attempt 1: GET: 429 Too Many Requests; retrying in 0s
	// hello <nil>
}
