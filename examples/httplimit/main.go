// Command httplimit runs an HTTP server that allows each client 1 request a
// second with bursts of 3, and a client that hammers it on a new connection
// (a new port) each time. It prints what the client gets: three 200s, then
// 429s with Retry-After; it waits as Retry-After says and gets through again.
// Then it puts the limiter behind a pretend reverse proxy, keyed by
// httplimit.ProxyKey: two clients behind the proxy get a budget each, and a
// proxy missing from ProxyKey.Trusted is reported instead of silently
// making every client share the proxy's budget.
package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"sync"
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

	fmt.Println()
	fmt.Println("behind a proxy on 127.0.0.1 that ProxyKey trusts:")
	behindProxy([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")})
	fmt.Println("behind the same proxy, with Trusted naming another network:")
	behindProxy([]netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")})
}

// behindProxy serves a limiter keyed by a ProxyKey with the given trusted
// networks behind a pretend reverse proxy, which sets X-Forwarded-For to
// the address of the client it stands for, and prints how many of four
// requests each of two clients got through with a burst of 3.
func behindProxy(trusted []netip.Prefix) {
	var once sync.Once
	key := httplimit.ProxyKey{
		Trusted: trusted,
		Untrusted: func(r *http.Request) {
			once.Do(func() {
				fmt.Println("  Untrusted: X-Forwarded-For from a peer outside Trusted; every client shares the proxy's budget")
			})
		},
	}
	limiter := &httplimit.Limiter{
		Store: httplimit.Keyed(ratelimit.NewKeyed[string](1, 3)),
		Key:   key.Key,
	}
	backend := httptest.NewServer(limiter.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer backend.Close()
	target, err := url.Parse(backend.URL)
	if err != nil {
		log.Fatal(err)
	}
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		// A real proxy writes the address its client connected from; this
		// one takes it from the request, to stand for many clients.
		pr.Out.Header.Set("X-Forwarded-For", pr.In.Header.Get("X-Pretend-Client"))
	}})
	defer proxy.Close()

	for _, clientIP := range []string{"198.51.100.1", "198.51.100.2"} {
		ok := 0
		for range 4 {
			req, err := http.NewRequest(http.MethodGet, proxy.URL, nil)
			if err != nil {
				log.Fatal(err)
			}
			req.Header.Set("X-Pretend-Client", clientIP)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				log.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ok++
			}
		}
		fmt.Printf("  client %s: %d of 4 requests served\n", clientIP, ok)
	}
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
