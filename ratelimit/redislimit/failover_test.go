package redislimit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/ratelimit/httplimit"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Failover and stuck-script tests, on a redis-server of the test's own.

// demote makes the server at c a replica of a primary that does not exist,
// as a failover that went wrong leaves it, until the test ends.
func demote(t *testing.T, c *redis.Client) {
	t.Helper()
	host, port, _ := net.SplitHostPort(deadAddr(t))
	if err := c.Do(context.Background(), "REPLICAOF", host, port).Err(); err != nil {
		t.Fatalf("REPLICAOF %s %s: %v", host, port, err)
	}
	t.Cleanup(func() { c.Do(context.Background(), "REPLICAOF", "NO", "ONE") })
}

// TestServerReadOnly: on a replica every call that would take tokens fails
// with READONLY, which goes through the failure policy and starts a
// cooldown. (A refusal writes nothing, so a replica still refuses a key
// that its data says is empty.)
func TestServerReadOnly(t *testing.T) {
	s := startServer(t)
	admin := redis.NewClient(&redis.Options{Addr: s.addr})
	defer admin.Close()
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer c.Close()
	l := New(c, rate.Every(1000*time.Second), 1)
	var heard []error
	l.SetErrorHandler(func(err error) { heard = append(heard, err) })
	ctx := context.Background()
	take(t, l, "k", 1)
	demote(t, admin)

	_, err := l.Take(ctx, "fresh", 1)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "READONLY") {
		t.Fatalf("Take on a replica = %v, want ErrUnavailable for READONLY", err)
	}
	calls := scriptCalls(t, admin)
	l.SetFailurePolicy(FailClosed)
	for i := range 10 {
		if d, err := l.Take(ctx, fmt.Sprint("fresh", i), 1); d.Allowed || !d.Fallback || d.RetryAfter <= 0 || err != nil {
			t.Fatalf("FailClosed on a replica: Take = %+v, %v; want a Fallback refusal", d, err)
		}
	}
	if got := scriptCalls(t, admin) - calls; got > 1 {
		t.Errorf("%d script calls reached the replica in the cooldown, want at most 1", got)
	}
	if len(heard) != 10 || !errors.Is(heard[0], ErrUnavailable) {
		t.Errorf("handler heard %d errors (%v), want 10 wrapping ErrUnavailable", len(heard), heard)
	}

	// Behind httplimit, failing open itself: 20 requests, none served.
	served := 0
	h := (&httplimit.Limiter{Store: l, OnError: func(*http.Request, error) {}}).Wrap(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }))
	codes := map[int]int{}
	for range 20 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		codes[w.Code]++
		if w.Header().Get("RateLimit") != "" || w.Header().Get("Retry-After") == "" {
			t.Errorf("headers %v, want Retry-After and no RateLimit", w.Header())
		}
	}
	if served != 0 || codes[503] != 20 {
		t.Errorf("%d of 20 requests served, answers %v; want 0 and twenty 503", served, codes)
	}

	if err := admin.Do(ctx, "REPLICAOF", "NO", "ONE").Err(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		d, err := l.Take(ctx, "k", 1)
		if err != nil {
			t.Fatal(err)
		}
		if !d.Fallback {
			if d.Allowed {
				t.Errorf("Take after the failover = %+v, want the bucket's refusal", d)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still Fallback decisions 5s after the server became a primary again")
		}
	}
}

// TestServerBusy: while a script runs past busy-reply-threshold, calls
// fail with BUSY, which goes through the failure policy.
func TestServerBusy(t *testing.T) {
	s := startServer(t)
	admin := redis.NewClient(&redis.Options{Addr: s.addr})
	defer admin.Close()
	ctx := context.Background()
	if err := admin.ConfigSet(ctx, "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatalf("CONFIG SET busy-reply-threshold: %v", err)
	}
	defer admin.ConfigSet(ctx, "busy-reply-threshold", "5000")
	stop := loopScript(t, s.addr)
	defer stop(admin)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if err := admin.Ping(ctx).Err(); err != nil && strings.HasPrefix(err.Error(), "BUSY") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no BUSY answer within 5s of a looping script")
		}
	}

	c := redis.NewClient(&redis.Options{Addr: s.addr})
	defer c.Close()
	l := New(c, rate.Every(1000*time.Second), 1)
	_, err := l.Take(ctx, "k", 1)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "BUSY") {
		t.Fatalf("Take beside a stuck script = %v, want ErrUnavailable for BUSY", err)
	}
	l.SetFailurePolicy(FailOpen)
	if d, err := l.Take(ctx, "k", 1); !d.Allowed || !d.Fallback || err != nil {
		t.Errorf("FailOpen beside a stuck script: Take = %+v, %v; want a Fallback allowance", d, err)
	}
}

// loopScript runs a script that never ends on a connection of its own, and
// returns a function that kills it with SCRIPT KILL and waits for its
// answer.
func loopScript(t *testing.T, addr string) (stop func(*redis.Client)) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	src := "while true do end"
	fmt.Fprintf(conn, "*3\r\n$4\r\nEVAL\r\n$%d\r\n%s\r\n$1\r\n0\r\n", len(src), src)
	answered := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(conn).ReadString('\n')
		answered <- line
	}()
	return func(admin *redis.Client) {
		defer conn.Close()
		for range 100 {
			admin.ScriptKill(context.Background())
			select {
			case <-answered:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		t.Errorf("the looping script did not end within 5s of SCRIPT KILL")
		conn.Close()
		<-answered
	}
}
