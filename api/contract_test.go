package api_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/api"
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
