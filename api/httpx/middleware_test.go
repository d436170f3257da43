package httpx

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
	h := RequestID(RecoverPanics(slog.New(slog.DiscardHandler))(boom))
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
