package api_test

import (
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/api"
)

func TestRouterFallbacksAreProblems(t *testing.T) {
	h := newHarness(t)
	h.do(req{method: "GET", path: "/v1/nothing-here"}).expect(t, 404)
	h.do(req{method: "GET", path: "/"}).expect(t, 404)
	r := h.do(req{method: "PUT", path: "/v1/cities"}).expect(t, 405)
	if r.Header.Get("Allow") != "GET, HEAD, POST, OPTIONS" {
		t.Fatalf("Allow %q", r.Header.Get("Allow"))
	}
	r = h.do(req{method: "POST", path: "/v1/cities/bilbao"}).expect(t, 405)
	if !strings.Contains(r.Header.Get("Allow"), "PATCH") {
		t.Fatalf("Allow %q", r.Header.Get("Allow"))
	}
}

func TestRequestID(t *testing.T) {
	h := newHarness(t)
	r := h.do(req{method: "GET", path: "/livez", header: map[string]string{"X-Request-Id": "client-id-1"}}).expect(t, 200)
	if r.Header.Get("X-Request-Id") != "client-id-1" {
		t.Fatalf("client id not echoed: %q", r.Header.Get("X-Request-Id"))
	}
	r = h.do(req{method: "GET", path: "/livez", header: map[string]string{"X-Request-Id": "bad id\twith spaces"}})
	if id := r.Header.Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id) {
		t.Fatalf("unsafe client id not replaced: %q", id)
	}
}

func TestHealth(t *testing.T) {
	h := newHarness(t)
	h.do(req{method: "GET", path: "/livez"}).expect(t, 200)
	h.do(req{method: "GET", path: "/readyz"}).expect(t, 200)
}

// TestDatabaseGoneIs503WithoutDriverText closes the pool under a running API: every request
// that needs the database answers 503 problem+json with Retry-After and no driver text.
func TestDatabaseGoneIs503WithoutDriverText(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	h.db.Close()
	for _, path := range []string{"/v1/cities", "/v1/cities/bilbao", "/readyz"} {
		r := h.do(req{method: "GET", path: path}).expect(t, 503)
		if r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: no Retry-After", path)
		}
		assertNoLeak(t, r)
	}
	h.do(req{method: "GET", path: "/livez"}).expect(t, 200)
}

func assertNoLeak(t *testing.T, r *response) {
	t.Helper()
	low := strings.ToLower(string(r.Body))
	for _, s := range []string{"pq:", "sql", "select", "database is closed", "goroutine", ".go:"} {
		if strings.Contains(low, s) {
			t.Fatalf("5xx body leaks %q: %s", s, r.Body)
		}
	}
}

func TestCORS(t *testing.T) {
	h := newHarness(t)
	r := h.do(req{method: "OPTIONS", path: "/v1/cities/bilbao", header: map[string]string{
		"Origin": "https://example.org", "Access-Control-Request-Method": "PATCH",
		"Access-Control-Request-Headers": "authorization,if-match,content-type"}})
	if r.Status != 204 || r.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "PATCH") ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "If-Match") {
		t.Fatalf("preflight: %d %v", r.Status, r.Header)
	}
	// Errors carry CORS headers too, and the headers clients need are exposed.
	r = h.do(req{method: "GET", path: "/v1/cities/nowhere", header: map[string]string{"Origin": "https://example.org"}}).expect(t, 404)
	exposed := r.Header.Get("Access-Control-Expose-Headers")
	for _, name := range []string{"ETag", "Link", "Location", "RateLimit", "RateLimit-Policy", "Retry-After", "X-Request-Id"} {
		if !strings.Contains(exposed, name) {
			t.Errorf("%s not exposed: %q", name, exposed)
		}
	}
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatal("no CORS on an error")
	}
}

func TestDocsWorkOffline(t *testing.T) {
	h := newHarness(t)
	if r := h.do(req{method: "GET", path: "/docs"}); r.Status != 200 || !strings.Contains(string(r.Body), "<html") {
		t.Fatalf("/docs (no slash, no redirect): %d", r.Status)
	}
	r := h.do(req{method: "GET", path: "/docs/"})
	if r.Status != 200 || !strings.Contains(string(r.Body), "<html") {
		t.Fatalf("docs: %d", r.Status)
	}
	// Every script and stylesheet is served by us, not by a CDN.
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(r.Body), -1) {
		if strings.HasPrefix(m[1], "http") || strings.HasPrefix(m[1], "//") {
			t.Fatalf("docs load %s from outside", m[1])
		}
		if strings.HasSuffix(m[1], ".js") || strings.HasSuffix(m[1], ".css") {
			path := m[1]
			if !strings.HasPrefix(path, "/") {
				path = "/docs/" + path
			}
			if a := h.do(req{method: "GET", path: path}); a.Status != 200 || len(a.Body) < 100 {
				t.Fatalf("asset %s: %d", path, a.Status)
			}
		}
	}
	j := h.do(req{method: "GET", path: "/openapi.json"})
	if j.Status != 200 || !strings.Contains(string(j.Body), `"openapi":"3.1`) {
		t.Fatalf("openapi.json: %d %.80s", j.Status, j.Body)
	}
	if y := h.do(req{method: "GET", path: "/openapi.yaml"}); y.Status != 200 {
		t.Fatalf("openapi.yaml: %d", y.Status)
	}
}

// TestContractIsTheSameAtEveryBuild: the document must not depend on map order (it did once:
// a schema reached by two properties took its example from whichever came first), or the
// committed contract would drift at random.
func TestContractIsTheSameAtEveryBuild(t *testing.T) {
	t.Parallel() // CPU only: it overlaps the tests that wait on the database
	var first string
	for i := 0; i < 8; i++ {
		_, a := api.New(api.Deps{})
		got, err := a.OpenAPI().YAML()
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = string(got)
		} else if string(got) != first {
			t.Fatalf("build %d of the contract differs from the first", i)
		}
	}
}

// TestContractIsCommitted fails when openapi/openapi.yaml differs from what the code generates.
func TestContractIsCommitted(t *testing.T) {
	_, a := api.New(api.Deps{})
	got, err := a.OpenAPI().YAML()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../openapi/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("openapi/openapi.yaml is out of date: run `make openapi` and commit it")
	}
}

var kebabVerbNoun = regexp.MustCompile(`^(list|get|create|update|patch|delete|revoke|export|import|compare|publish|submit|retire|add|remove|verify)(-[a-z0-9]+)+$`)

// TestEveryOperationIsDocumented checks the contract's house rules on every operation: a
// kebab verb-noun id, a summary, one tag, declared security, documented errors including 5xx,
// and that every write requires a token.
func TestEveryOperationIsDocumented(t *testing.T) {
	_, a := api.New(api.Deps{})
	doc := a.OpenAPI()
	n := 0
	for path, item := range doc.Paths {
		ops := map[string]*opView{}
		if item.Get != nil {
			ops["GET"] = view(item.Get.OperationID, item.Get.Summary, item.Get.Tags, item.Get.Security, keys(item.Get.Responses))
		}
		if item.Post != nil {
			ops["POST"] = view(item.Post.OperationID, item.Post.Summary, item.Post.Tags, item.Post.Security, keys(item.Post.Responses))
		}
		if item.Put != nil {
			ops["PUT"] = view(item.Put.OperationID, item.Put.Summary, item.Put.Tags, item.Put.Security, keys(item.Put.Responses))
		}
		if item.Patch != nil {
			ops["PATCH"] = view(item.Patch.OperationID, item.Patch.Summary, item.Patch.Tags, item.Patch.Security, keys(item.Patch.Responses))
		}
		if item.Delete != nil {
			ops["DELETE"] = view(item.Delete.OperationID, item.Delete.Summary, item.Delete.Tags, item.Delete.Security, keys(item.Delete.Responses))
		}
		for method, o := range ops {
			n++
			where := method + " " + path
			if !kebabVerbNoun.MatchString(o.id) {
				t.Errorf("%s: operation id %q is not kebab verb-noun", where, o.id)
			}
			if o.summary == "" || len(o.tags) != 1 {
				t.Errorf("%s: summary %q tags %v", where, o.summary, o.tags)
			}
			if o.security == nil && !strings.HasPrefix(path, "/livez") && !strings.HasPrefix(path, "/readyz") {
				t.Errorf("%s: no security declared", where)
			}
			if method != "GET" && !requiresToken(o.security) {
				t.Errorf("%s: a write without a required bearer token", where)
			}
			for _, code := range []string{"429", "500", "503"} {
				if !o.responses[code] {
					t.Errorf("%s: %s not documented", where, code)
				}
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d operations found", n)
	}
}

type opView struct {
	id, summary string
	tags        []string
	security    []map[string][]string
	responses   map[string]bool
}

func view(id, summary string, tags []string, sec []map[string][]string, resp map[string]bool) *opView {
	return &opView{id, summary, tags, sec, resp}
}

func keys[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// requiresToken is true when every alternative of the security requirement needs the bearer scheme.
func requiresToken(sec []map[string][]string) bool {
	if len(sec) == 0 {
		return false
	}
	for _, alt := range sec {
		if _, ok := alt["bearer"]; !ok {
			return false
		}
	}
	return true
}

// TestHeadAndOptions: HEAD answers every GET with the same status and headers and no body; a
// plain OPTIONS answers 204 with Allow (404 where there is no resource).
func TestHeadAndOptions(t *testing.T) {
	h := newHarness(t)
	h.city("bilbao", "ES", "europe")
	for _, path := range []string{"/v1/cities/bilbao", "/v1/cities?limit=1", "/v1/observations/export?format=csv", "/livez", "/v1/nope"} {
		get := h.do(req{method: "GET", path: path})
		head := h.do(req{method: "HEAD", path: path})
		if head.Status != get.Status || len(head.Body) != 0 {
			t.Fatalf("HEAD %s: %d with %d bytes; GET: %d", path, head.Status, len(head.Body), get.Status)
		}
		for _, name := range []string{"Content-Type", "ETag", "Link", "RateLimit-Policy", "Content-Disposition"} {
			if head.Header.Get(name) != get.Header.Get(name) {
				t.Fatalf("HEAD %s: %s %q, GET %q", path, name, head.Header.Get(name), get.Header.Get(name))
			}
		}
	}
	r := h.do(req{method: "OPTIONS", path: "/v1/cities/bilbao"}).expect(t, 204)
	if r.Header.Get("Allow") != "GET, HEAD, PUT, PATCH, DELETE, OPTIONS" {
		t.Fatalf("Allow %q", r.Header.Get("Allow"))
	}
	h.do(req{method: "OPTIONS", path: "/v1/nope"}).expect(t, 404)
}

// TestUnknownQueryParametersAreRefused: a typo in a filter is a 422 naming it and the accepted
// parameters, not a silently unfiltered list.
func TestUnknownQueryParametersAreRefused(t *testing.T) {
	h := newHarness(t)
	r := h.do(req{method: "GET", path: "/v1/cities?sectoin=europe"}).expect(t, 422)
	r.errorAt(t, "query.sectoin")
	if !strings.Contains(string(r.Body), "section") {
		t.Fatalf("the accepted parameters are not named: %s", r.Body)
	}
	h.do(req{method: "GET", path: "/v1/cities/bilbao?verbose=1"}).expect(t, 422).errorAt(t, "query.verbose")
	h.do(req{method: "GET", path: "/v1/cities?section=europe&limit=5"}).expect(t, 200)
}

// TestAPIsBuildConcurrently: building several APIs at once (as parallel tests, or several
// servers in one process, do) shares no mutable state; under -race (as make test runs) a
// shared map or hook written by two builds fails here.
func TestAPIsBuildConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, a := api.New(api.Deps{})
			if _, err := a.OpenAPI().MarshalJSON(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
