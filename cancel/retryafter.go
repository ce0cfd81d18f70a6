package cancel

import (
	"math"
	"strings"
	"time"
)

// RetryAfter returns an error that makes [Retry] wait d before its next
// attempt instead of the delay its [Backoff] would draw: the delay a server
// asked for, as an HTTP server does with a 429 or 503 response and a
// Retry-After header, whose value [ParseRetryAfter] turns into d. Its text
// is err's, and errors.Is and errors.As see err through it. RetryAfter(nil, d) is nil, and a d < 0 counts as 0 (retry at
// once), as a Retry-After date already past does.
//
// Retry waits exactly d: Backoff.Max does not cap it, since retrying earlier
// than the server said would only be refused again, and no jitter is
// applied, since the server has already chosen when each client comes back.
// A wait that would end at or after ctx's deadline is not started: Retry
// returns at once (see Retry). The wait still counts as a step of the
// backoff, so the waits after it grow as they would have.
//
// When an error wraps several RetryAfter errors, the outermost one counts;
// a [Permanent] error anywhere in it makes Retry stop instead.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err: err, delay: max(d, 0)}
}

// A retryAfterError carries the delay before the next attempt.
type retryAfterError struct {
	err   error
	delay time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// Layouts of an HTTP-date (RFC 9110, section 5.6.7), in time.Parse's
// notation: the preferred IMF-fixdate, and the two obsolete forms that a
// recipient must still accept. They are written out here, rather than
// taken from net/http, so that the package does not link net/http.
const (
	imfFixdate  = "Mon, 02 Jan 2006 15:04:05 GMT"
	rfc850Date  = "Monday, 02-Jan-06 15:04:05 GMT"
	asctimeDate = "Mon Jan _2 15:04:05 2006"
)

// maxDelay is the longest delay ParseRetryAfter returns: the longest
// time.Duration, about 292 years.
const maxDelay = time.Duration(math.MaxInt64)

// ParseRetryAfter parses the value of a Retry-After header field (RFC 9110,
// section 10.2.3) and returns the delay it asks for, counted from now, and
// whether value was valid. Its result is meant for [RetryAfter]:
//
//	if d, ok := cancel.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
//		return cancel.RetryAfter(err, d)
//	}
//
// The value is either delay-seconds, a non-negative decimal integer of
// seconds ("120"), or an HTTP-date, in the preferred IMF-fixdate form
// ("Sun, 06 Nov 1994 08:49:37 GMT") or one of the obsolete forms that
// RFC 9110 still requires a recipient to accept, RFC 850's ("Sunday,
// 06-Nov-94 08:49:37 GMT") and C's asctime ("Sun Nov  6 08:49:37 1994"),
// all in GMT. A two-digit RFC 850 year is read in the century that puts
// the date within 50 years of now, as RFC 9110 asks. Whitespace around
// value is ignored; anything else, such as a sign, a fraction, an empty
// value or another date layout, makes value invalid: (0, false).
//
// A date is turned into the time from now until then, 0 for a date that is
// not in the future: the server's clock and the caller's may differ by
// that much. A delay beyond the longest time.Duration (about 292 years)
// is cut to it, as [Retry] will not start a wait that ends after its
// context's deadline anyway.
//
// ParseRetryAfter lives here, and works on the header's text rather than
// on an *http.Response, so that a program that uses this package without
// HTTP does not link net/http.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.Trim(value, " \t")
	if value == "" {
		return 0, false
	}
	if d, ok := parseSeconds(value); ok {
		return d, true
	}
	t, ok := parseHTTPDate(value, now)
	if !ok {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// parseSeconds parses delay-seconds: one or more decimal digits, saturating
// at maxDelay.
func parseSeconds(value string) (time.Duration, bool) {
	var secs int64
	for _, c := range []byte(value) {
		if c < '0' || c > '9' {
			return 0, false
		}
		if secs > int64(maxDelay/time.Second) {
			continue // saturated; the rest must still be digits
		}
		secs = secs*10 + int64(c-'0')
	}
	if secs > int64(maxDelay/time.Second) {
		return maxDelay, true
	}
	return time.Duration(secs) * time.Second, true
}

// parseHTTPDate parses an HTTP-date in any of its three forms. An RFC 850
// date's two-digit year is moved by a century if that brings the date
// within 50 years of now: time.Parse reads 69 to 99 as 1969 to 1999 and
// 00 to 68 as 2000 to 2068, whatever the date today.
func parseHTTPDate(value string, now time.Time) (time.Time, bool) {
	if t, err := time.Parse(imfFixdate, value); err == nil {
		return t, true
	}
	if t, err := time.Parse(asctimeDate, value); err == nil {
		return t, true
	}
	t, err := time.Parse(rfc850Date, value)
	if err != nil {
		return time.Time{}, false
	}
	switch {
	case t.After(now.AddDate(50, 0, 0)):
		t = t.AddDate(-100, 0, 0)
	case t.Before(now.AddDate(-50, 0, 0)):
		t = t.AddDate(100, 0, 0)
	}
	return t, true
}
