package cancel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
		if d, ok := cancel.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return "", cancel.RetryAfter(err, d)
		}
		return "", err // no delay given, or not one we can read: Retry's backoff decides
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

// ParseRetryAfter reads both forms of a Retry-After value: a number of
// seconds, and an HTTP-date, here one in RFC 850's obsolete form, which
// counts from now. A date already past asks for no wait at all.
func ExampleParseRetryAfter() {
	now := time.Date(2026, time.December, 8, 12, 0, 0, 0, time.UTC)
	for _, v := range []string{
		"120",
		"Tue, 08 Dec 2026 12:00:30 GMT",
		"Tuesday, 08-Dec-26 12:05:00 GMT",
		"Tue Dec  8 11:00:00 2026",
		"soon",
	} {
		d, ok := cancel.ParseRetryAfter(v, now)
		fmt.Printf("%-32q %v %v\n", v, d, ok)
	}
	// Output:
	// "120"                            2m0s true
	// "Tue, 08 Dec 2026 12:00:30 GMT"  30s true
	// "Tuesday, 08-Dec-26 12:05:00 GMT" 5m0s true
	// "Tue Dec  8 11:00:00 2026"       0s true
	// "soon"                           0s false
}
