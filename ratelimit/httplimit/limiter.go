package httplimit

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gopatterns/concurrency/ratelimit"
)

// ErrKey is reported, wrapped around the key function's own error, when
// the Limiter cannot find a key for a request.
var ErrKey = errors.New("httplimit: no key for the request")

// ErrStore is reported, wrapped around the Store's own error, when the
// Store could not decide on a request.
var ErrStore = errors.New("httplimit: store failed")

// A Limiter is the configuration of HTTP middleware that limits the rate
// of requests per key; Wrap applies it to a handler. Store is required;
// every other field is optional, and nil or false means the documented
// default.
//
// For each request the middleware, unless Skip says otherwise, finds the
// key (Key), takes the request's cost (Cost) from the Store under that key,
// and sets the rate-limit headers (Headers) on the response. An allowed
// request then goes to the wrapped handler; a refused one gets Refused's
// answer, by default 429 Too Many Requests with Retry-After. When no
// decision can be had, because the key function or the Store failed, the
// error goes to OnError and the request is served without a limit and
// without rate-limit headers, or with FailClosed answered 503 Service
// Unavailable.
//
// A Decision with Fallback set was made by a failure policy of the Store
// (redislimit's FailOpen, FailClosed or local policy), not counted in a
// bucket: the response gets no rate-limit headers, and neither Headers nor
// Refused runs. An allowed one is served; a refused one is answered 503
// Service Unavailable, as FailClosed answers a failure, with Retry-After
// from the Decision (whole seconds rounded up, at least 1; none when
// RetryAfter is negative), never with a 429 that the client would take for
// its own limit.
//
// A client that hangs up is never served. A request whose context is done
// before the decision, or when the decision comes back (the client closed
// the connection meanwhile: net/http notices it once the request has no
// body left to read), does not reach the wrapped handler, gets no
// answer (there is nobody to read it), and is not reported to OnError: a
// client that left is no failure of the Store. This holds under every
// Store and with or without FailClosed, so hanging up never buys a request
// without a limit. (A context can also end by a deadline that an outer
// middleware set, as http.TimeoutHandler does: that middleware then
// answers; without one, net/http sends an empty 200 to a client that is
// still there.) Tokens the Store took for such a request stay taken:
// giving them back would let a client that sends requests and hangs up as
// soon as they are decided probe its budget, and make the Store do work,
// without ever paying for it. A request that the Store refused costs
// nothing either way.
//
// The zero value has no Store and cannot Wrap. A Limiter is plain
// configuration and may be copied. Wrap reads the fields once: changing them
// afterwards does not change the handlers it returned. Those handlers are
// safe for concurrent use as far as the Store and the functions in the
// fields are.
type Limiter struct {
	// Store decides on every request; its Take gets the request's
	// context. Keyed adapts a ratelimit.Keyed.
	Store Store

	// Key returns the key under which a request is limited. A key error
	// never becomes a key: the request is treated as if the Store had
	// failed (the error goes to OnError, wrapped in ErrKey). If nil,
	// ClientKey: the client's IP address, IPv6 addresses grouped by /64.
	// Behind reverse proxies use a ProxyKey's Key.
	Key func(*http.Request) (string, error)

	// Cost returns the tokens a request takes; 0 lets it pass without
	// taking any (it still gets headers). A negative cost panics. If nil,
	// every request costs 1.
	Cost func(*http.Request) int

	// Skip reports whether a request bypasses the limiter entirely (health
	// checks, say): it goes to the wrapped handler without a key, a
	// decision or headers, whether or not its client is still there. If
	// nil, no request is skipped.
	Skip func(*http.Request) bool

	// Headers sets the rate-limit header fields of a decided request's
	// response before the wrapped handler or Refused writes it. If nil,
	// SetHeaders. Whatever it does, a refused request that can pass later
	// gets Retry-After (as SetHeaders sets it) unless Headers set one.
	Headers func(http.Header, ratelimit.Decision)

	// Refused writes the answer to a refused request; its headers are
	// already set. If nil, the answer is 429 Too Many Requests with the
	// plain text body "Too Many Requests".
	Refused func(http.ResponseWriter, *http.Request, ratelimit.Decision)

	// FailClosed makes a request that the Limiter cannot decide on (its
	// key or the Store failed) get 503 Service Unavailable. By default such
	// a request is served without a limit: an outage of a remote Store
	// then does not take the site down with it. A Store's own fail-closed
	// policy (redislimit's FailClosed, whose refusals have
	// Decision.Fallback set) gets the same 503, with Retry-After.
	FailClosed bool

	// OnError hears of every request the Limiter could not decide on, with
	// an error wrapping ErrKey or ErrStore, and of every request refused
	// because its tokens can never come (its cost exceeds the burst, or
	// the rate is 0), with an error wrapping ratelimit.ErrNeverAllowed: a
	// misconfiguration that no client can wait out. It is called before
	// the answer is written. It does not hear of requests whose client
	// left before the decision (see Limiter).
	//
	// If nil, the errors are logged with the log package's standard
	// logger, as httputil.ReverseProxy logs its own, but at most one line
	// per second for each handler that Wrap returned, so that an outage of
	// the Store does not write a line per request: the first error after a
	// second without a line is logged at once, and the next line logged
	// says how many errors were left out before it.
	OnError func(*http.Request, error)
}

// Wrap returns a handler that limits the requests to next as l configures.
// Wrap panics if l.Store or next is nil.
func (l *Limiter) Wrap(next http.Handler) http.Handler {
	if l.Store == nil {
		panic("httplimit: nil Store")
	}
	if next == nil {
		panic("httplimit: nil handler")
	}
	h := &handler{l: *l, next: next}
	if h.l.Key == nil {
		h.l.Key = ClientKey
	}
	if h.l.Headers == nil {
		h.l.Headers = SetHeaders
	}
	if h.l.Refused == nil {
		h.l.Refused = refuse
	}
	if h.l.OnError == nil {
		h.l.OnError = new(throttledLog).log
	}
	return h
}

// handler is the middleware that Wrap returns: a copy of the Limiter's
// fields, defaults filled in.
type handler struct {
	l    Limiter
	next http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.l.Skip != nil && h.l.Skip(r) {
		h.next.ServeHTTP(w, r)
		return
	}
	if r.Context().Err() != nil {
		return // the client left: nobody to serve or to answer
	}
	key, err := h.l.Key(r)
	if err != nil {
		h.undecided(w, r, fmt.Errorf("%w: %w", ErrKey, err))
		return
	}
	n := 1
	if h.l.Cost != nil {
		if n = h.l.Cost(r); n < 0 {
			panic(fmt.Sprintf("httplimit: Cost returned %d, a negative cost", n))
		}
	}
	d, err := h.l.Store.Take(r.Context(), key, n)
	switch {
	case r.Context().Err() != nil:
		return // the client left while the Store decided; whatever it said
	case err != nil:
		h.undecided(w, r, fmt.Errorf("%w: key %q: %w", ErrStore, key, err))
	case d.Fallback:
		h.fallback(w, r, d)
	default:
		h.decided(w, r, key, n, d)
	}
}

// decided answers a request that the Store decided on.
func (h *handler) decided(w http.ResponseWriter, r *http.Request, key string, n int, d ratelimit.Decision) {
	h.l.Headers(w.Header(), d)
	if d.Allowed {
		h.next.ServeHTTP(w, r)
		return
	}
	if d.RetryAfter >= 0 && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.FormatInt(retryAfterSeconds(d.RetryAfter), 10))
	}
	if d.RetryAfter < 0 {
		h.l.OnError(r, fmt.Errorf("httplimit: key %q: cost %d, burst %d, rate %v: %w",
			key, n, d.Burst, d.Limit, ratelimit.ErrNeverAllowed))
	}
	h.l.Refused(w, r, d)
}

// fallback answers a request that a failure policy of the Store decided
// on: no rate-limit headers, and 503 for a refusal.
func (h *handler) fallback(w http.ResponseWriter, r *http.Request, d ratelimit.Decision) {
	if d.Allowed {
		h.next.ServeHTTP(w, r)
		return
	}
	if d.RetryAfter >= 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(retryAfterSeconds(d.RetryAfter), 10))
	}
	http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
}

// undecided answers a request on which no decision could be had.
func (h *handler) undecided(w http.ResponseWriter, r *http.Request, err error) {
	h.l.OnError(r, err)
	if h.l.FailClosed {
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	h.next.ServeHTTP(w, r)
}

// refuse is the default answer to a refused request.
func refuse(w http.ResponseWriter, _ *http.Request, _ ratelimit.Decision) {
	http.Error(w, http.StatusText(http.StatusTooManyRequests), http.StatusTooManyRequests)
}
