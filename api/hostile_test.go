package api_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// contractOps lists the operations of the contract with their methods and paths.
func contractOps() []struct {
	method, path string
	op           *huma.Operation
} {
	_, a := api.New(api.Deps{})
	var out []struct {
		method, path string
		op           *huma.Operation
	}
	for path, item := range a.OpenAPI().Paths {
		for method, o := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put,
			"PATCH": item.Patch, "DELETE": item.Delete} {
			if o != nil {
				out = append(out, struct {
					method, path string
					op           *huma.Operation
				}{method, path, o})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].op.OperationID < out[j].op.OperationID })
	return out
}

func schemaOf(a huma.API, s *huma.Schema) *huma.Schema {
	if s != nil && s.Ref != "" {
		return a.OpenAPI().Components.Schemas.SchemaFromRef(s.Ref)
	}
	return s
}

// TestServerOwnedFieldsCannotBeSet sends, to every operation that takes a JSON body, the
// fields its response has and its body does not (id, version, timestamps, verification,
// status, secrets…): each must be refused with 422 and change nothing.
func TestServerOwnedFieldsCannotBeSet(t *testing.T) {
	_, a := api.New(api.Deps{})
	w := newMatrixWorld(t)
	tried := 0
	for _, o := range contractOps() {
		rb := o.op.RequestBody
		if rb == nil {
			continue
		}
		var in *huma.Schema
		for ct, mt := range rb.Content {
			if strings.Contains(ct, "json") {
				in = schemaOf(a, mt.Schema)
			}
		}
		var out *huma.Schema
		for _, code := range []string{"200", "201"} {
			if resp := o.op.Responses[code]; resp != nil && resp.Content["application/json"] != nil {
				out = schemaOf(a, resp.Content["application/json"].Schema)
			}
		}
		if in == nil || out == nil {
			continue
		}
		r, ok := w.requestFor(o.op.OperationID, "A")
		if !ok {
			t.Fatalf("%s has no request in the matrix", o.op.OperationID)
		}
		for field := range out.Properties {
			if _, writable := in.Properties[field]; writable {
				continue
			}
			body := map[string]any{}
			switch b := r.body.(type) {
			case string:
				if err := json.Unmarshal([]byte(b), &body); err != nil {
					t.Fatal(err)
				}
			case map[string]any:
				for k, v := range b {
					body[k] = v
				}
			}
			body[field] = plausible(field)
			bad := r
			bad.body = body
			before := w.fingerprint(t)
			who := secretariat
			if p := api.PolicyOf(o.op); !slices.Contains(p.Roles, domain.RoleSecretariat) {
				who = admin // tokens are the admins'
			}
			res := w.call(bad, who)
			tried++
			if res.Status != 422 {
				t.Errorf("%s accepted server-owned field %q: %d %.200s", o.op.OperationID, field, res.Status, res.Body)
			}
			if w.fingerprint(t) != before {
				t.Errorf("%s with server-owned field %q changed the database", o.op.OperationID, field)
			}
		}
	}
	if tried < 20 {
		t.Fatalf("only %d server-owned fields tried", tried)
	}
	t.Logf("%d server-owned fields refused", tried)
}

// plausible is a well-typed value for a server-owned field, so that only its being there is wrong.
func plausible(field string) any {
	switch field {
	case "id", "version", "token_id":
		return 1
	case "created_at", "updated_at", "retired_at", "last_used_at", "revoked_at":
		return "2020-01-01T00:00:00Z"
	case "verification":
		return "verified"
	case "status":
		return "retired"
	case "dimensions", "cities":
		return []any{}
	}
	return "x"
}

// TestControlCharactersAreRefused: a NUL byte (which PostgreSQL refuses) or another control
// character in any text is a 422 naming the field, not a 500.
func TestControlCharactersAreRefused(t *testing.T) {
	w := newMatrixWorld(t)
	for _, name := range []string{`Bad\u0000Name`, `Bell\u0007`, `Esc\u001b[31m`} {
		body := `{"slug":"nul-city","name":{"en":"` + name + `"},"country":"ES","section":"europe"}`
		w.call(req{method: "POST", path: "/v1/cities", body: body}, secretariat).expect(t, 422).errorAt(t, "body.name.en")
	}
	w.call(req{method: "GET", path: "/v1/cities?q=" + url.QueryEscape(`\x00`)}, anonymous).expect(t, 200)
	w.call(req{method: "GET", path: "/v1/cities?q=%00"}, anonymous).expect(t, 422)
	ok := `{"slug":"tab-city","name":{"en":"Tab\tand\nnew line"},"country":"ES","section":"europe"}`
	w.call(req{method: "POST", path: "/v1/cities", body: ok}, secretariat).expect(t, 201)
}

var injections = []string{
	`' OR '1'='1`, `'; DROP TABLE cities; --`, `1; DELETE FROM observations`, `%' AND pg_sleep(3) --`,
	`") OR ("a"="a`, `\'; SELECT version(); --`, `alpha' UNION SELECT secret FROM api_tokens --`, "\x00", `%_%`,
}

// TestInjectionInEveryStringParameter puts SQL injection attempts in every string query and path
// parameter of every read: each answer is 2xx or 4xx (never 5xx) and nothing changes.
func TestInjectionInEveryStringParameter(t *testing.T) {
	w := newMatrixWorld(t)
	before := w.fingerprint(t)
	tried := 0
	for _, o := range contractOps() {
		if o.method != "GET" {
			continue
		}
		r, ok := w.requestFor(o.op.OperationID, "A")
		if !ok {
			t.Fatalf("%s has no request in the matrix", o.op.OperationID)
		}
		base, err := url.Parse(r.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range o.op.Parameters {
			isString := p.Schema != nil && (p.Schema.Type == "string" || p.Schema.Type == "array")
			if !isString || p.In == "header" {
				continue
			}
			for _, inj := range injections {
				u := *base
				switch p.In {
				case "query":
					q := u.Query()
					q.Set(p.Name, inj)
					u.RawQuery = q.Encode()
				case "path":
					u.Path = strings.Replace(o.path, "{"+p.Name+"}", url.PathEscape(inj), 1)
					u.RawPath = ""
					u.Path, _ = url.PathUnescape(u.Path)
					for _, other := range o.op.Parameters {
						if other.In == "path" && other.Name != p.Name {
							u.Path = strings.Replace(u.Path, "{"+other.Name+"}", "alpha", 1)
						}
					}
				}
				res := w.call(req{method: "GET", path: u.RequestURI()}, secretariat)
				tried++
				if res.Status >= 500 {
					t.Errorf("%s %s=%q: %d %.200s", o.op.OperationID, p.Name, inj, res.Status, res.Body)
				}
			}
		}
	}
	if w.fingerprint(t) != before {
		t.Fatal("injection attempts changed the database")
	}
	if tried < 100 {
		t.Fatalf("only %d attempts", tried)
	}
	t.Logf("%d injection attempts, none reached SQL as code", tried)
}
