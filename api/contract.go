package api

import "github.com/danielgtaylor/huma/v2"

// safeText is the pattern of every free-text string the API takes or gives: any character but
// the control characters (tab, line feed and carriage return are allowed). PostgreSQL refuses
// NUL bytes, and no one means to send the others.
const safeText = `^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$`

// Lengths derived from a string's format.
var maxLengthByFormat = map[string]int{"date-time": 35, "uri": 2048, "uri-reference": 2048, "binary": 0}

// finishContract completes the generated document with what Huma cannot see from the Go types:
// the headers that the middleware puts on every response, and limits that follow from a
// string's format. Free-text strings get the safeText pattern, which Huma then enforces on
// input. It runs once, after every operation is registered.
func finishContract(doc *huma.OpenAPI) {
	doc.Components.Headers = responseHeaders
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			if rb := op.RequestBody; rb != nil && len(rb.Content) > 1 {
				// RawBody makes Huma offer application/octet-stream too; the documented type is the one that counts.
				delete(rb.Content, "application/octet-stream")
			}
			for status, resp := range op.Responses {
				if resp.Headers == nil {
					resp.Headers = map[string]*huma.Param{}
				}
				for name, h := range resp.Headers {
					if s, ok := knownHeaders[name]; ok && h.Schema != nil {
						h.Schema = s()
					}
				}
				for _, name := range []string{"RateLimit", "RateLimit-Policy", "X-Request-Id", "Access-Control-Allow-Origin"} {
					resp.Headers[name] = &huma.Param{Ref: "#/components/headers/" + name}
				}
				if status == "429" || status == "503" || (status == "409" && op.Method == "POST") {
					resp.Headers["Retry-After"] = &huma.Param{Ref: "#/components/headers/Retry-After"}
				}
			}
			for _, p := range op.Parameters {
				limitStrings(p.Schema)
			}
		}
	}
	for _, s := range doc.Components.Schemas.Map() {
		limitStrings(s)
	}
	addExamples(doc)
}

// limitStrings applies format-derived lengths and the safe-text pattern to a schema and the
// schemas inside it, recompiling what Huma validates with.
func limitStrings(s *huma.Schema) {
	if s == nil || s.Ref != "" {
		return
	}
	for _, p := range s.Properties {
		limitStrings(p)
	}
	limitStrings(s.Items)
	if s.Type != huma.TypeString || s.Enum != nil {
		return
	}
	if n, ok := maxLengthByFormat[s.Format]; ok && s.MaxLength == nil && n > 0 {
		s.MaxLength = &n
	}
	if s.Pattern == "" && s.Format == "" {
		s.Pattern = safeText
		s.PatternDescription = "text without control characters"
	}
	s.PrecomputeMessages()
}

func header(description, schemaType string, maxLength int, pattern string) *huma.Header {
	s := &huma.Schema{Type: schemaType}
	if schemaType == huma.TypeString {
		s.MaxLength, s.Pattern = &maxLength, pattern
	} else {
		zero, day := 0.0, 86400.0
		s.Minimum, s.Maximum, s.Format = &zero, &day, "int32"
	}
	return &huma.Header{Description: description, Schema: s}
}

// knownHeaders are the schemas of the headers operations set themselves.
var knownHeaders = map[string]func() *huma.Schema{
	"ETag": func() *huma.Schema {
		return &huma.Schema{Type: huma.TypeString, MaxLength: ptr(40), Pattern: `^"v[0-9]+(-m[0-9]+\.[0-9]+\.[0-9]+)?"$`}
	},
	"Location": func() *huma.Schema {
		return &huma.Schema{Type: huma.TypeString, MaxLength: ptr(300), Format: "uri-reference"}
	},
	"Link": func() *huma.Schema {
		return &huma.Schema{Type: huma.TypeString, MaxLength: ptr(8192), Pattern: `^<[^>]+>; rel="next"$`}
	},
}

func ptr[T any](v T) *T { return &v }

// responseHeaders are the headers every response carries, set by the middleware.
var responseHeaders = map[string]*huma.Header{
	"RateLimit": header("The client's remaining quota in the budget this request spent, and seconds until it is full "+
		`(IETF httpapi RateLimit draft), e.g. "reads";r=599;t=1.`, huma.TypeString, 100, `^"[a-z-]+";r=[0-9]+;t=[0-9]+$`),
	"RateLimit-Policy": header(`The budget this request spent: quota per window of seconds, e.g. "reads";q=600;w=60.`,
		huma.TypeString, 100, `^"[a-z-]+";q=[0-9]+;w=[0-9]+$`),
	"X-Request-Id": header("The request's id (the client's own when it sent a safe one); quote it when reporting a problem.",
		huma.TypeString, 64, `^[A-Za-z0-9._-]{1,64}$`),
	"Access-Control-Allow-Origin": header("CORS: the API is open to every origin (no cookies are used).", huma.TypeString, 1, `^\*$`),
	"Retry-After":                 header("Seconds to wait before retrying.", huma.TypeInteger, 0, ""),
}
