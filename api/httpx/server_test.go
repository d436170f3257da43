package httpx

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRequestTimeoutAnswersForAStuckHandler: a handler that ignores its context's end (as a
// query does on a database that stopped answering) does not keep the client waiting: over a
// real connection, the client has the whole 503 at the deadline while the handler is still
// running, and the handler's late response never reaches it.
func TestRequestTimeoutAnswersForAStuckHandler(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan struct{})
	var once sync.Once
	stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer once.Do(func() { close(finished) })
		w.Header().Set("ETag", `"v1"`)
		select { // ignores r.Context(); gives up after a while so that a regression fails, not hangs
		case <-release:
		case <-time.After(5 * time.Second):
		}
		w.Write([]byte("too late")) //nolint:errcheck
	})
	srv := httptest.NewServer(RequestID(requestTimeout(200 * time.Millisecond)(stuck)))
	defer srv.Close()
	start := time.Now()
	res, err := srv.Client().Get(srv.URL + "/v1/cities")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-finished:
		t.Fatal("the handler finished before the client was answered: the test proves nothing")
	default:
	}
	close(release)
	<-finished
	if took > 200*time.Millisecond+DeadlineGrace+500*time.Millisecond {
		t.Fatalf("answered after %s", took)
	}
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Content-Type") != "application/problem+json" ||
		res.Header.Get("Retry-After") == "" || res.Header.Get("X-Request-Id") == "" || !res.Close {
		t.Fatalf("stuck handler: %d %v close=%v %s", res.StatusCode, res.Header, res.Close, body)
	}
	if res.Header.Get("ETag") != "" || strings.Contains(string(body), "too late") || !strings.Contains(string(body), `"status":503`) {
		t.Fatalf("the stuck handler's response leaked out: %v %s", res.Header, body)
	}
	// The server answers the next request, on a new connection, as usual.
	res, err = srv.Client().Get(srv.URL + "/v1/cities")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("next request: %d", res.StatusCode)
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
