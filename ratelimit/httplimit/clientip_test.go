package httplimit

import (
	"net/http/httptest"
	"testing"
)

func TestClientIP(t *testing.T) {
	tests := []struct {
		remote, ip, key string // ip "" : an error
	}{
		{"192.0.2.1:4711", "192.0.2.1", "192.0.2.1"},
		{"192.0.2.1", "192.0.2.1", "192.0.2.1"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.1]:80", "192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1", "192.0.2.1"},
		{"[fe80::1%eth0]:80", "fe80::1", "fe80::/64"},
		{"fe80::1%eth0", "fe80::1", "fe80::/64"},
		{"[::1]:80", "::1", "::/64"},
		{"", "", ""},
		{"@", "", ""},
		{"/run/app.sock", "", ""},
		{"example.com:80", "", ""},
		{"192.0.2.1:port", "", ""},
		{"[192.0.2.1]", "", ""},
		{"192.0.2.256:80", "", ""},
		{"192.0.2.01:80", "", ""}, // netip refuses leading zeros, so ClientKey may reuse the text
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		ip, err := ClientIP(r)
		if ip != tt.ip || (err != nil) != (tt.ip == "") {
			t.Errorf("ClientIP(RemoteAddr %q) = %q, %v; want %q", tt.remote, ip, err, tt.ip)
		}
		key, err := ClientKey(r)
		if key != tt.key || (err != nil) != (tt.key == "") {
			t.Errorf("ClientKey(RemoteAddr %q) = %q, %v; want %q", tt.remote, key, err, tt.key)
		}
	}
}

// Two addresses of one /64 share a key; the next /64 has its own.
func TestClientKeyGroups(t *testing.T) {
	key := func(remote string) string {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		k, err := ClientKey(r)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	a, b, c := key("[2001:db8::1]:1"), key("[2001:db8::ffff:ffff:ffff:ffff]:2"), key("[2001:db8:0:1::1]:1")
	if a != b || a == c {
		t.Errorf("keys %q, %q, %q: want the first two equal, the third different", a, b, c)
	}
}
