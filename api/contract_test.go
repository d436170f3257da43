package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// contractJSON is the generated contract as generic JSON, in OpenAPI 3.1 and in Huma's 3.0
// downgrade (what /openapi.json and /openapi-3.0.json serve).
func contractJSON(t *testing.T) (v31, v30 map[string]any) {
	t.Helper()
	_, a := api.New(api.Deps{})
	b31, err := a.OpenAPI().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	b30, err := a.OpenAPI().Downgrade()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b31, &v31); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b30, &v30); err != nil {
		t.Fatal(err)
	}
	return v31, v30
}

// walkJSON calls f for every object of a JSON document with its JSON pointer, and the node at
// the same pointer in other (nil when other has none).
func walkJSON(node, other any, pointer string, f func(pointer string, m, other map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		om, _ := other.(map[string]any)
		f(pointer, n, om)
		for k, v := range n {
			var ov any
			if om != nil {
				ov = om[k]
			}
			walkJSON(v, ov, pointer+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), f)
		}
	case []any:
		ol, _ := other.([]any)
		for i, v := range n {
			var ov any
			if i < len(ol) {
				ov = ol[i]
			}
			walkJSON(v, ov, pointer+"/"+strconv.Itoa(i), f)
		}
	}
}

// types is a schema's type keyword as a list ("string" and ["string", "null"] alike); nil when
// the keyword is absent or is not a type (a property named "type" is an object).
func types(schema map[string]any) []string {
	switch t := schema["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, s := range t {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// allowsNull reports whether a 3.1 schema admits null: by its type or by its enum.
func allowsNull(schema map[string]any) bool {
	enum, _ := schema["enum"].([]any)
	return slices.Contains(types(schema), "null") || slices.Contains(enum, nil)
}

// TestContractNullability walks the whole contract and checks the rules that client generators
// depend on: a nullable enum lists null among its values (and an enum with null is nullable);
// lists are never null, nor their items; parameters are never null; and Huma's 3.0 downgrade
// says nullable: true wherever 3.1 admits null, with no 3.1-only type lists left.
func TestContractNullability(t *testing.T) {
	v31, v30 := contractJSON(t)
	nullableEnums := 0
	walkJSON(v31, v30, "#", func(p string, s, s30 map[string]any) {
		ts := types(s)
		if enum, ok := s["enum"].([]any); ok && ts != nil {
			if slices.Contains(ts, "null") != slices.Contains(enum, nil) {
				t.Errorf("%s: type %v but enum %v: a nullable enum must list null, and only a nullable one", p, ts, enum)
			}
			if slices.Contains(enum, nil) {
				nullableEnums++
			}
		}
		if slices.Contains(ts, "array") {
			if items, ok := s["items"].(map[string]any); ok && allowsNull(items) {
				t.Errorf("%s/items: the items of a list are never null", p)
			}
		}
		if props, ok := s["properties"].(map[string]any); ok {
			if items, ok := props["items"].(map[string]any); ok && slices.Contains(types(items), "array") && allowsNull(items) {
				t.Errorf("%s/properties/items: a list envelope's items are a list, never null", p)
			}
		}
		if _, ok := s["in"].(string); ok {
			if schema, ok := s["schema"].(map[string]any); ok && allowsNull(schema) {
				t.Errorf("%s: parameter %v is nullable; a parameter is absent or has a value", p, s["name"])
			}
		}
		if ts != nil && allowsNull(s) && (s30 == nil || s30["nullable"] != true) {
			t.Errorf("%s: 3.1 admits null but the 3.0 downgrade does not say nullable: true (%v)", p, s30)
		}
	})
	walkJSON(v30, nil, "#", func(p string, s, _ map[string]any) {
		if t30, ok := s["type"]; ok && (t30 == "null" || isList(t30)) {
			t.Errorf("%s: the 3.0 downgrade has type %v, which 3.0 does not know", p, t30)
		}
	})
	if v30["openapi"] != "3.0.3" {
		t.Errorf("downgrade is OpenAPI %v", v30["openapi"])
	}
	// cop_role, quality and the compared status, at least, in several schemas each.
	if nullableEnums < 5 {
		t.Errorf("only %d nullable enums found; the walk may have missed the schemas", nullableEnums)
	}
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// TestContractUsesStandardKeywords checks that no schema carries a keyword of Huma's own, such as
// patternDescription, which Redocly and openapi-typescript refuse: it must be an x- extension.
func TestContractUsesStandardKeywords(t *testing.T) {
	v31, _ := contractJSON(t)
	walkJSON(v31, nil, "#", func(p string, m, _ map[string]any) {
		if _, ok := m["patternDescription"]; ok {
			t.Errorf("%s: patternDescription (use x-pattern-description)", p)
		}
	})
}

// TestContractDocumentsWhatTheServerSends checks, on every operation, that the statuses and
// headers the server sends beyond the operation's own declaration are in the contract: 400
// (and 408, 413, 415) for a JSON body, 304 with ETag where If-None-Match is honoured, 412 and
// 428 where If-Match is required, the rate-limit headers and X-Request-Id on every response,
// Link on paged lists, ETag where the resource is read or written, Retry-After, WWW-Authenticate
// and Idempotent-Replayed where they can come.
func TestContractDocumentsWhatTheServerSends(t *testing.T) {
	_, a := api.New(api.Deps{})
	doc := a.OpenAPI()
	headersOf := func(r *huma.Response) map[string]bool {
		out := map[string]bool{}
		for name, h := range r.Headers {
			if h.Ref == "" || doc.Components.Headers[strings.TrimPrefix(h.Ref, "#/components/headers/")] != nil {
				out[name] = true
			}
		}
		return out
	}
	n := 0
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			n++
			where := op.Method + " " + path + " (" + op.OperationID + ")"
			need := func(statuses ...int) {
				for _, s := range statuses {
					if op.Responses[strconv.Itoa(s)] == nil {
						t.Errorf("%s: %d not documented", where, s)
					}
				}
			}
			header := map[string]bool{}
			for _, p := range op.Parameters {
				if p.In == "header" {
					header[p.Name] = true
				}
			}
			if rb := op.RequestBody; rb != nil {
				need(http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
				if rb.Content["application/json"] != nil || rb.Content["application/merge-patch+json"] != nil {
					need(http.StatusBadRequest, http.StatusRequestTimeout)
				}
			}
			if header["If-None-Match"] {
				if op.Method != http.MethodGet {
					t.Errorf("%s: If-None-Match on a %s", where, op.Method)
				}
				need(http.StatusNotModified)
				if r := op.Responses["304"]; r != nil && (!headersOf(r)["ETag"] || len(r.Content) > 0) {
					t.Errorf("%s: 304 without ETag, or with a body", where)
				}
				if r := op.Responses["200"]; r != nil && !headersOf(r)["ETag"] {
					t.Errorf("%s: 200 without ETag", where)
				}
			}
			if header["If-Match"] {
				need(http.StatusPreconditionFailed, http.StatusPreconditionRequired)
				if r := op.Responses["200"]; r != nil && !headersOf(r)["ETag"] {
					t.Errorf("%s: a conditional write's 200 without the new ETag", where)
				}
			}
			for status, r := range op.Responses {
				hs := headersOf(r)
				for _, name := range []string{"RateLimit", "RateLimit-Policy", "X-Request-Id"} {
					if !hs[name] {
						t.Errorf("%s: %s without %s", where, status, name)
					}
				}
				if (status == "429" || status == "503") && !hs["Retry-After"] {
					t.Errorf("%s: %s without Retry-After", where, status)
				}
				if status == "401" && !hs["WWW-Authenticate"] {
					t.Errorf("%s: 401 without WWW-Authenticate", where)
				}
				if header["Idempotency-Key"] && strings.HasPrefix(status, "2") && !hs["Idempotent-Replayed"] {
					t.Errorf("%s: %s without Idempotent-Replayed", where, status)
				}
				if status == "201" && op.Method == http.MethodPost && !hs["Location"] {
					t.Errorf("%s: 201 without Location", where)
				}
				if status == "200" && pages(op) && !hs["Link"] {
					t.Errorf("%s: a paged list without Link", where)
				}
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d operations found", n)
	}
}

// pages reports whether an operation is a paged list: one that takes a cursor.
func pages(op *huma.Operation) bool {
	return slices.ContainsFunc(op.Parameters, func(p *huma.Param) bool { return p.In == "query" && p.Name == "cursor" })
}

// TestServerSendsWhatIsDocumented makes the server send the statuses that the contract
// documents beyond each operation's own declaration, and checks that the status and the
// headers of each answer are in the contract for that operation.
func TestServerSendsWhatIsDocumented(t *testing.T) {
	h := newHarness(t)
	_, a := api.New(api.Deps{})
	doc := a.OpenAPI()
	secret, _ := h.token(domain.RoleSecretariat)
	studyFixture(t, h) // edition 2019, cities alpha, beta, gamma, delta
	cityTag := h.do(req{method: "GET", path: "/v1/cities/alpha"}).expect(t, 200).Header.Get("ETag")

	for _, c := range []struct {
		op, template string
		r            req
		status       int
	}{
		{"get-city", "/v1/cities/{slug}", req{method: "GET", path: "/v1/cities/alpha", header: map[string]string{"If-None-Match": cityTag}}, 304},
		{"list-cities", "/v1/cities", req{method: "GET", path: "/v1/cities?limit=1"}, 200},
		{"create-city", "/v1/cities", req{method: "POST", path: "/v1/cities", token: secret, body: `{"slug": "porto",`}, 400},
		{"create-city", "/v1/cities", req{method: "POST", path: "/v1/cities", token: "dcapi_unknown"}, 401},
		{"create-city", "/v1/cities", req{method: "POST", path: "/v1/cities", token: secret, header: map[string]string{"Idempotency-Key": "k1"},
			body: map[string]any{"slug": "porto", "name": map[string]any{"en": "Porto"}, "country": "PT", "section": "europe"}}, 201},
		{"create-city", "/v1/cities", req{method: "POST", path: "/v1/cities", token: secret, header: map[string]string{"Idempotency-Key": "k1"},
			body: map[string]any{"slug": "porto", "name": map[string]any{"en": "Porto"}, "country": "PT", "section": "europe"}}, 201},
		{"patch-city", "/v1/cities/{slug}", req{method: "PATCH", path: "/v1/cities/alpha", token: secret, body: `{"website": null}`,
			header: map[string]string{"Content-Type": "application/merge-patch+json"}}, 428},
		{"patch-city", "/v1/cities/{slug}", req{method: "PATCH", path: "/v1/cities/alpha", token: secret, body: `{"website": null}`,
			header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"v99"`}}, 412},
		{"patch-city", "/v1/cities/{slug}", req{method: "PATCH", path: "/v1/cities/alpha", token: secret, body: `{"website": null}`,
			header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": cityTag}}, 200},
		{"add-study-city", "/v1/studies/{edition}/cities/{city}", req{method: "PUT", path: "/v1/studies/2019/cities/beta", token: secret, body: `{}`}, 201},
		{"add-study-city", "/v1/studies/{edition}/cities/{city}", req{method: "PUT", path: "/v1/studies/2019/cities/beta", token: secret, body: `{}`}, 200},
		{"get-city", "/v1/cities/{slug}", req{method: "GET", path: "/v1/cities/alpha?lang=fr"}, 200},
		{"get-city", "/v1/cities/{slug}", req{method: "GET", path: "/v1/cities/nowhere", header: map[string]string{"Accept-Language": "es"}}, 404},
		{"list-observations", "/v1/observations", req{method: "GET", path: "/v1/observations?lang=all"}, 200},
	} {
		res := h.do(c.r)
		where := c.op + " " + strconv.Itoa(c.status)
		if res.Status != c.status {
			t.Errorf("%s: got %d: %s", where, res.Status, res.Body)
			continue
		}
		op := doc.Paths[c.template].Get
		switch c.r.method {
		case "POST":
			op = doc.Paths[c.template].Post
		case "PUT":
			op = doc.Paths[c.template].Put
		case "PATCH":
			op = doc.Paths[c.template].Patch
		}
		if op == nil || op.OperationID != c.op {
			t.Fatalf("%s: no such operation at %s %s", where, c.r.method, c.template)
		}
		documented := op.Responses[strconv.Itoa(res.Status)]
		if documented == nil {
			t.Errorf("%s: status %d is not in the contract", where, res.Status)
			continue
		}
		for _, name := range []string{"ETag", "Link", "Location", "RateLimit", "RateLimit-Policy", "Retry-After",
			"WWW-Authenticate", "Idempotent-Replayed", "X-Request-Id", "Content-Language", "Vary"} {
			if res.Header.Get(name) != "" && documented.Headers[name] == nil {
				t.Errorf("%s: sends %s: %s, which the contract does not document", where, name, res.Header.Get(name))
			}
			// A value must fit its documented header's pattern ("v3-fr" as much as "v3").
			if h, ok := doc.Components.Headers[name]; ok && h.Schema != nil && h.Schema.Pattern != "" {
				for _, v := range res.Header.Values(name) {
					if !regexp.MustCompile(h.Schema.Pattern).MatchString(v) {
						t.Errorf("%s: %s: %q does not fit the contract's pattern %s", where, name, v, h.Schema.Pattern)
					}
				}
			}
		}
	}
}
