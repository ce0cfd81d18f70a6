package httplimit

import (
	"bytes"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
)

// captureLog sends the standard logger's output to a buffer, without
// flags, until the test ends.
func captureLog(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	log.SetFlags(0)
	t.Cleanup(func() { log.SetOutput(out); log.SetFlags(flags) })
	return &buf
}

// TestDefaultOnErrorThrottled: during an outage of 5s at 20 requests a
// second the default OnError writes one line a second, each after the
// first counting the failures left out; after a quiet second the next
// failure is logged at once; and each handler that Wrap returned counts
// on its own.
func TestDefaultOnErrorThrottled(t *testing.T) {
	buf := captureLog(t)
	conctest.Bubble(t, func(t *testing.T) {
		l := &Limiter{Store: answer(allowed, errors.New("redis down"), nil, nil)}
		h, other := l.Wrap(&served{}), l.Wrap(&served{})
		send := func(h http.Handler) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "192.0.2.1:1"
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
		lines := func() []string { return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") }
		for range 100 {
			send(h)
			time.Sleep(50 * time.Millisecond)
		}
		got := lines()
		if len(got) != 5 {
			t.Fatalf("%d lines in a 5s outage at 20/s, want 5:\n%s", len(got), buf)
		}
		if strings.Contains(got[0], "not logged") || !strings.Contains(got[0], "redis down") {
			t.Errorf("first line %q, want the error and no count", got[0])
		}
		for _, line := range got[1:] {
			if !strings.Contains(line, "redis down") || !strings.Contains(line, "; 19 more errors since the last line, not logged") {
				t.Errorf("line %q, want the error and 19 left out", line)
			}
		}
		send(other) // a handler of its own
		if n := len(lines()); n != 6 {
			t.Errorf("%d lines after another handler's first failure, want 6", n)
		}
		time.Sleep(1500 * time.Millisecond) // quiet: 19 left out stay counted
		send(h)
		if last := lines()[len(lines())-1]; len(lines()) != 7 || !strings.Contains(last, "; 19 more errors") {
			t.Errorf("after a quiet second: %d lines, last %q; want 7, the count of the last second's failures", len(lines()), last)
		}
		send(h)
		if n := len(lines()); n != 7 {
			t.Errorf("%d lines after a second failure at once, want 7", n)
		}
	})
}
