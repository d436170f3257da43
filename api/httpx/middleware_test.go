package httpx

import (
	"bytes"
	"encoding/json"
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

// TestAccessLogWritesOneLinePerRequest: each request gives one JSON line with what an operator
// reads (method, route, path, status, bytes, duration, request id); a 5xx is an error.
func TestAccessLogWritesOneLinePerRequest(t *testing.T) {
	var out bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&out, nil))
	h := RequestID(AccessLog(log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte("hello")) //nolint:errcheck
	})))
	for _, path := range []string{"/v1/cities", "/boom"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %s", len(lines), out.String())
	}
	var ok, failed map[string]any
	if json.Unmarshal([]byte(lines[0]), &ok) != nil || json.Unmarshal([]byte(lines[1]), &failed) != nil {
		t.Fatalf("not JSON: %s", out.String())
	}
	if ok["msg"] != "request" || ok["level"] != "INFO" || ok["method"] != "GET" || ok["path"] != "/v1/cities" ||
		ok["status"] != 200.0 || ok["bytes"] != 5.0 || ok["request_id"] == "" || ok["request_id"] == nil {
		t.Fatalf("line: %v", ok)
	}
	if d, has := ok["duration_us"].(float64); !has || d < 0 {
		t.Fatalf("duration: %v", ok)
	}
	if _, has := ok["source"]; has {
		t.Fatalf("a caller in the line: %v", ok)
	}
	if failed["level"] != "ERROR" || failed["status"] != 502.0 {
		t.Fatalf("5xx line: %v", failed)
	}
}
