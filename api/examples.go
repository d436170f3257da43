package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// examplesJSON holds the contract's examples, drawn from the sample data (internal/seed) as the
// API serves it: Bilbao with its real, reported facts, and the sample cities and their sample
// observations, still marked provenance "sample". "operations" gives, for each operation id,
// the example of its request body ("request") and of its success response ("response"; or
// "responses" by content type, for exports). "schemas" gives examples of schemas that no
// operation example reaches (error documents, ordinal levels).
//
//go:embed examples.json
var examplesJSON []byte

type operationExamples struct {
	Request   any            `json:"request"`
	Response  any            `json:"response"`
	Responses map[string]any `json:"responses"`
}

var examples = func() (e struct {
	Operations map[string]operationExamples `json:"operations"`
	Schemas    map[string]any               `json:"schemas"`
},
) {
	d := json.NewDecoder(strings.NewReader(string(examplesJSON)))
	d.UseNumber()
	if err := d.Decode(&e); err != nil {
		panic(fmt.Errorf("api/examples.json: %w", err))
	}
	return e
}()

// addExamples puts the examples on the document: each operation's request body and success
// response, and, from those, each component schema that they reach (a City's example is the
// City of get-city, its name's the Text of that city's name), so that /docs shows realistic data
// for every schema. Schemas are visited in a fixed order (paths, then methods) so that the
// generated document is stable.
func addExamples(doc *huma.OpenAPI) {
	reg := doc.Components.Schemas
	for name, ex := range examples.Schemas {
		if s := reg.Map()[name]; s != nil {
			s.Examples = []any{ex}
		}
	}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		item := doc.Paths[p]
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			ex, ok := examples.Operations[op.OperationID]
			if !ok {
				continue
			}
			if rb := op.RequestBody; rb != nil && ex.Request != nil {
				for _, mt := range rb.Content {
					mt.Example = ex.Request
					exampleSchemas(reg, mt.Schema, ex.Request, 0)
				}
			}
			for status, resp := range op.Responses {
				if !strings.HasPrefix(status, "2") {
					continue
				}
				for ct, mt := range resp.Content {
					v := ex.Response
					if r, ok := ex.Responses[ct]; ok {
						v = r
					}
					if v != nil {
						mt.Example = v
						exampleSchemas(reg, mt.Schema, v, 0)
					}
				}
			}
		}
	}
}

// exampleSchemas gives the component schemas that s refers to, and those its properties and
// items refer to, the matching part of the example v, unless they have one already.
func exampleSchemas(reg huma.Registry, s *huma.Schema, v any, depth int) {
	if s == nil || v == nil || depth > 20 {
		return
	}
	if s.Ref != "" {
		target := reg.SchemaFromRef(s.Ref)
		if target != nil && len(target.Examples) == 0 {
			target.Examples = []any{v}
		}
		exampleSchemas(reg, target, v, depth+1)
		return
	}
	switch v := v.(type) {
	case map[string]any:
		// In name order, so that a schema reached by two properties always takes its example
		// from the same one and the document is the same at every build.
		names := make([]string, 0, len(s.Properties))
		for name := range s.Properties {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			exampleSchemas(reg, s.Properties[name], v[name], depth+1)
		}
	case []any:
		if len(v) > 0 {
			exampleSchemas(reg, s.Items, v[0], depth+1)
		}
	}
}
