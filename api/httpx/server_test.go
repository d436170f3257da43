package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRequestTimeoutAnswersForAStuckHandler: a handler that ignores its context's end (as a
// query does on a database that stopped answering) does not keep the client waiting.
func TestRequestTimeoutAnswersForAStuckHandler(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		select { // ignores r.Context(); gives up after a while so that a regression fails, not hangs
		case <-release:
		case <-time.After(3 * time.Second):
		}
		w.Write([]byte("too late")) //nolint:errcheck
	})
	h := RequestID(requestTimeout(200 * time.Millisecond)(stuck))
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/cities", nil))
	if took := time.Since(start); took > 200*time.Millisecond+DeadlineGrace+200*time.Millisecond {
		t.Fatalf("answered after %s", took)
	}
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/problem+json" ||
		rec.Header().Get("Retry-After") == "" || rec.Header().Get("X-Request-Id") == "" {
		t.Fatalf("stuck handler: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if rec.Header().Get("ETag") != "" || strings.Contains(rec.Body.String(), "too late") {
		t.Fatalf("the stuck handler's response leaked out: %v %s", rec.Header(), rec.Body)
	}
}

// TestRequestTimeoutPassesResponsesThrough: within the deadline, the handler's status, headers
// (including removals of headers set before it) and body are what the client gets, and a
// panic still reaches recoverPanics.
func TestRequestTimeoutPassesResponsesThrough(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, has := r.Context().Deadline(); !has {
			t.Error("no deadline on the request's context")
		}
		w.Header().Del("Cache-Control")
		w.Header().Set("ETag", `"v2"`)
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"slug":"bilbao"}`)) //nolint:errcheck
	})
	h := RequestID(CacheControl(requestTimeout(time.Second)(ok)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/v1/cities", nil))
	if rec.Code != http.StatusCreated || rec.Header().Get("ETag") != `"v2"` || rec.Body.String() != `{"slug":"bilbao"}` ||
		rec.Header().Get("X-Request-Id") == "" {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if _, has := rec.Header()["Cache-Control"]; has {
		t.Fatalf("a header the handler removed was sent: %v", rec.Header())
	}

	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	h = RecoverPanics(slog.New(slog.DiscardHandler))(requestTimeout(time.Second)(boom))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/cities", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("panic behind requestTimeout: %d %s", rec.Code, rec.Body)
	}
}

// requestTimeout is the chain's deadline step as plain middleware, for these tests.
func requestTimeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			ServeWithin(w, r.WithContext(ctx), next, d+DeadlineGrace)
		})
	}
}
