// Command httplimit runs an HTTP server that allows each client 1 request a
// second with bursts of 3, and a client that hammers it on a new connection
// (a new port) each time. It prints what the client gets: three 200s, then
// 429s with Retry-After; it waits as Retry-After says and gets through again.
package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gopatterns/concurrency/cancel"
	"github.com/gopatterns/concurrency/ratelimit"
	"github.com/gopatterns/concurrency/ratelimit/httplimit"
)

func main() {
	perClient := ratelimit.NewKeyed[string](1, 3) // 1 request a second, bursts of 3, per client
	perClient.SetMaxKeys(100_000)                 // bounded memory under a flood of addresses
	limiter := &httplimit.Limiter{Store: httplimit.Keyed(perClient)}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})
	srv := httptest.NewServer(limiter.Wrap(hello))
	defer srv.Close()

	// No keep-alive: every request dials anew from a new port, which the
	// limiter ignores (it keys on the client's IP address alone).
	client := &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true},
		Timeout:   10 * time.Second,
	}
	var retry string
	for i := 1; i <= 5; i++ {
		retry = get(client, srv.URL, i)
	}
	// Retry-After is seconds or an HTTP-date; cancel.ParseRetryAfter reads both.
	wait, ok := cancel.ParseRetryAfter(retry, time.Now())
	if !ok {
		log.Fatalf("Retry-After %q: not a delay", retry)
	}
	fmt.Printf("waiting %v, as Retry-After says\n", wait)
	time.Sleep(wait)
	get(client, srv.URL, 6)
}

// get sends request i, prints the answer's status and rate-limit fields
// (the policy only the first time), and returns its Retry-After.
func get(client *http.Client, url string, i int) (retryAfter string) {
	resp, err := client.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		log.Fatal(err)
	}
	if i == 1 {
		fmt.Println("RateLimit-Policy:", resp.Header.Get("RateLimit-Policy"))
	}
	line := fmt.Sprintf("request %d: %-21s RateLimit: %s", i, resp.Status, resp.Header.Get("RateLimit"))
	if retry := resp.Header.Get("Retry-After"); retry != "" {
		line += "  Retry-After: " + retry
	}
	fmt.Println(line)
	return resp.Header.Get("Retry-After")
}
