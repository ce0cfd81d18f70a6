package httplimit

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopatterns/concurrency/internal/conctest"
	"github.com/gopatterns/concurrency/pool/limit"
)

// fixedLimit returns an Adaptive whose limit is n and stays n.
func fixedLimit(n int) *limit.Adaptive {
	a := new(limit.Adaptive)
	a.SetBounds(n, n)
	return a
}

// watchEnds records how every permit the Shedder releases ends, for the
// rest of the test.
func watchEnds(t *testing.T) *ends {
	e := &ends{}
	orig := releasePermit
	releasePermit = func(p limit.Permit, how permitEnd) {
		e.mu.Lock()
		e.got = append(e.got, how)
		e.mu.Unlock()
		orig(p, how)
	}
	t.Cleanup(func() { releasePermit = orig })
	return e
}

type ends struct {
	mu  sync.Mutex
	got []permitEnd
}

func (e *ends) list() []permitEnd {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]permitEnd(nil), e.got...)
}

func (e *ends) want(t *testing.T, want ...permitEnd) {
	t.Helper()
	names := []string{endDone: "Done", endDrop: "Drop", endIgnore: "Ignore"}
	got := e.list()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i] == want[i]
	}
	if !ok {
		var g, w []string
		for _, x := range got {
			g = append(g, names[x])
		}
		for _, x := range want {
			w = append(w, names[x])
		}
		t.Errorf("permits released with %v, want %v", g, w)
	}
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestShedderEnds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		code    int
		want    permitEnd
	}{
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 200, endDone},
		{"body", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }, 200, endDone},
		{"500", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }, 500, endDone},
		{"503", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }, 503, endDrop},
		{"103 then 503", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(503)
		}, 0, endDrop}, // the recorder keeps the 103 as its Code
		{"100 then 503", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusContinue)
			w.WriteHeader(503)
		}, 0, endDrop},
		{"199 then 503", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(199) // the last informational code
			w.WriteHeader(503)
		}, 0, endDrop},
		{"body then 503", func(w http.ResponseWriter, _ *http.Request) {
			io.WriteString(w, "ok")
			w.WriteHeader(503) // superfluous: the answer was 200
		}, 200, endDone},
		{"copy then 503", func(w http.ResponseWriter, _ *http.Request) {
			io.Copy(w, struct{ io.Reader }{strings.NewReader("ok")}) // no WriterTo: ReadFrom copies
			w.WriteHeader(503)
		}, 200, endDone},
		{"flush then 503", func(w http.ResponseWriter, _ *http.Request) {
			w.(http.Flusher).Flush()
			w.WriteHeader(503)
		}, 200, endDone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := watchEnds(t)
			a := fixedLimit(1)
			h := (&Shedder{Limit: a}).Wrap(tc.handler)
			if rec := serve(h, httptest.NewRequest("GET", "/", nil)); tc.code != 0 && rec.Code != tc.code {
				t.Errorf("code %d, want %d", rec.Code, tc.code)
			}
			e.want(t, tc.want)
			if s := a.Stats(); s.InFlight != 0 || s.Acquired != 1 {
				t.Errorf("Stats() = %+v, want 1 acquired, none in flight", s)
			}
		})
	}
}

func TestShedderDropShrinks(t *testing.T) {
	a := new(limit.Adaptive)
	before := a.Limit()
	h := (&Shedder{Limit: a}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(503)
	}))
	serve(h, httptest.NewRequest("GET", "/", nil))
	if s := a.Stats(); s.Dropped != 1 || s.Limit >= before {
		t.Errorf("after a 503: Stats() = %+v, want 1 dropped and a limit under %d", s, before)
	}
}

func TestShedderRefuses(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	var second *httptest.ResponseRecorder
	var h http.Handler
	h = (&Shedder{Limit: a}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if second == nil { // the first request makes a second while it holds the only permit
			second = serve(h, httptest.NewRequest("GET", "/", nil))
		}
	}))
	serve(h, httptest.NewRequest("GET", "/", nil))
	if second.Code != 503 || second.Header().Get("Retry-After") != "1" || second.Body.String() != "Service Unavailable\n" {
		t.Errorf("refused: %d, Retry-After %q, body %q; want 503, 1, Service Unavailable",
			second.Code, second.Header().Get("Retry-After"), second.Body.String())
	}
	e.want(t, endDone) // the refused request had no permit
	if s := a.Stats(); s.Rejected != 1 || s.Acquired != 1 {
		t.Errorf("Stats() = %+v, want 1 acquired, 1 rejected", s)
	}
}

func TestShedderRefusedHook(t *testing.T) {
	a := fixedLimit(1)
	p, _ := a.TryAcquire()
	defer p.Ignore()
	s := &Shedder{Limit: a, Refused: func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(429)
	}}
	h := s.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("next called over the limit") }))
	s.Refused = nil // Wrap copied the fields
	if rec := serve(h, httptest.NewRequest("GET", "/", nil)); rec.Code != 429 || rec.Header().Get("Retry-After") != "" {
		t.Errorf("refused: %d, Retry-After %q; want Refused's 429 alone", rec.Code, rec.Header().Get("Retry-After"))
	}
}

func TestShedderSkip(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	p, _ := a.TryAcquire() // the limit is full
	defer p.Ignore()
	served := 0
	h := (&Shedder{Limit: a, Skip: func(r *http.Request) bool { return r.URL.Path == "/healthz" }}).Wrap(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }))
	if rec := serve(h, httptest.NewRequest("GET", "/healthz", nil)); rec.Code != 200 || served != 1 {
		t.Errorf("skipped request: %d, served %d; want 200, 1", rec.Code, served)
	}
	if rec := serve(h, httptest.NewRequest("GET", "/", nil)); rec.Code != 503 || served != 1 {
		t.Errorf("other request over the limit: %d, served %d; want 503, 1", rec.Code, served)
	}
	e.want(t)
	if s := a.Stats(); s.Acquired != 1 || s.InFlight != 1 {
		t.Errorf("Stats() = %+v, want only the test's own permit", s)
	}
}

// failWriter fails the test on any use but Header.
type failWriter struct {
	t *testing.T
	h http.Header
}

func (w *failWriter) Header() http.Header { return w.h }
func (w *failWriter) WriteHeader(int)     { w.t.Error("WriteHeader called") }
func (w *failWriter) Write([]byte) (int, error) {
	w.t.Error("Write called")
	return 0, errors.New("no")
}

func TestShedderGoneBefore(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	for _, full := range []bool{false, true} {
		if full {
			p, _ := a.TryAcquire()
			defer p.Ignore()
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		h := (&Shedder{Limit: a}).Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("next called") }))
		w := &failWriter{t: t, h: http.Header{}}
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil).WithContext(ctx))
		if len(w.h) != 0 {
			t.Errorf("headers %v set for a client that left", w.h)
		}
	}
	e.want(t)
	if s := a.Stats(); s.Rejected != 0 || s.Acquired != 1 {
		t.Errorf("Stats() = %+v, want neither a permit nor a refusal for clients that left", s)
	}
}

func TestShedderGoneDuring(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	ctx, cancel := context.WithCancel(context.Background())
	h := (&Shedder{Limit: a}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel()
		w.WriteHeader(503) // even a 503: the client left first
	}))
	serve(h, httptest.NewRequest("GET", "/", nil).WithContext(ctx))
	e.want(t, endIgnore)
	if s := a.Stats(); s.Dropped != 0 || s.InFlight != 0 {
		t.Errorf("Stats() = %+v, want no drop, none in flight", s)
	}
}

func TestShedderPanics(t *testing.T) {
	for _, v := range []any{"boom", http.ErrAbortHandler} {
		e := watchEnds(t)
		a := fixedLimit(1)
		h := (&Shedder{Limit: a}).Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(v) }))
		got := func() (got any) {
			defer func() { got = recover() }()
			serve(h, httptest.NewRequest("GET", "/", nil))
			return nil
		}()
		if got != v {
			t.Errorf("panic(%v) came up as %v", v, got)
		}
		e.want(t, endIgnore)
		if s := a.Stats(); s.InFlight != 0 {
			t.Errorf("after panic(%v): Stats() = %+v, want none in flight", v, s)
		}
	}
}

func TestShedderGoexit(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	h := (&Shedder{Limit: a}).Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { runtime.Goexit() }))
	done := make(chan struct{})
	go func() {
		defer close(done)
		serve(h, httptest.NewRequest("GET", "/", nil))
	}()
	<-done
	e.want(t, endIgnore)
}

func TestShedderMisuse(t *testing.T) {
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	conctest.Panics(t, "httplimit: nil Limit", func() { (&Shedder{}).Wrap(ok) })
	conctest.Panics(t, "httplimit: nil handler", func() { (&Shedder{Limit: new(limit.Adaptive)}).Wrap(nil) })
}

// The tests below run a real server on the loopback interface; each waits
// for events, never for time, and gives a stuck step a minute.

func newShedServer(t *testing.T, a *limit.Adaptive, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	shed := (&Shedder{Limit: a}).Wrap(h)
	var running sync.WaitGroup // the middleware, which outlives hijacked connections
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		running.Add(1)
		defer running.Done()
		shed.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.Close()
		running.Wait()
	})
	return srv
}

func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("no %s after a minute", what)
	}
}

func TestShedderServer(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	in, out := make(chan struct{}), make(chan struct{})
	srv := newShedServer(t, a, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			in <- struct{}{}
			<-out
		}
		io.WriteString(w, "ok")
	})
	first := make(chan error, 1)
	go func() {
		resp, err := http.Get(srv.URL + "/slow")
		if err == nil {
			if resp.StatusCode != 200 {
				err = errors.New(resp.Status)
			}
			resp.Body.Close()
		}
		first <- err
	}()
	wait(t, in, "first request in the handler")
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" || string(body) != "Service Unavailable\n" {
		t.Errorf("second request: %s, Retry-After %q, %q; want 503, 1", resp.Status, resp.Header.Get("Retry-After"), body)
	}
	close(out)
	if err := <-first; err != nil {
		t.Errorf("first request: %v", err)
	}
	resp, err = http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("third request, the first done: %s, want 200", resp.Status)
	}
	e.want(t, endDone, endDone)
}

func TestShedderServerClientLeaves(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	in, left := make(chan struct{}), make(chan struct{})
	srv := newShedServer(t, a, func(w http.ResponseWriter, r *http.Request) {
		close(in)
		<-r.Context().Done()
		w.WriteHeader(503)
		close(left)
	})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	wait(t, in, "request in the handler")
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("client: %v, want context.Canceled", err)
	}
	wait(t, left, "handler return")
	srv.Close() // waits for the handler's middleware to finish
	e.want(t, endIgnore)
	if s := a.Stats(); s.Dropped != 0 || s.InFlight != 0 {
		t.Errorf("Stats() = %+v, want no drop, none in flight", s)
	}
}

func TestShedderServerPanic(t *testing.T) {
	e := watchEnds(t)
	a := fixedLimit(1)
	srv := httptest.NewUnstartedServer((&Shedder{Limit: a}).Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	})))
	srv.Start()
	defer srv.Close()
	if resp, err := http.Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Errorf("got %s from a handler that aborted", resp.Status)
	}
	srv.Close()
	e.want(t, endIgnore)
	if s := a.Stats(); s.InFlight != 0 {
		t.Errorf("Stats() = %+v, want none in flight", s)
	}
}

// TestShedderServerController checks that a handler behind the Shedder
// reaches the server's writer: Flush as http.Flusher, ReadFrom, and
// deadlines and Hijack through http.NewResponseController.
func TestShedderServerController(t *testing.T) {
	watchEnds(t)
	a := fixedLimit(1)
	srv := newShedServer(t, a, func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(io.ReaderFrom); !ok {
			t.Error("the handler's writer is no io.ReaderFrom: io.Copy loses the server's sendfile")
		}
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			t.Errorf("SetWriteDeadline: %v", err)
		}
		if r.URL.Path == "/flush" {
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			if err := rc.Flush(); err != nil {
				t.Errorf("ResponseController.Flush: %v", err)
			}
			return
		}
		conn, buf, err := rc.Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nhijacked")
		buf.Flush()
	})
	for path, want := range map[string]string{"/flush": "a", "/hijack": "hijacked"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(bufio.NewReader(resp.Body))
		resp.Body.Close()
		if string(body) != want {
			t.Errorf("%s: body %q, want %q", path, body, want)
		}
	}
}
