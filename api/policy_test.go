package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/api"
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
	h.city("getafe", "ES", "europe")
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
		{"editor of another city, patch without If-Match", "PATCH", "/v1/cities/getafe", editor, map[string]string{"Content-Type": "application/merge-patch+json"}, 403},
		{"editor of another city, stale If-Match", "PUT", "/v1/cities/getafe", editor, map[string]string{"If-Match": `"v99"`}, 403},
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

// TestForbiddenSaysWhichToken: a 403 names the caller's role with the right article.
func TestForbiddenSaysWhichToken(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	editor, _ := h.token(domain.RoleEditor, "bilbao")
	admin, _ := h.token(domain.RoleAdmin)
	sec, _ := h.token(domain.RoleSecretariat)
	for token, want := range map[string]string{
		editor: "an editor token may not do this",
		admin:  "an admin token may not do this",
	} {
		r := h.do(req{method: "POST", path: "/v1/cities", token: token, body: map[string]any{}}).expect(t, 403)
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("want %q in %s", want, r.Body)
		}
	}
	r := h.do(req{method: "GET", path: "/v1/tokens", token: sec}).expect(t, 403)
	if !strings.Contains(string(r.Body), "a secretariat token may not do this") {
		t.Errorf("want %q in %s", "a secretariat token may not do this", r.Body)
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
		// Nested deeper than any document of the contract: refused as a problem document (it
		// once came back as the plain text "error marshaling response").
		"nested 10,000 deep": strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		"nested 33 deep":     strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33),
	} {
		t.Run(name, func(t *testing.T) {
			r := h.do(req{method: "POST", path: "/v1/cities", token: sec, body: body}).expect(t, 422)
			r.errorAt(t, "body")
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || len(r.Body) > 2000 {
				t.Fatalf("%s: %d bytes of %s", name, len(r.Body), r.Header.Get("Content-Type"))
			}
		})
	}
	ok := `{"slug":"smile","name":{"en":"Smile \ud83d\ude00 \\ud800"},"country":"ES","section":"europe"}`
	r := h.do(req{method: "POST", path: "/v1/cities", token: sec, body: ok}).expect(t, 201)
	if got := r.Map(t)["name"]; got != "Smile 😀 \\ud800" {
		t.Fatalf("stored %q", got)
	}
}

// TestHeaderListsAndSingleValues: If-Match sent on two lines is one list (RFC 9110); an
// Idempotency-Key sent empty or twice, and a one-value query parameter sent twice, are 422.
func TestHeaderListsAndSingleValues(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	send := func(method, path string, header http.Header, body string) *http.Response {
		t.Helper()
		r, _ := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
		r.Header = header
		r.Header.Set("Authorization", "Bearer "+sec)
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	patch := http.Header{"Content-Type": {"application/merge-patch+json"}, "If-Match": {`"v7"`, `"v1"`}}
	if res := send("PATCH", "/v1/cities/bilbao", patch, `{"population": 345000}`); res.StatusCode != 200 {
		t.Fatalf("If-Match on two lines, the second current: %d", res.StatusCode)
	}
	city := `{"slug":"leioa","name":{"en":"Leioa"},"country":"ES","section":"europe"}`
	for name, keys := range map[string][]string{"empty": {""}, "twice": {"a", "b"}} {
		if res := send("POST", "/v1/cities", http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": keys}, city); res.StatusCode != 422 {
			t.Fatalf("Idempotency-Key %s: %d", name, res.StatusCode)
		}
	}
	h.do(req{method: "GET", path: "/v1/cities?limit=1&limit=500"}).expect(t, 422).errorAt(t, "query.limit")
}

// TestCostBounds: inputs that would make derived figures expensive or overflow are refused.
func TestCostBounds(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	var dims []any
	for i := 0; i < 7; i++ {
		d := map[string]any{"slug": "d" + strconv.Itoa(i), "name": map[string]any{"en": "D"}}
		if i > 0 {
			d["parent"] = "d" + strconv.Itoa(i-1)
		}
		dims = append(dims, d)
	}
	h.do(req{method: "POST", path: "/v1/frameworks", token: sec, body: map[string]any{"slug": "deep",
		"name": map[string]any{"en": "Deep"}, "dimensions": dims}}).expect(t, 422).errorAt(t, "body.dimensions")
	h.do(req{method: "POST", path: "/v1/frameworks", token: sec, body: map[string]any{"slug": "six",
		"name": map[string]any{"en": "Six"}, "dimensions": dims[:6]}}).expect(t, 201)
	h.do(req{method: "POST", path: "/v1/indicators", token: sec, body: map[string]any{"slug": "huge", "code": "H",
		"name": map[string]any{"en": "H"}, "framework": "six", "dimension": "d0", "value_type": "numeric",
		"direction": "higher_is_better", "scale_min": -1e308, "scale_max": 1e308}}).expect(t, 422).errorAt(t, "body.scale_min")
}

// TestUnknownSlugFiltersAreRefused: a filter that names a city, indicator, framework,
// dimension or edition that does not exist is a 422 naming it, in lists and exports, not an
// empty result; a filter of things that exist but have no data is an empty result.
func TestUnknownSlugFiltersAreRefused(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	for _, c := range []struct{ query, at string }{
		{"city=alpha,atlantis", "query.city"},
		{"indicator=nope", "query.indicator"},
		{"framework=nope", "query.framework"},
		{"framework=fw&dimension=nope", "query.dimension"},
		{"edition=2005", "query.edition"},
	} {
		h.do(req{method: "GET", path: "/v1/observations?" + c.query}).expect(t, 422).errorAt(t, c.at)
		h.do(req{method: "GET", path: "/v1/observations/export?format=csv&" + c.query}).expect(t, 422).errorAt(t, c.at)
	}
	var page struct {
		Items []any `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/observations?city=alpha&from=2100"}).expect(t, 200).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("%d items", len(page.Items))
	}
	if r := h.do(req{method: "GET", path: "/v1/observations/export?format=csv&city=alpha&from=2100"}).expect(t, 200); !strings.HasPrefix(string(r.Body), "id,") {
		t.Fatalf("an empty export is its header row: %q", r.Body)
	}
}

// TestLongRunningOperationsKeepTheirContext: Huma's body read deadline, left set after the body,
// made net/http cancel a long-running request's context 5 s in (a release of a million rows never
// finished). Long-running operations turn it off; their bodies are read under jsonText's deadline,
// which is lifted once the body is in.
func TestLongRunningOperationsKeepTheirContext(t *testing.T) {
	_, a := api.New(api.Deps{})
	n := 0
	for _, item := range a.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if p := api.PolicyOf(op); p != nil && p.LongRunning {
				n++
				if op.BodyReadTimeout >= 0 {
					t.Errorf("%s is long-running but keeps a body read deadline of %s", op.OperationID, op.BodyReadTimeout)
				}
			}
		}
	}
	if n < 3 {
		t.Fatalf("%d long-running operations; exports, imports and releases are", n)
	}
}
