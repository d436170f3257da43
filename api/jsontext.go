package api

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// jsonText refuses a JSON body whose text is not Unicode: invalid UTF-8, or an escaped lone
// surrogate (\ud800 with no low half). Go's decoder would silently turn either into U+FFFD and
// store a text the client never sent; the CSV import refuses the same. Bodies are small (Huma
// bounds them), so the body is read here and handed on unchanged.
func (c *chain) jsonText(ctx huma.Context, next func(huma.Context)) {
	if !isJSON(ctx.Header("Content-Type")) {
		next(ctx)
		return
	}
	r, w := humachi.Unwrap(ctx)
	limit := ctx.Operation().MaxBodyBytes
	if limit <= 0 {
		limit = 1 << 20 // Huma's default
	}
	// The same read deadline that Huma gives a body: 5 s unless the operation says otherwise
	// (long-running operations turn Huma's off, so this one is theirs).
	_ = ctx.SetReadDeadline(time.Now().Add(cmp.Or(max(ctx.Operation().BodyReadTimeout, 0), 5*time.Second)))
	head, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		c.refuse(ctx, http.StatusRequestTimeout, "The request body was not sent in time.")
		return
	case err != nil:
		c.fail(ctx, domain.Invalid("body", "the request body could not be read"))
		return
	}
	// The body is read: lift the deadline, or net/http's background read would hit it and
	// cancel a long-running request's context (a release takes a minute) while it works.
	_ = ctx.SetReadDeadline(time.Time{})
	if err := checkJSONText(head); err != nil {
		c.fail(ctx, err)
		return
	}
	// Past the limit Huma answers 413 as usual: it gets what was read and the rest.
	body := r.Body
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), body), body}
	next(withRequest(ctx, r, w))
}

// isJSON reports whether a media type is JSON (application/json or any +json type).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// maxJSONDepth is how deeply a body may nest objects and arrays: the deepest document of the
// contract nests fewer than ten levels. Past it, the problem document that would quote the
// body could not even be written.
const maxJSONDepth = 32

// checkJSONText returns EINVALID when b is not valid UTF-8, a string in it escapes a lone UTF-16
// surrogate, or it nests more than maxJSONDepth levels.
func checkJSONText(b []byte) error {
	if !utf8.Valid(b) {
		return domain.Invalid("body", "the body is not valid UTF-8")
	}
	if bytes.ContainsFunc(b, domain.NonCharacter) {
		return domain.Invalid("body", "a string holds U+FFFE or U+FFFF, which are not characters")
	}
	inString := false
	depth := 0
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"':
			inString = !inString
		case !inString && (b[i] == '{' || b[i] == '['):
			if depth++; depth > maxJSONDepth {
				return domain.Invalid("body", "the body nests objects and arrays more than %d levels deep", maxJSONDepth)
			}
		case !inString && (b[i] == '}' || b[i] == ']'):
			depth--
		case inString && b[i] == '\\' && i+1 < len(b):
			i++
			if b[i] != 'u' {
				continue
			}
			r, ok := hex4(b, i+1)
			if !ok {
				continue // malformed: the JSON decoder reports it
			}
			i += 4
			switch {
			case domain.NonCharacter(r):
				return domain.Invalid("body", "a string holds \\u%04x, which is not a character", r)
			case r >= 0xDC00 && r <= 0xDFFF:
				return domain.Invalid("body", "a string holds a lone UTF-16 surrogate (\\u%04x)", r)
			case r >= 0xD800 && r <= 0xDBFF:
				low, ok := rune(0), i+2 < len(b) && b[i+1] == '\\' && b[i+2] == 'u'
				if ok {
					low, ok = hex4(b, i+3)
				}
				if !ok || low < 0xDC00 || low > 0xDFFF {
					return domain.Invalid("body", "a string holds a lone UTF-16 surrogate (\\u%04x)", r)
				}
				i += 6
			}
		}
	}
	return nil
}

// hex4 reads four hexadecimal digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
