package api

import (
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// The contract of answers in one language. Huma derives one schema per Go type, so a text is
// the {en, fr, es} object (Text) wherever it appears; requests take only that. An answer has
// each text as a string in its language, or the object with lang=all: localizeResponses makes
// the answers' schemas say so, with LocalizedText, and gives the bodies that hold texts their
// translation_fallbacks.

const (
	schemaRefPrefix   = "#/components/schemas/"
	textSchema        = "Text"
	localizedText     = "LocalizedText"
	localizedSuffix   = "Localized"
	fallbacksProperty = "translation_fallbacks"
)

// localizeResponses rewrites the schemas of answers: each reference to Text becomes one to
// LocalizedText, a string or a Text. A schema that holds texts and is used by answers only is
// rewritten in place; one that requests use too is copied for answers as <Name>Localized.
func localizeResponses(doc *huma.OpenAPI) {
	schemas := doc.Components.Schemas.Map()
	text, ok := schemas[textSchema]
	if !ok {
		return
	}
	schemas[localizedText] = &huma.Schema{
		Description: "A text meant for people: a string in the answer's language (Content-Language; English where " +
			"no translation exists, listed in the body's translation_fallbacks), or with lang=all the " + textSchema + " object.",
		OneOf: []*huma.Schema{{Type: huma.TypeString, MaxLength: text.Properties["en"].MaxLength, Pattern: safeText},
			{Ref: schemaRefPrefix + textSchema}},
	}

	holds := map[string]bool{textSchema: true} // component name -> it holds a Text, at any depth
	for changed := true; changed; {            // to a fixed point: schemas may refer to each other in cycles
		changed = false
		for name, sc := range schemas {
			if !holds[name] {
				eachRef(sc, func(ref string) {
					if holds[ref] && !holds[name] {
						holds[name], changed = true, true
					}
				})
			}
		}
	}
	requested := reachable(schemas, requestSchemas(doc))

	target := func(name string) string {
		if requested[name] {
			return name + localizedSuffix
		}
		return name
	}
	var rewrite func(s *huma.Schema) *huma.Schema
	rewrite = func(s *huma.Schema) *huma.Schema {
		if s == nil {
			return nil
		}
		c := *s
		if name, ok := strings.CutPrefix(s.Ref, schemaRefPrefix); ok {
			switch {
			case name == textSchema:
				c.Ref = schemaRefPrefix + localizedText
			case holds[name]:
				c.Ref = schemaRefPrefix + target(name)
			}
			return &c
		}
		if s.Properties != nil {
			c.Properties = make(map[string]*huma.Schema, len(s.Properties))
			for k, p := range s.Properties {
				c.Properties[k] = rewrite(p)
			}
		}
		c.Items = rewrite(s.Items)
		if ap, ok := s.AdditionalProperties.(*huma.Schema); ok {
			c.AdditionalProperties = rewrite(ap)
		}
		c.OneOf, c.AnyOf, c.AllOf = rewriteAll(s.OneOf, rewrite), rewriteAll(s.AnyOf, rewrite), rewriteAll(s.AllOf, rewrite)
		c.Not = rewrite(s.Not)
		return &c
	}

	answered := reachable(schemas, responseSchemas(doc))
	for name := range answered {
		if name == textSchema || !holds[name] {
			continue
		}
		schemas[target(name)] = rewrite(schemas[name])
	}
	eachOperation(doc, func(op *huma.Operation) {
		for status, r := range op.Responses {
			for _, mt := range r.Content {
				if mt.Schema == nil {
					continue
				}
				if strings.HasPrefix(status, "2") && holdsTextAt(mt.Schema, holds) {
					markLanguageDependent(op)
				}
				mt.Schema = rewrite(mt.Schema)
				name, ok := strings.CutPrefix(mt.Schema.Ref, schemaRefPrefix)
				if body := schemas[name]; ok && name != localizedText && holds[strings.TrimSuffix(name, localizedSuffix)] &&
					body.Type == huma.TypeObject && body.Properties != nil {
					body.Properties[fallbacksProperty] = fallbacksSchema()
				}
			}
		}
	})
}

// documentLanguageHeaders documents Content-Language and Vary on the answers that depend on the
// language: the successes and 304s of the operations marked so, and every problem.
func documentLanguageHeaders(doc *huma.OpenAPI) {
	eachOperation(doc, func(op *huma.Operation) {
		for status, r := range op.Responses {
			if (languageDependent(op) && (strings.HasPrefix(status, "2") || status == "304")) || status >= "400" {
				if r.Headers == nil {
					r.Headers = map[string]*huma.Param{}
				}
				r.Headers["Content-Language"], r.Headers["Vary"] = headerRef("Content-Language"), headerRef("Vary")
			}
		}
	})
}

// fallbacksSchema documents translation_fallbacks.
func fallbacksSchema() *huma.Schema {
	return &huma.Schema{Type: huma.TypeArray, MaxItems: ptr(100000),
		Description: "Only at the top of an answer in one language: the JSON pointers (RFC 6901) of the texts given in " +
			"English because they have no translation in that language; absent when every text is translated.",
		Items: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(300), Pattern: `^(/[^/]*)*$`}}
}

// holdsTextAt reports whether a body schema holds a Text, given which components do.
func holdsTextAt(s *huma.Schema, holds map[string]bool) bool {
	found := false
	eachRef(s, func(name string) { found = found || holds[name] })
	return found
}

// rewriteAll applies rewrite to each schema of a list.
func rewriteAll(list []*huma.Schema, rewrite func(*huma.Schema) *huma.Schema) []*huma.Schema {
	if list == nil {
		return nil
	}
	out := make([]*huma.Schema, len(list))
	for i, s := range list {
		out[i] = rewrite(s)
	}
	return out
}

// eachRef calls f with the component name of every reference inside s.
func eachRef(s *huma.Schema, f func(name string)) {
	if s == nil {
		return
	}
	if name, ok := strings.CutPrefix(s.Ref, schemaRefPrefix); ok {
		f(name)
	}
	for _, p := range s.Properties {
		eachRef(p, f)
	}
	eachRef(s.Items, f)
	if ap, ok := s.AdditionalProperties.(*huma.Schema); ok {
		eachRef(ap, f)
	}
	for _, subs := range [][]*huma.Schema{s.OneOf, s.AnyOf, s.AllOf} {
		for _, sub := range subs {
			eachRef(sub, f)
		}
	}
	eachRef(s.Not, f)
}

// reachable is the set of component names that the roots refer to, at any depth.
func reachable(schemas map[string]*huma.Schema, roots []*huma.Schema) map[string]bool {
	seen := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		eachRef(schemas[name], visit)
	}
	for _, r := range roots {
		eachRef(r, visit)
	}
	return seen
}

// requestSchemas and responseSchemas are the body schemas of the document's operations.
func requestSchemas(doc *huma.OpenAPI) []*huma.Schema {
	var out []*huma.Schema
	eachOperation(doc, func(op *huma.Operation) {
		if op.RequestBody != nil {
			for _, mt := range op.RequestBody.Content {
				out = append(out, mt.Schema)
			}
		}
		for _, p := range op.Parameters {
			out = append(out, p.Schema)
		}
	})
	return out
}

func responseSchemas(doc *huma.OpenAPI) []*huma.Schema {
	var out []*huma.Schema
	eachOperation(doc, func(op *huma.Operation) {
		for _, r := range op.Responses {
			for _, mt := range r.Content {
				out = append(out, mt.Schema)
			}
		}
	})
	return out
}

// eachOperation calls f for every operation of the document.
func eachOperation(doc *huma.OpenAPI, f func(*huma.Operation)) {
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op != nil {
				f(op)
			}
		}
	}
}
