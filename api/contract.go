package api

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// safeText is the pattern of every free-text string the API takes or gives: any character but
// the control characters (tab, line feed and carriage return are allowed). PostgreSQL refuses
// NUL bytes, and no one means to send the others.
const safeText = `^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$`

// Lengths derived from a string's format.
var maxLengthByFormat = map[string]int{"date-time": 35, "date": 10, "uri": 2048, "uri-reference": 2048, "binary": 0}

// extraSuccess are the success statuses that an operation's output sets itself (Huma documents
// only the default one): add-study-city answers 201 when the city was not in the edition yet.
var extraSuccess = map[string]int{"add-study-city": http.StatusCreated}

// finishContract completes the generated document with what Huma cannot see from the Go types:
// the statuses and headers that the middleware and Huma's own input handling send, and limits
// that follow from a string's format; then it makes the schemas say what client generators
// expect (see tidySchema). Free-text strings get the safeText pattern, which Huma then
// enforces on input. It runs once, after every operation is registered.
func finishContract(doc *huma.OpenAPI) {
	doc.Components.Headers = headerComponents()
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			if rb := op.RequestBody; rb != nil && len(rb.Content) > 1 {
				// RawBody makes Huma offer application/octet-stream too; the documented type is the one that counts.
				delete(rb.Content, "application/octet-stream")
			}
			documentStatuses(op)
			documentHeaders(op)
			for _, p := range op.Parameters {
				limitStrings(p.Schema)
				if p.Schema != nil {
					p.Schema.Nullable = false // a parameter is absent or has a value; it is never null
				}
				switch {
				case p.In == "query" && p.Name == "updated_since":
					p.Description = updatedSinceDoc // the same on every collection, too long for a tag
				case p.In == "query" && p.Name == "as_of" && !strings.HasSuffix(p.Description, asOfDoc):
					p.Description += " " + asOfDoc
				}
			}
		}
	}
	for _, s := range doc.Components.Schemas.Map() {
		limitStrings(s)
	}
	localizeResponses(doc)
	documentLanguageHeaders(doc)
	// Last: tidySchema moves Huma's patternDescription, which the validation messages were
	// computed from above and at registration.
	forEachSchema(doc, tidySchema)
	addExamples(doc)
}

// documentStatuses adds the statuses that an operation can answer beyond the ones it declares:
//   - 413 and 415 when it takes a body (above the size limit, another media type), and for a
//     JSON body 400 (Huma's answer to JSON it cannot parse, or to a missing body) and 408 (the
//     body was not sent in time);
//   - 304 when it honours If-None-Match;
//   - 412 and 428 when it requires If-Match (a stale ETag, a missing one);
//   - the success statuses that its output chooses (extraSuccess).
func documentStatuses(op *huma.Operation) {
	if op.RequestBody != nil {
		addProblem(op, http.StatusRequestEntityTooLarge)
		addProblem(op, http.StatusUnsupportedMediaType)
		if takesJSON(op.RequestBody) {
			addProblem(op, http.StatusBadRequest)
			addProblem(op, http.StatusRequestTimeout)
		}
	}
	if hasHeaderParam(op, "If-None-Match") {
		op.Responses[strconv.Itoa(http.StatusNotModified)] = &huma.Response{
			Description: "Not Modified: the ETag sent in If-None-Match is still current; there is no body.",
			Headers:     map[string]*huma.Param{"ETag": headerRef("ETag")},
		}
	}
	if hasHeaderParam(op, "If-Match") {
		addProblem(op, http.StatusPreconditionFailed)
		addProblem(op, http.StatusPreconditionRequired)
	}
	if status, ok := extraSuccess[op.OperationID]; ok {
		if def := op.Responses[strconv.Itoa(op.DefaultStatus)]; def != nil && op.Responses[strconv.Itoa(status)] == nil {
			r := *def
			r.Description, r.Headers = http.StatusText(status), maps.Clone(def.Headers)
			op.Responses[strconv.Itoa(status)] = &r
		}
	}
}

// documentHeaders gives every response of an operation the headers it can carry: those the
// middleware sets on every response, and those that depend on the status or the operation.
// Headers that operations set themselves (ETag, Link, Location) point to their components.
func documentHeaders(op *huma.Operation) {
	idempotent := hasHeaderParam(op, "Idempotency-Key")
	for status, resp := range op.Responses {
		if resp.Headers == nil {
			resp.Headers = map[string]*huma.Param{}
		}
		for name := range resp.Headers {
			if _, ok := headerNames[name]; ok {
				resp.Headers[name] = headerRef(name)
			}
		}
		for _, name := range everyResponse {
			resp.Headers[name] = headerRef(name)
		}
		switch {
		case status == "429" || status == "503" || (status == "409" && op.Method == http.MethodPost):
			resp.Headers["Retry-After"] = headerRef("Retry-After")
		case status == "401":
			resp.Headers["WWW-Authenticate"] = headerRef("WWW-Authenticate")
		case idempotent && strings.HasPrefix(status, "2"):
			resp.Headers["Idempotent-Replayed"] = headerRef("Idempotent-Replayed")
		}
	}
}

// addProblem documents an error status of an operation, as an RFC 9457 problem like its others
// (every operation documents 500), unless the operation documents that status already.
func addProblem(op *huma.Operation, status int) {
	key := strconv.Itoa(status)
	if op.Responses[key] != nil {
		return
	}
	op.Responses[key] = &huma.Response{Description: http.StatusText(status), Content: op.Responses["500"].Content}
}

// takesJSON reports whether a request body is JSON (application/json or a +json type).
func takesJSON(rb *huma.RequestBody) bool {
	for mt := range rb.Content {
		if isJSON(mt) {
			return true
		}
	}
	return false
}

// hasHeaderParam reports whether an operation takes the named request header.
func hasHeaderParam(op *huma.Operation, name string) bool {
	return slices.ContainsFunc(op.Parameters, func(p *huma.Param) bool {
		return p.In == "header" && strings.EqualFold(p.Name, name)
	})
}

// tidySchema makes a schema say what client generators and validators expect:
//   - Huma's patternDescription (a keyword of no JSON Schema vocabulary, which Redocly and
//     openapi-typescript refuse) becomes the extension x-pattern-description;
//   - a nullable enum lists null among its values, since a value must be one of the enum's
//     (and so, in the 3.0 downgrade, nullable: true then really admits null).
//
// Huma's validation is unchanged: its messages were computed before, and it accepts null for a
// nullable schema before it looks at the enum.
func tidySchema(s *huma.Schema) {
	if s.PatternDescription != "" {
		if s.Extensions == nil {
			s.Extensions = map[string]any{}
		}
		s.Extensions["x-pattern-description"] = s.PatternDescription
		s.PatternDescription = ""
	}
	if s.Nullable && len(s.Enum) > 0 && !slices.Contains(s.Enum, nil) {
		s.Enum = append(s.Enum, nil)
	}
}

// forEachSchema calls f once for every schema of the document: the components and those inline
// in parameters, headers, request and response bodies, with every schema nested in them.
func forEachSchema(doc *huma.OpenAPI, f func(*huma.Schema)) {
	seen := map[*huma.Schema]bool{}
	var walk func(s *huma.Schema)
	walk = func(s *huma.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		f(s)
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		if ap, ok := s.AdditionalProperties.(*huma.Schema); ok {
			walk(ap)
		}
		for _, subs := range [][]*huma.Schema{s.OneOf, s.AnyOf, s.AllOf} {
			for _, sub := range subs {
				walk(sub)
			}
		}
		walk(s.Not)
	}
	media := func(content map[string]*huma.MediaType) {
		for _, mt := range content {
			walk(mt.Schema)
		}
	}
	for _, s := range doc.Components.Schemas.Map() {
		walk(s)
	}
	for _, h := range doc.Components.Headers {
		walk(h.Schema)
	}
	for _, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			for _, p := range op.Parameters {
				walk(p.Schema)
			}
			if op.RequestBody != nil {
				media(op.RequestBody.Content)
			}
			for _, r := range op.Responses {
				media(r.Content)
				for _, h := range r.Headers {
					walk(h.Schema)
				}
			}
		}
	}
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

// headerRef refers to one of headerComponents.
func headerRef(name string) *huma.Param {
	return &huma.Param{Ref: "#/components/headers/" + name}
}

func ptr[T any](v T) *T { return &v }

// everyResponse are the headers that the middleware puts on every response of an operation.
var everyResponse = []string{"RateLimit", "RateLimit-Policy", "X-Request-Id", "Access-Control-Allow-Origin"}

// headerNames are the names of headerComponents.
var headerNames = func() map[string]bool {
	names := map[string]bool{}
	for name := range headerComponents() {
		names[name] = true
	}
	return names
}()

// headerComponents are the response headers the API sends, documented once under
// components/headers and referred to from each response that can carry them. A new map at each
// call: every API's document gets its own, never shared with another.
func headerComponents() map[string]*huma.Header {
	return map[string]*huma.Header{
		"RateLimit": header("The client's remaining quota in the budget this request spent, and seconds until it is full "+
			`(IETF httpapi RateLimit draft), e.g. "reads";r=599;t=1.`, huma.TypeString, 100, `^"[a-z-]+";r=[0-9]+;t=[0-9]+$`),
		"RateLimit-Policy": header(`The budget this request spent: quota per window of seconds, e.g. "reads";q=600;w=60.`,
			huma.TypeString, 100, `^"[a-z-]+";q=[0-9]+;w=[0-9]+$`),
		"X-Request-Id": header("The request's id (the client's own when it sent a safe one); quote it when reporting a problem.",
			huma.TypeString, 64, `^[A-Za-z0-9._-]{1,64}$`),
		"Access-Control-Allow-Origin": header("CORS: the API is open to every origin (no cookies are used).", huma.TypeString, 1, `^\*$`),
		"Retry-After":                 header("Seconds to wait before retrying.", huma.TypeInteger, 0, ""),
		"ETag": header(`The resource's entity tag at its current version, e.g. "v3": send it in If-None-Match to `+
			"revalidate (304 when unchanged) and in If-Match to change or delete the resource. A calendar feed's tag is a digest "+
			`of the feed, e.g. "ics-3f2a9c1d0b7e4a55", for If-None-Match only; a rendering's adds a digest to the version `+
			`("v3-html-…"); a catalog document's is a digest; a release's is "r" and its number; a release file's is its `+
			`SHA-256 in hex, weak (W/) when gzip-encoded on the way. An answer that depends on the language ends its tag `+
			`with it ("v3-fr"); with lang=all the tag has none.`, huma.TypeString, 80,
			`^(W/)?"(v[0-9]+(-m[0-9]+\.[0-9]+\.[0-9]+)?|v[0-9]+-(md|html|jsonld)-[0-9a-f]{16}|ics-[0-9a-f]{16}|r[0-9]+|[0-9a-f]{24}|[0-9a-f]{64})(-(en|fr|es))?"$`),
		"Content-Language": header("The language of the answer's texts meant for people: en, fr or es, the one asked for "+
			"(lang, Accept-Language; a release file's, en where its labels are not translated; a problem's, en with lang=all), "+
			"or en, fr, es for lang=all.", huma.TypeString, 20, `^(en|fr|es)(, (en|fr|es))*$`),
		"Vary": header("The request headers the answer depends on: Accept-Language where it holds texts meant for people "+
			"(and on every problem), Accept where its format is negotiated, Accept-Encoding where it may be gzipped.",
			huma.TypeString, 100, `^[A-Za-z-]+(, ?[A-Za-z-]+)*$`),
		"Link": header(`The next page, when there is one: <…>; rel="next" (the same request with cursor set to next_cursor). `+
			`A dataset's documents and files name its licence (rel="license"); a release's CSV names its CSV on the Web `+
			`metadata (rel="describedby"; type="application/csvm+json").`,
			huma.TypeString, 8192, `^<[^>]+>; rel="(next|license|describedby)"(; type="[a-z/+]+")?(, <[^>]+>; rel="(next|license|describedby)"(; type="[a-z/+]+")?)*$`),
		"Location": {Description: "The URL path of the created resource.",
			Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(300), Format: "uri-reference"}},
		"WWW-Authenticate": header(`The authentication scheme to use: Bearer realm="digitalcities".`, huma.TypeString, 100, `^Bearer realm="[a-z]+"$`),
		"Idempotent-Replayed": header("true when this response is the replay of an earlier request with the same Idempotency-Key.",
			huma.TypeString, 4, `^true$`),
	}
}
