package cancel

import (
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// now is the time the ParseRetryAfter tests count from: Sunday, 6 November
// 1994, 08:49:37.5 GMT, half a second past the dates of RFC 9110's examples.
var parseNow = time.Date(1994, time.November, 6, 8, 49, 37, 5e8, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	const maxDur = time.Duration(1<<63 - 1)
	for _, tc := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		// delay-seconds
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"007", 7 * time.Second, true},
		{" 5\t", 5 * time.Second, true}, // whitespace around the value
		{"9223372036", 9223372036 * time.Second, true},
		{"9223372037", maxDur, true}, // beyond a Duration: cut to the longest
		{"99999999999999999999999999", maxDur, true},
		{"-5", 0, false},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"5s", 0, false},
		{"1 2", 0, false},
		{"99999999999999999999x", 0, false},
		{"", 0, false},
		{" ", 0, false},
		{"soon", 0, false},
		// IMF-fixdate
		{"Sun, 06 Nov 1994 08:49:37 GMT", 0, true}, // half a second ago
		{"Sun, 06 Nov 1994 08:49:38 GMT", 500 * time.Millisecond, true},
		{"Sun, 06 Nov 1994 08:51:38 GMT", 2*time.Minute + 500*time.Millisecond, true},
		{"Sat, 05 Nov 1994 08:49:37 GMT", 0, true}, // a day ago
		{"Fri, 31 Dec 9999 23:59:59 GMT", maxDur, true},
		{"Sun, 06 Nov 1994 08:49:38 UTC", 0, false}, // HTTP dates are in GMT
		{"Sun, 06 Nov 1994 08:49:38 +0000", 0, false},
		{"Sun, 6 Nov 1994 08:49:38 GMT", 0, false},
		{"Sun, 06 Nov 94 08:49:38 GMT", 0, false},
		{"Sun, 32 Nov 1994 08:49:38 GMT", 0, false},
		{"sun, 06 nov 1994 08:49:38 gmt", 0, false},
		{"Sun, 06 Nov 1994 08:49:38 GMT junk", 0, false},
		{"1994-11-06T08:49:38Z", 0, false},
		// RFC 850, obsolete
		{"Sunday, 06-Nov-94 08:49:38 GMT", 500 * time.Millisecond, true},
		{"Sunday, 06-Nov-94 08:49:37 GMT", 0, true},
		{"Sunday, 06-Nov-1994 08:49:38 GMT", 0, false},
		{"Sun, 06-Nov-94 08:49:38 GMT", 0, false},
		// asctime, obsolete
		{"Sun Nov  6 08:49:38 1994", 500 * time.Millisecond, true},
		{"Sun Nov 6 08:49:38 1994", 500 * time.Millisecond, true},
		{"Wed Nov 16 08:49:37 1994", 10*24*time.Hour - 500*time.Millisecond, true},
		{"Sun Nov  6 08:49:36 1994", 0, true},
		{"Sun Nov  6 08:49:38 1994 GMT", 0, false},
	} {
		got, ok := ParseRetryAfter(tc.value, parseNow)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v, want %v, %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

// TestParseRetryAfterTwoDigitYear checks that an RFC 850 date's two-digit
// year is read in the century that puts the date within 50 years of now:
// never more than 50 years ahead (RFC 9110 requires it), nor more than 50
// years back.
func TestParseRetryAfterTwoDigitYear(t *testing.T) {
	for _, tc := range []struct {
		now   int // year
		value string
		want  int // year of the date read
	}{
		{2026, "Thursday, 01-Jan-26 00:00:00 GMT", 2026},
		{2026, "Sunday, 01-Jan-68 00:00:00 GMT", 2068},
		{2026, "Tuesday, 01-Jan-75 00:00:00 GMT", 2075},
		{2026, "Sunday, 01-Jan-77 00:00:00 GMT", 1977}, // 2077 is 51 years ahead
		{2026, "Thursday, 01-Jan-70 00:00:00 GMT", 2070},
		{2080, "Friday, 01-Jan-16 00:00:00 GMT", 2116},
		{2080, "Saturday, 01-Jan-50 00:00:00 GMT", 2050},
		{2080, "Sunday, 01-Jan-29 00:00:00 GMT", 2129}, // 2029 is 51 years back
		{1994, "Monday, 01-Jan-40 00:00:00 GMT", 2040},
		{1994, "Friday, 01-Jan-50 00:00:00 GMT", 1950},
	} {
		now := time.Date(tc.now, time.January, 1, 0, 0, 0, 0, time.UTC)
		got, ok := parseHTTPDate(tc.value, now)
		if !ok || got.Year() != tc.want {
			t.Errorf("in %d: parseHTTPDate(%q) = %v, %v, want year %d", tc.now, tc.value, got, ok, tc.want)
		}
	}
}

// FuzzParseRetryAfter checks ParseRetryAfter against strconv for
// delay-seconds and against net/http's date parser, which accepts a
// superset of the HTTP-date forms (RFC 850 dates in any zone), and that a
// delay is never negative.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{
		"0", "120", "-1", "99999999999999999999", "1e3", "",
		"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Mon, 07 Nov 1994 08:49:37 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		d, ok := ParseRetryAfter(value, parseNow)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("ParseRetryAfter(%q) = %v, %v", value, d, ok)
		}
		trimmed := strings.Trim(value, " \t")
		if trimmed != "" && strings.Trim(trimmed, "0123456789") == "" {
			if !ok {
				t.Fatalf("ParseRetryAfter(%q) = %v, %v, want a delay", value, d, ok)
			}
			if n, err := strconv.ParseInt(trimmed, 10, 64); err == nil && n <= 9223372036 && d != time.Duration(n)*time.Second {
				t.Fatalf("ParseRetryAfter(%q) = %v, want %ds", value, d, n)
			}
			return
		}
		at, err := http.ParseTime(trimmed)
		switch {
		case ok && err != nil:
			t.Fatalf("ParseRetryAfter(%q) = %v, true; net/http rejects it: %v", value, d, err)
		case ok && !strings.Contains(trimmed, "-") && d != max(at.Sub(parseNow), 0):
			t.Fatalf("ParseRetryAfter(%q) = %v, net/http reads %v", value, d, at)
		case !ok && err == nil && !strings.Contains(trimmed, "-"):
			t.Fatalf("ParseRetryAfter(%q) = false, net/http reads %v", value, at)
		}
	})
}

// TestNoNetHTTP checks that the package, ParseRetryAfter included, does not
// link net/http: a program without HTTP that uses it stays small.
func TestNoNetHTTP(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(gocmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	if deps := strings.Fields(string(out)); slices.Contains(deps, "net/http") || !slices.Contains(deps, "time") {
		t.Errorf("the package's dependencies include net/http, or go list misread them:\n%s", out)
	}
}
