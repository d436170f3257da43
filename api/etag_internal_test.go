package api

import (
	"testing"
)

func TestIfMatchVersion(t *testing.T) {
	for in, want := range map[string]int{`"v3"`: 3, `*`: 0, ` "v12" `: 12, `"v2", "v5"`: 2} {
		if got, err := ifMatchVersion(in); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{`W/"v3"`, `"3"`, `v3`, `"v-1"`, `"vx"`} {
		if _, err := ifMatchVersion(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if _, err := ifMatchVersion(""); err == nil {
		t.Error("empty If-Match accepted")
	}
}
