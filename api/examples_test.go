package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/api"
)

// TestContractExamples: every operation of the contract shows a realistic example of each of its
// parameters, its request body and its success response, and every property of every object
// schema has one (or the schema itself has one), so that /docs and generated clients show data
// like the API's. Every JSON example must validate against its schema: an example that the API
// would refuse, or could never send, teaches the wrong thing.
func TestContractExamples(t *testing.T) {
	_, a := api.New(api.Deps{})
	doc := a.OpenAPI()
	reg := doc.Components.Schemas
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	check := func(where string, s *huma.Schema, mode huma.ValidateMode, example any) {
		if s == nil {
			return
		}
		// Through JSON, as a client would see the example: Go values become maps, slices and floats.
		b, err := json.Marshal(example)
		if err != nil {
			fail("%s: example does not marshal: %v", where, err)
			return
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			fail("%s: example is not JSON: %v", where, err)
			return
		}
		res := &huma.ValidateResult{}
		huma.Validate(reg, s, huma.NewPathBuffer([]byte{}, 0), mode, v, res)
		for _, e := range res.Errors {
			fail("%s: example %s does not validate: %v", where, b, e)
		}
	}

	var ops, params, bodies, responses int
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths[path]
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			ops++
			for _, p := range op.Parameters {
				where := fmt.Sprintf("%s: %s parameter %s", op.OperationID, p.In, p.Name)
				ex, ok := paramExample(p)
				if !ok {
					fail("%s has no example", where)
					continue
				}
				params++
				check(where, p.Schema, huma.ModeWriteToServer, ex)
			}
			if rb := op.RequestBody; rb != nil {
				for ct, mt := range rb.Content {
					where := fmt.Sprintf("%s: request body %s", op.OperationID, ct)
					ex, ok := mediaExample(mt)
					if !ok {
						fail("%s has no example", where)
						continue
					}
					bodies++
					if isJSON(ct) {
						check(where, mt.Schema, huma.ModeWriteToServer, ex)
					}
				}
			}
			for status, resp := range op.Responses {
				if !strings.HasPrefix(status, "2") {
					continue
				}
				for ct, mt := range resp.Content {
					where := fmt.Sprintf("%s: %s response %s", op.OperationID, status, ct)
					ex, ok := mediaExample(mt)
					if !ok {
						fail("%s has no example", where)
						continue
					}
					responses++
					if isJSON(ct) && mt.Schema != nil {
						check(where, mt.Schema, huma.ModeReadFromServer, ex)
					}
				}
			}
		}
	}

	var schemas, properties int
	for name, s := range reg.Map() {
		if s.Type != huma.TypeObject {
			continue
		}
		schemas++
		for _, ex := range s.Examples {
			check("schema "+name, s, huma.ModeReadFromServer, ex)
		}
		for prop, ps := range s.Properties {
			if !hasExample(reg, ps, 0) {
				if len(s.Examples) == 0 {
					fail("schema %s: property %s has no example (nor has the schema)", name, prop)
				}
				continue
			}
			properties++
			for _, ex := range ps.Examples {
				check("schema "+name+"."+prop, ps, huma.ModeReadFromServer, ex)
			}
		}
	}

	slices.Sort(problems)
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("examples: %d operations; %d parameters, %d request bodies, %d success responses; %d object schemas with %d properties",
		ops, params, bodies, responses, schemas, properties)
}

// paramExample returns a parameter's example, from the parameter or from its schema.
func paramExample(p *huma.Param) (any, bool) {
	switch {
	case p.Example != nil:
		return p.Example, true
	case len(p.Examples) > 0:
		for _, e := range p.Examples {
			return e.Value, true
		}
	case p.Schema != nil && len(p.Schema.Examples) > 0:
		return p.Schema.Examples[0], true
	}
	return nil, false
}

// mediaExample returns a body's example, from the media type or from its schema.
func mediaExample(mt *huma.MediaType) (any, bool) {
	switch {
	case mt == nil:
		return nil, false
	case mt.Example != nil:
		return mt.Example, true
	case len(mt.Examples) > 0:
		for _, e := range mt.Examples {
			return e.Value, true
		}
	}
	return nil, false
}

// hasExample reports whether a schema shows an example: its own, that of the schema it refers
// to, or one for each of its items or properties.
func hasExample(reg huma.Registry, s *huma.Schema, depth int) bool {
	switch {
	case s == nil || depth > 10:
		return false
	case len(s.Examples) > 0:
		return true
	case s.Ref != "":
		return hasExample(reg, reg.SchemaFromRef(s.Ref), depth+1)
	case s.Type == huma.TypeArray:
		return hasExample(reg, s.Items, depth+1)
	case s.Type == huma.TypeObject && len(s.Properties) > 0:
		for _, p := range s.Properties {
			if !hasExample(reg, p, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

func isJSON(contentType string) bool {
	return contentType == "application/json" || strings.HasSuffix(contentType, "+json")
}
