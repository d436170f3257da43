package api

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// encodedJSON is a response body already written as JSON, by localize.
type encodedJSON []byte

// localize is the transformer of every JSON body Huma writes (resources, lists, problems): a
// body whose operation depends on the language (its schema holds texts meant for people), and
// every problem, is written in the request's language (marshalIn) and labelled with its
// Content-Language; the JSON format then sends the bytes as they are. Other bodies are left to
// the JSON format as they are.
func localize(ctx huma.Context, status string, v any) (any, error) {
	if v == nil || status == "304" {
		return nil, nil // a 304 has no body: nothing to write, in any language
	}
	lang := languageOf(ctx.Context())
	var isProblem bool
	switch p := v.(type) {
	case *problem:
		translateProblem(p.Problem, lang)
		isProblem = true
	case *httpx.Problem:
		translateProblem(p, lang)
		isProblem = true
	}
	dependent := languageDependent(ctx.Operation())
	if !dependent && !isProblem {
		// No text in its schema (the contract says so: localizeResponses): written as it is,
		// straight to the client, as before languages (observation pages, feeds, subscriptions).
		return v, nil
	}
	b, err := marshalIn(v, lang)
	if err != nil {
		return nil, err
	}
	if isProblem {
		ctx.SetHeader("Content-Language", singleLanguage(lang))
		if !dependent { // else languageWriter adds it
			ctx.AppendHeader("Vary", "Accept-Language")
		}
	} else {
		ctx.SetHeader("Content-Language", contentLanguage(lang)) // languageWriter adds Vary and the ETag's language
	}
	return encodedJSON(b), nil
}

// localizedJSON is the JSON format of the API's answers: bodies come already written by localize.
var localizedJSON = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		if b, ok := v.(encodedJSON); ok {
			_, err := w.Write(b)
			return err
		}
		return huma.DefaultJSONFormat.Marshal(w, v)
	},
	Unmarshal: huma.DefaultJSONFormat.Unmarshal,
}

// marshalIn encodes v as encoding/json would (no HTML escaping, a final newline, as Huma does),
// with every domain.Text as a string in lang; where the text has no translation in lang, the
// English one is written and its JSON pointer listed in the body's translation_fallbacks. With
// lang=all the texts stay {en, fr, es} objects.
func marshalIn(v any, lang string) ([]byte, error) {
	w := textWriters.Get().(*textWriter)
	defer textWriters.Put(w)
	w.lang, w.fallbacks = lang, w.fallbacks[:0]
	buf := bytes.NewBuffer(make([]byte, 0, 1024)) // a resource's size: one allocation, not five growths
	if err := jsonv2.MarshalWrite(buf, v, w.options); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(w.fallbacks) > 0 && len(b) > 1 && b[0] == '{' && b[len(b)-1] == '}' {
		b = appendFallbacks(b[:len(b)-1], len(b) > 2, w.fallbacks)
	}
	return append(b, '\n'), nil
}

// textWriter writes the texts of one answer at a time in its language, noting the fallbacks.
// Writers are pooled, not made per answer: the JSON options hold the marshaler of texts, and
// the encoder keeps what it learns of each Go type with them, so options made per answer
// learnt every type again (a fifth of a city's allocations).
type textWriter struct {
	lang      string
	fallbacks []string // the JSON pointers of the texts written in English for want of lang
	options   jsonv2.Options
}

// textWriters are the pool of textWriter.
var textWriters = sync.Pool{New: func() any {
	w := &textWriter{}
	texts := jsonv2.MarshalToFunc(func(enc *jsontext.Encoder, t domain.Text) error {
		if w.lang == domain.LanguageAll {
			return errors.ErrUnsupported // the object, as stored
		}
		s, used := t.In(w.lang)
		if used != w.lang {
			w.fallbacks = append(w.fallbacks, string(textPointer(enc)))
		}
		return enc.WriteToken(jsontext.String(s))
	})
	w.options = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false), jsonv2.WithMarshalers(texts))
	return w
}}

// textPointer is the JSON pointer of the value about to be written. StackPointer names the value
// written last: inside an object that is the member's name, so the right place; inside an array
// it is the element before (or the array itself, for the first), so the index is counted instead.
func textPointer(enc *jsontext.Encoder) jsontext.Pointer {
	ptr := enc.StackPointer()
	if kind, n := enc.StackIndex(enc.StackDepth()); kind == '[' {
		if n > 0 {
			ptr = ptr.Parent()
		}
		ptr = ptr.AppendToken(strconv.FormatInt(n, 10))
	}
	return ptr
}

// appendFallbacks closes an object left open with its translation_fallbacks member.
func appendFallbacks(open []byte, hasMembers bool, pointers []string) []byte {
	if hasMembers {
		open = append(open, ',')
	}
	open = append(open, `"translation_fallbacks":[`...)
	for i, p := range pointers {
		if i > 0 {
			open = append(open, ',')
		}
		open, _ = jsontext.AppendQuote(open, p)
	}
	return append(open, "]}"...)
}
