package httplimit

import (
	"net/http"

	"github.com/gopatterns/concurrency/pool/limit"
)

// A Shedder is the configuration of HTTP middleware that sheds load: it
// serves at most as many requests at once as its adaptive limit allows and
// answers the rest at once with 503 Service Unavailable, so that the
// requests it serves stay fast while a server or its dependency is
// overloaded. Wrap applies it to a handler. Limit is required; the other
// fields are optional, and nil means the documented default.
//
// For each request the middleware, unless Skip says otherwise, takes a
// permit with Limit.TryAcquire, never waiting: a request over the limit
// gets Refused's answer. A request with a permit goes to the wrapped
// handler, and when the handler returns the permit is released:
//   - with Ignore if the request's context is done by then (the client went
//     away, so the time taken says nothing about the server);
//   - with Drop if the handler answered 503 Service Unavailable itself (it
//     is overloaded too: the limit shrinks at once);
//   - with Done otherwise (the time the handler took is a latency sample).
//
// If the handler panics, or calls runtime.Goexit, the permit is released
// with Ignore and the panic goes on up with the same value, as net/http
// expects (http.ErrAbortHandler included).
//
// A request whose context is already done when it arrives (the client hung
// up while it waited in a queue or another middleware) is not served: the
// wrapped handler is not called and nothing is written, so that a client
// that leaves never buys a request the limit did not count.
//
// The handler sees a ResponseWriter that records the status it writes.
// That writer has Flush and ReadFrom, and its Unwrap returns the server's
// ResponseWriter, so http.NewResponseController reaches everything the
// server's writer supports (Hijack, deadlines, full duplex).
//
// The zero value has no Limit and cannot Wrap. A Shedder is plain
// configuration and may be copied. Wrap reads the fields once: changing them
// afterwards does not change the handlers it returned. Those handlers are
// safe for concurrent use as far as the functions in the fields are; many
// handlers may share one Limit (they then share one limit).
type Shedder struct {
	// Limit is the adaptive concurrency limit the requests share.
	Limit *limit.Adaptive

	// Skip reports whether a request bypasses the Shedder entirely (health
	// checks, say): it goes to the wrapped handler without a permit. If
	// nil, no request is skipped.
	Skip func(*http.Request) bool

	// Refused writes the answer to a request over the limit. If nil, the
	// answer is 503 Service Unavailable with Retry-After: 1 and the plain
	// text body "Service Unavailable".
	Refused func(http.ResponseWriter, *http.Request)
}

// Wrap returns a handler that sheds the requests to next over s.Limit.
// Wrap panics if s.Limit or next is nil.
func (s *Shedder) Wrap(next http.Handler) http.Handler {
	if s.Limit == nil {
		panic("httplimit: nil Limit")
	}
	if next == nil {
		panic("httplimit: nil handler")
	}
	h := &shedHandler{s: *s, next: next}
	if h.s.Refused == nil {
		h.s.Refused = shed
	}
	return h
}

// shedHandler is the middleware that Shedder.Wrap returns: a copy of the
// Shedder's fields, defaults filled in.
type shedHandler struct {
	s    Shedder
	next http.Handler
}

func (h *shedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.s.Skip != nil && h.s.Skip(r) {
		h.next.ServeHTTP(w, r)
		return
	}
	if r.Context().Err() != nil {
		return
	}
	p, ok := h.s.Limit.TryAcquire()
	if !ok {
		h.s.Refused(w, r)
		return
	}
	sw := &shedWriter{ResponseWriter: w}
	returned := false
	defer func() {
		// Not recovering lets a panic go on up unchanged, with its own
		// stack, after the permit is free; runtime.Goexit passes here too.
		if !returned {
			releasePermit(p, endIgnore)
		}
	}()
	h.next.ServeHTTP(sw, r)
	returned = true
	switch {
	case r.Context().Err() != nil:
		releasePermit(p, endIgnore)
	case sw.status == http.StatusServiceUnavailable:
		releasePermit(p, endDrop)
	default:
		releasePermit(p, endDone)
	}
}

// A permitEnd says how a request's permit is released.
type permitEnd int

const (
	endDone permitEnd = iota
	endDrop
	endIgnore
)

// releasePermit releases p as e says; tests wrap it to see how each
// request ends.
var releasePermit = func(p limit.Permit, e permitEnd) {
	switch e {
	case endDone:
		p.Done()
	case endDrop:
		p.Drop()
	default:
		p.Ignore()
	}
}

// shed is the default answer to a request over the limit.
func shed(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
}
