package redislimit

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// howToStart tells a developer how to run the tests that need a server.
const howToStart = "start one with: redis-server --port 6390 --save '' --appendonly no --daemonize yes; " +
	"then REDIS_ADDR=127.0.0.1:6390 go test ./..."

// needServer skips t when no server is at hand, or fails it under CI=true,
// where the tests must not pass by skipping.
func needServer(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s under CI=true; %s", why, howToStart)
	}
	t.Skipf("%s: skipping; %s", why, howToStart)
}

// newClient returns a client for the server at REDIS_ADDR, closed with the
// test.
func newClient(t *testing.T) *redis.Client {
	t.Helper()
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		needServer(t, "REDIS_ADDR is not set")
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("REDIS_ADDR=%s: %v", addr, err)
	}
	return c
}

// testKey returns a key that no other test, and no earlier run, uses.
func testKey(t *testing.T) string {
	return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
}

// A server is a redis-server process of the test's own, on a free loopback
// port, for tests that kill it or read its statistics.
type server struct {
	t    *testing.T
	addr string
	cmd  *exec.Cmd
}

// startServer starts a server that stops with the test. It needs
// redis-server on the PATH and REDIS_ADDR set, as a sign that a server is
// meant to be at hand.
func startServer(t *testing.T) *server {
	t.Helper()
	if os.Getenv("REDIS_ADDR") == "" {
		needServer(t, "REDIS_ADDR is not set")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		needServer(t, "redis-server is not on the PATH")
	}
	s := &server{t: t, addr: deadAddr(t)}
	s.start()
	t.Cleanup(s.kill)
	return s
}

// start runs the server and waits until it answers PING.
func (s *server) start() {
	s.t.Helper()
	_, port, _ := net.SplitHostPort(s.addr)
	s.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--loglevel", "warning")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("starting redis-server: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer c.Close()
	for deadline := time.Now().Add(5 * time.Second); c.Ping(context.Background()).Err() != nil; {
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on %s did not answer PING within 5s", s.addr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// kill stops the server at once, as a crash would.
func (s *server) kill() {
	if s.cmd != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// scriptCalls returns how many EVALSHA and EVAL calls the server at c has
// run, from INFO commandstats.
func scriptCalls(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatalf("INFO commandstats: %v", err)
	}
	var n int64
	for line := range strings.Lines(info) {
		for _, name := range []string{"cmdstat_evalsha:", "cmdstat_eval:"} {
			if rest, ok := strings.CutPrefix(line, name+"calls="); ok {
				v, _, _ := strings.Cut(rest, ",")
				calls, _ := strconv.ParseInt(v, 10, 64)
				n += calls
			}
		}
	}
	return n
}

// serverTime returns the server's clock.
func serverTime(t *testing.T, c *redis.Client) time.Time {
	t.Helper()
	now, err := c.Time(context.Background()).Result()
	if err != nil {
		t.Fatalf("TIME: %v", err)
	}
	return now
}
