package api

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPanicIs500WithoutDetails runs a panicking handler behind the service's middleware.
func TestPanicIs500WithoutDetails(t *testing.T) {
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret detail from pq: relation users does not exist")
	})
	h := requestID(recoverPanics(slog.New(slog.DiscardHandler))(boom))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/cities", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("panic: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if body := rec.Body.String(); strings.Contains(body, "secret") || strings.Contains(body, "pq") {
		t.Fatalf("panic text leaked: %s", body)
	}
	if rec.Header().Get("X-Request-Id") == "" {
		t.Fatal("no request id")
	}
}

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
