package api

import (
	"bytes"
	"io"

	"github.com/danielgtaylor/huma/v2"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/uclg-digital-cities/digitalcities/api/httpx"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// localized is a response body on its way to be written in one language.
type localized struct {
	value any
	lang  string
}

// localize is the transformer of every JSON body Huma writes (resources, lists, problems): it
// labels the answer with its Content-Language and, unless every language is asked for, hands
// the body to localizedJSON with the language it is to be written in.
func localize(ctx huma.Context, _ string, v any) (any, error) {
	lang := languageOf(ctx.Context())
	ctx.SetHeader("Content-Language", contentLanguage(lang))
	if v == nil || lang == domain.LanguageAll {
		return v, nil
	}
	switch p := v.(type) {
	case *problem:
		translateProblem(p.Problem, lang)
	case *httpx.Problem:
		translateProblem(p, lang)
	}
	return localized{value: v, lang: lang}, nil
}

// localizedJSON is the JSON format of the API's answers. A body in one language is written with
// every domain.Text as a string in that language; where the text has no translation, the English
// one is written and its JSON pointer listed in the body's translation_fallbacks. Otherwise it
// writes as encoding/json does (Huma's default: no HTML escaping, a final newline).
var localizedJSON = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		l, ok := v.(localized)
		if !ok {
			return huma.DefaultJSONFormat.Marshal(w, v)
		}
		b, err := marshalIn(l.value, l.lang)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	},
	Unmarshal: huma.DefaultJSONFormat.Unmarshal,
}

// marshalIn encodes v with its texts in lang, and a final newline.
func marshalIn(v any, lang string) ([]byte, error) {
	var fallbacks []string
	texts := jsonv2.MarshalToFunc(func(enc *jsontext.Encoder, t domain.Text) error {
		s, used := t.In(lang)
		if used != lang {
			fallbacks = append(fallbacks, string(enc.StackPointer()))
		}
		return enc.WriteToken(jsontext.String(s))
	})
	var buf bytes.Buffer
	if err := jsonv2.MarshalWrite(&buf, v, jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false),
		jsonv2.WithMarshalers(texts)); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(fallbacks) > 0 && len(b) > 1 && b[0] == '{' && b[len(b)-1] == '}' {
		b = appendFallbacks(b[:len(b)-1], len(b) > 2, fallbacks)
	}
	return append(b, '\n'), nil
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
