package api_test

import (
	"strconv"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestRespelledTokenSharesItsBudget: a token is one client however its Authorization header is
// spelled ("bearer", extra spaces, upper case): respelling it buys no new budget, and its
// Idempotency-Keys are the same namespace.
func TestRespelledTokenSharesItsBudget(t *testing.T) {
	h := newHarnessWith(t, config.Limits{ReadsPerMinute: 4, WritesPerMinute: 100, ExportsPerMinute: 1, ImportsPerMinute: 1,
		AuthFailPerMinute: 100, Concurrent: 100})
	sec, _ := h.token(domain.RoleSecretariat)
	spellings := []string{"Bearer " + sec, "bearer " + sec, "Bearer  " + sec, "BEARER " + sec}
	for _, auth := range spellings {
		h.do(req{method: "GET", path: "/v1/cities", header: map[string]string{"Authorization": auth}}).expect(t, 200)
	}
	for _, auth := range spellings {
		h.do(req{method: "GET", path: "/v1/cities", header: map[string]string{"Authorization": auth}}).expect(t, 429)
	}

	body := map[string]any{"slug": "getafe", "name": map[string]any{"en": "Getafe"}, "country": "ES", "section": "europe"}
	first := h.do(req{method: "POST", path: "/v1/cities", body: body,
		header: map[string]string{"Authorization": "Bearer " + sec, "Idempotency-Key": "k1"}}).expect(t, 201)
	again := h.do(req{method: "POST", path: "/v1/cities", body: body,
		header: map[string]string{"Authorization": "bearer  " + sec, "Idempotency-Key": "k1"}}).expect(t, 201)
	if again.Header.Get("Idempotent-Replayed") != "true" || again.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Fatalf("the respelled retry was not a replay: %v", again.Header)
	}
}

// TestFailedAuthenticationsNeverLockOutValidTokens: failures from an address are throttled
// (429 after the budget), but a valid token from the same address is always accepted.
func TestFailedAuthenticationsNeverLockOutValidTokens(t *testing.T) {
	h := newHarnessWith(t, config.Limits{ReadsPerMinute: 1000, WritesPerMinute: 1000, ExportsPerMinute: 10, ImportsPerMinute: 10,
		AuthFailPerMinute: 3, Concurrent: 100})
	sec, _ := h.token(domain.RoleSecretariat)
	for i := 0; i < 3; i++ {
		h.do(req{method: "GET", path: "/v1/cities", token: "dcapi_wrong" + strconv.Itoa(i)}).expect(t, 401)
	}
	for i := 0; i < 10; i++ {
		h.do(req{method: "GET", path: "/v1/cities", token: "dcapi_wrong-again"}).expect(t, 429)
		h.do(req{method: "GET", path: "/v1/cities", token: sec}).expect(t, 200)
		h.do(req{method: "POST", path: "/v1/cities", token: sec, body: map[string]any{"slug": "c" + strconv.Itoa(i),
			"name": map[string]any{"en": "C"}, "country": "ES", "section": "europe"}}).expect(t, 201)
	}
}

// TestAuthenticationComesBeforeValidation: a caller without the right to an operation learns
// that, and nothing about what its input would have needed.
func TestAuthenticationComesBeforeValidation(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	editor, _ := h.token(domain.RoleEditor, "bilbao")
	invalid := map[string]any{"slug": 5, "population": "many"}
	cases := []struct {
		name, method, path, token string
		header                    map[string]string
		want                      int
	}{
		{"anonymous create", "POST", "/v1/cities", "", nil, 401},
		{"editor create (secretariat only)", "POST", "/v1/cities", editor, nil, 403},
		{"anonymous update", "PUT", "/v1/cities/bilbao", "", map[string]string{"If-Match": "*"}, 401},
		{"anonymous patch without If-Match", "PATCH", "/v1/cities/bilbao", "", map[string]string{"Content-Type": "application/merge-patch+json"}, 401},
		{"anonymous token list with a bad limit", "GET", "/v1/tokens?limit=-3", "", nil, 401},
		{"editor audit with a bad filter", "GET", "/v1/audit?resource=nonsense", editor, nil, 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := req{method: c.method, path: c.path, token: c.token, header: c.header}
			if c.method != "GET" {
				r.body = invalid
			}
			h.do(r).expect(t, c.want)
		})
	}
}

// TestJSONBodiesMustBeUnicode: invalid UTF-8 and lone surrogates are refused with 422, never
// stored as U+FFFD; a proper surrogate pair is accepted.
func TestJSONBodiesMustBeUnicode(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	for name, body := range map[string]string{
		"invalid UTF-8":     "{\"slug\":\"x1\",\"name\":{\"en\":\"Bad \xff\xfe\"},\"country\":\"ES\",\"section\":\"europe\"}",
		"lone high":         `{"slug":"x2","name":{"en":"Bad \ud800"},"country":"ES","section":"europe"}`,
		"lone low":          `{"slug":"x3","name":{"en":"Bad \udc00 x"},"country":"ES","section":"europe"}`,
		"high then no low":  `{"slug":"x4","name":{"en":"Bad \ud83d\u0041"},"country":"ES","section":"europe"}`,
		"high at the end":   `{"slug":"x5","name":{"en":"\ud83d"},"country":"ES","section":"europe"}`,
		"escaped backslash": `{"slug":"x6","name":{"en":"\\\udc00"},"country":"ES","section":"europe"}`,
	} {
		t.Run(name, func(t *testing.T) {
			h.do(req{method: "POST", path: "/v1/cities", token: sec, body: body}).expect(t, 422).errorAt(t, "body")
		})
	}
	ok := `{"slug":"smile","name":{"en":"Smile \ud83d\ude00 \\ud800"},"country":"ES","section":"europe"}`
	r := h.do(req{method: "POST", path: "/v1/cities", token: sec, body: ok}).expect(t, 201)
	if got := r.Map(t)["name"].(map[string]any)["en"]; got != "Smile 😀 \\ud800" {
		t.Fatalf("stored %q", got)
	}
}
