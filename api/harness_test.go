package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/auth"
	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/testdb"
)

// harness is a running API on its own fresh database.
type harness struct {
	t   testing.TB
	srv *httptest.Server
	db  *postgres.DB
}

// generousLimits keeps rate limits out of the way of tests that are not about them.
var generousLimits = config.Limits{ReadsPerMinute: 1e6, WritesPerMinute: 1e6, ExportsPerMinute: 1e6,
	ImportsPerMinute: 1e6, AuthFailPerMinute: 1e6, Concurrent: 1000}

func newHarness(t testing.TB) *harness {
	return newHarnessWith(t, generousLimits)
}

func newHarnessWith(t testing.TB, limits config.Limits) *harness {
	t.Helper()
	return newHarnessConfig(t, config.Config{Limits: limits})
}

// newHarnessConfig is a harness serving with the given configuration.
func newHarnessConfig(t testing.TB, cfg config.Config) *harness {
	t.Helper()
	db, _ := testdb.New(t)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	handler, _ := api.New(api.Deps{DB: db, Config: cfg, Logger: log})
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, db: db}
}

// fixtureCaller makes fixtures directly in the store, as the secretariat.
var fixtureCaller = domain.Caller{Actor: &domain.Actor{Name: "fixture", Role: domain.RoleSecretariat}}

func fixtureCtx() context.Context { return context.Background() }

// city creates a city fixture in the store.
func (h *harness) city(slug, country, section string) *domain.City {
	h.t.Helper()
	c, err := h.db.CreateCity(fixtureCtx(), fixtureCaller, slug, domain.CityFields{Name: domain.Text{EN: strings.ToUpper(slug[:1]) + slug[1:]},
		Country: country, Section: section, Provenance: "sample"})
	if err != nil {
		h.t.Fatalf("fixture city %s: %v", slug, err)
	}
	return c
}

// headCursor is a change-feed cursor of the present: updated_since with it lists exactly the
// items that change after this call (a time would list a few before it too: see SyncPoint).
func (h *harness) headCursor() string {
	h.t.Helper()
	var tx uint64
	if err := h.db.SQL().Get(&tx, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint`); err != nil {
		h.t.Fatal(err)
	}
	return domain.ChangeCursor{Tx: tx}.Encode()
}

// sampleHorizon records a sample of the visibility horizon, as the server does every 30
// seconds, and returns the time it was taken.
func (h *harness) sampleHorizon() time.Time {
	h.t.Helper()
	if err := h.db.RecordSyncHorizon(fixtureCtx()); err != nil {
		h.t.Fatal(err)
	}
	var at time.Time
	if err := h.db.SQL().Get(&at, `SELECT max(at) FROM sync_horizons`); err != nil {
		h.t.Fatal(err)
	}
	return at
}

// token creates a token in the store and returns its secret and id.
func (h *harness) token(role domain.Role, cities ...string) (string, int64) {
	h.t.Helper()
	secret, prefix, hash := auth.NewSecret()
	tk, err := h.db.CreateToken(fixtureCtx(), fixtureCaller, domain.TokenCreate{Name: string(role) + " of test", Role: role, Cities: cities}, prefix, hash)
	if err != nil {
		h.t.Fatalf("fixture token: %v", err)
	}
	return secret, tk.ID
}

// response is what a request returned.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r *response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.Body)
	}
}

// Map decodes the body into a map.
func (r *response) Map(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// req is a request to make: body may be a string (sent as is), []byte or any value (sent as JSON).
type req struct {
	method, path string
	body         any
	token        string
	header       map[string]string
}

func (h *harness) do(r req) *response {
	h.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(r.method, h.srv.URL+r.path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	res, err := h.srv.Client().Do(hr)
	if err != nil {
		h.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// expect fails the test when the status differs, showing the body; for errors it also checks
// that the body is a problem document.
func (r *response) expect(t *testing.T, status int) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if status >= 400 {
		if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("error with Content-Type %q, want application/problem+json: %s", ct, r.Body)
		}
		var p struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
		}
		r.JSON(t, &p)
		if p.Status != status || p.Title == "" {
			t.Fatalf("problem document with status %d and title %q for a %d: %s", p.Status, p.Title, status, r.Body)
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Fatalf("no X-Request-Id on a %d", r.Status)
	}
	return r
}

// errorAt asserts that a 422 problem names the given field location.
func (r *response) errorAt(t *testing.T, location string) {
	t.Helper()
	var p struct {
		Errors []struct {
			Location string `json:"location"`
		} `json:"errors"`
	}
	r.JSON(t, &p)
	for _, e := range p.Errors {
		if e.Location == location {
			return
		}
	}
	t.Fatalf("no error at %s in %s", location, r.Body)
}

// testWriter sends the service's warnings and errors to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// doBody sends a request whose body is a stream.
func (h *harness) doBody(method, path, token, contentType string, body io.Reader) *response {
	hr, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Error(err)
		return &response{}
	}
	hr.Header.Set("Content-Type", contentType)
	if token != "" {
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := h.srv.Client().Do(hr)
	if err != nil {
		h.t.Error(err)
		return &response{}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
