package api

import (
	"context"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// chainServer serves one operation, "/stuck", behind the chain; the operation waits for release.
func chainServer(t *testing.T, limits config.Limits, timeout time.Duration, release chan struct{}) (*httptest.Server, *httpx.RateLimiter) {
	t.Helper()
	router := chi.NewMux()
	api := humachi.New(router, humaConfig())
	limiter := httpx.NewRateLimiter(map[string]int{string(BudgetReads): limits.ReadsPerMinute,
		httpx.BudgetAuthFailures: limits.AuthFailPerMinute}, limits.Concurrent)
	(&chain{api: api, limiter: limiter, log: slog.New(slog.DiscardHandler), timeout: timeout}).install()
	p := publicRead
	huma.Register(api, huma.Operation{OperationID: "stuck", Method: http.MethodGet, Path: "/stuck",
		Metadata: map[string]any{policyKey: &p}}, func(context.Context, *struct{}) (*struct{}, error) {
		<-release // ignores its context, as a query on a frozen database does
		return nil, nil
	})
	srv := httptest.NewServer(router)
	t.Cleanup(srv.Close)
	return srv, limiter
}

func status(t *testing.T, url, auth string) int {
	t.Helper()
	r, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestInFlightIsReleasedWhenTheHandlerEnds: a request answered 503 at its deadline still counts
// against its client's in-flight bound until its handler really returns.
func TestInFlightIsReleasedWhenTheHandlerEnds(t *testing.T) {
	release := make(chan struct{})
	srv, limiter := chainServer(t, config.Limits{ReadsPerMinute: 1000, Concurrent: 1}, 100*time.Millisecond, release)
	if s := status(t, srv.URL+"/stuck", ""); s != http.StatusServiceUnavailable {
		t.Fatalf("a stuck request: %d, want 503 at its deadline", s)
	}
	if s := status(t, srv.URL+"/stuck", ""); s != http.StatusTooManyRequests {
		t.Fatalf("while the abandoned handler still runs: %d, want 429", s)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, n := limiter.Size(); n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the in-flight count was never released")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := status(t, srv.URL+"/stuck", ""); s != http.StatusNoContent {
		t.Fatalf("after the handler ended: %d", s)
	}
}

// TestGarbageTokensMakeNoBuckets: buckets are keyed by authenticated tokens and addresses, so
// a flood of made-up tokens adds none (only the address's auth-failures bucket).
func TestGarbageTokensMakeNoBuckets(t *testing.T) {
	release := make(chan struct{})
	close(release)
	srv, limiter := chainServer(t, config.Limits{ReadsPerMinute: 1000, AuthFailPerMinute: 5, Concurrent: 10}, time.Second, release)
	for i := 0; i < 300; i++ {
		want := http.StatusUnauthorized
		if i >= 5 {
			want = http.StatusTooManyRequests
		}
		if s := status(t, srv.URL+"/stuck", "Bearer garbage-"+strconv.Itoa(i)); s != want {
			t.Fatalf("garbage token %d: %d, want %d", i, s, want)
		}
	}
	if n, _ := limiter.Size(); n != 1 {
		t.Fatalf("%d buckets after 300 garbage tokens", n)
	}
}

// TestIncoherentPoliciesAreRefused: a declaration that does not hold together stops the
// program when the operation is registered (op panics), instead of being served.
func TestIncoherentPoliciesAreRefused(t *testing.T) {
	bad := map[string]Policy{
		"no access":               {Budget: BudgetReads},
		"restricted, no roles":    {Access: Restricted, Budget: BudgetWrites},
		"roles on a public read":  {Access: Public, Roles: []domain.Role{domain.RoleAdmin}, Budget: BudgetReads},
		"scoped, editors refused": restricted(BudgetWrites, domain.RoleSecretariat).scoped(),
		"city path, not scoped":   secretariatWrite.cityIn("slug"),
		"no budget":               {Access: Public},
		"secret, not idempotent":  adminWrite.secret(),
	}
	for name, p := range bad {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: registered without complaint", name)
				}
			}()
			op("get-city", http.MethodGet, "/v1/cities/{slug}", "x", "cities", p, nil)
		}()
	}
	for _, p := range []Policy{probe, publicRead, publicExport, secretariatCreate, cityResourceWrite, cityImport, tokenCreate, auditRead} {
		if err := p.check(); err != nil {
			t.Errorf("a declared policy is refused: %+v: %v", p, err)
		}
	}
}

// TestFlushDeadline: an export's reader must take each flush within exportFlushDeadline, and
// never past the export's own end.
func TestFlushDeadline(t *testing.T) {
	if d := time.Until(flushDeadline(context.Background())); d <= exportFlushDeadline-time.Second || d > exportFlushDeadline {
		t.Fatalf("a flush deadline %s away, want %s", d, exportFlushDeadline)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	end, _ := ctx.Deadline()
	if got := flushDeadline(ctx); !got.Equal(end) {
		t.Fatalf("the export ends at %s but its flush deadline is %s", end, got)
	}
}
