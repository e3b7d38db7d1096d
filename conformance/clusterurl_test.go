package conformance

import (
	"strings"
	"testing"
)

func TestParseClusterURL(t *testing.T) {
	for _, tc := range []struct {
		url, user, password, addrs string
		tls                        bool
	}{
		{"redis+cluster://127.0.0.1:1,127.0.0.1:2", "", "", "127.0.0.1:1 127.0.0.1:2", false},
		{"redis+cluster://:pw@h:1,h:2/0", "", "pw", "h:1 h:2", false},
		{"redis+cluster://u:a,b/c\"d@e@h:1,h:2", "u", "a,b/c\"d@e", "h:1 h:2", false},
		{"redis+cluster://u:p%2Cw%25@h:1?x=y", "u", "p,w%", "h:1", false},
		{"rediss+cluster://u@h:1", "u", "", "h:1", true},
	} {
		opt, err := ParseClusterURL(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if opt.Username != tc.user || opt.Password != tc.password || strings.Join(opt.Addrs, " ") != tc.addrs || (opt.TLSConfig != nil) != tc.tls {
			t.Errorf("%s: %q %q %q tls %v", tc.url, opt.Username, opt.Password, opt.Addrs, opt.TLSConfig != nil)
		}
	}
	for _, bad := range []string{"redis://h:1", "redis+cluster://:SECRET%zz@h:1", "redis+cluster://:SECRET@h", "redis+cluster://:SECRET@h:1,,h:2", "redis+cluster://:SECRET@"} {
		_, err := ParseClusterURL(bad)
		if err == nil || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}
