package api_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

func TestRateLimits(t *testing.T) {
	h := newHarnessWith(t, config.Limits{ReadsPerMinute: 5, WritesPerMinute: 2, ExportsPerMinute: 1, AuthFailPerMinute: 3, Concurrent: 100})
	h.city("bilbao", "ES", "europe")
	for i := 0; i < 5; i++ {
		r := h.do(req{method: "GET", path: "/v1/cities/bilbao"}).expect(t, 200)
		if r.Header.Get("RateLimit-Policy") != `"reads";q=5;w=60` {
			t.Fatalf("RateLimit-Policy %q", r.Header.Get("RateLimit-Policy"))
		}
		if want := `"reads";r=` + strconv.Itoa(4-i) + `;`; !strings.HasPrefix(r.Header.Get("RateLimit"), want) {
			t.Fatalf("RateLimit %q, want prefix %q", r.Header.Get("RateLimit"), want)
		}
	}
	r := h.do(req{method: "GET", path: "/v1/cities/bilbao"}).expect(t, 429)
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatal("429 without CORS headers")
	}
	// Separate budgets: exports and writes are still available.
	h.do(req{method: "GET", path: "/v1/observations/export"})
	h.do(req{method: "GET", path: "/v1/observations/export"}).expect(t, 429)

	// A token is its own client, with its own budget.
	sec, _ := h.token(domain.RoleSecretariat)
	h.do(req{method: "GET", path: "/v1/cities/bilbao", token: sec}).expect(t, 200)

	// Failed authentications have a small budget per address, whatever token is tried.
	for i := 0; i < 3; i++ {
		h.do(req{method: "GET", path: "/v1/cities", token: "dcapi_wrong" + strconv.Itoa(i)}).expect(t, 401)
	}
	h.do(req{method: "GET", path: "/v1/cities", token: "dcapi_wrong-again"}).expect(t, 429)
}

func TestConcurrencyPerClientIsBounded(t *testing.T) {
	h := newHarnessWith(t, config.Limits{ReadsPerMinute: 1e6, WritesPerMinute: 1e6, ExportsPerMinute: 1e6, ImportsPerMinute: 1e6, AuthFailPerMinute: 1e6, Concurrent: 1})
	studyFixture(t, h)
	sec, _ := h.token(domain.RoleSecretariat)
	// An import whose body never finishes holds the client's only slot.
	pr, pw := ioPipe()
	done := make(chan *response)
	go func() {
		done <- h.doBody("POST", "/v1/observations/import", sec, "text/csv", pr)
	}()
	pw.Write([]byte("city,indicator,year,value,status\n"))
	waitFor(t, func() bool {
		return h.do(req{method: "GET", path: "/v1/cities", token: sec}).Status == 429
	})
	r := h.do(req{method: "GET", path: "/v1/cities", token: sec}).expect(t, 429)
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	// Another client is not affected.
	h.do(req{method: "GET", path: "/v1/cities"}).expect(t, 200)
	pw.Close()
	<-done
	h.do(req{method: "GET", path: "/v1/cities", token: sec}).expect(t, 200)
}
