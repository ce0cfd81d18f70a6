// Command cancel is the cancellation pattern: an operation that takes two
// seconds is given one, and stops when its context times out. Then a client
// retries a busy server, waiting as long as the server asks each time.
package main

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

// operation takes two seconds, unless ctx is done first.
func operation(ctx context.Context) (string, error) {
	if err := cancel.Sleep(ctx, 2*time.Second); err != nil {
		return "", err
	}
	return "Operation finished", nil
}

// busyServer answers its first request with 429 and "Retry-After: 1".
func busyServer() *httptest.Server {
	var requests atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "Request served")
	}))
}

// get fetches url once. A 429 or 503 answer becomes an error that carries
// the server's Retry-After delay; another failed status is not retried.
func get(ctx context.Context, c *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", cancel.Permanent(err)
	}
	resp, err := c.Do(req)
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
		// Retry-After is seconds or an HTTP-date; without one, Retry's
		// backoff decides.
		if d, ok := cancel.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return "", cancel.RetryAfter(err, d)
		}
		return "", err
	case resp.StatusCode != http.StatusOK:
		return "", cancel.Permanent(fmt.Errorf("GET: %s", resp.Status))
	}
	return string(body), nil
}

func main() {
	// The operation takes 2 seconds, so the 1-second timeout cancels it.
	msg, err := cancel.Timeout(context.Background(), time.Second, operation)
	if err != nil {
		fmt.Println("Operation cancelled:", err)
	} else {
		fmt.Println(msg)
	}

	// The server asks for a second's pause; Retry waits exactly that, and
	// gives each attempt at most 5 seconds of the 10 it has in all.
	srv := busyServer()
	defer srv.Close()
	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	b := cancel.Backoff{
		Attempts:       5,
		AttemptTimeout: 5 * time.Second,
		OnRetry: func(attempt int, err error, delay time.Duration) {
			fmt.Printf("Attempt %d: %v; retrying in %v\n", attempt, err, delay)
		},
	}
	msg, err = cancel.Retry(ctx, b, func(ctx context.Context) (string, error) {
		return get(ctx, srv.Client(), srv.URL)
	})
	if err != nil {
		fmt.Println("Gave up:", err)
		return
	}
	fmt.Println(msg)
}
