package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// The language of an answer. Every operation takes `lang` (en, fr, es or all) and
// Accept-Language; `lang` wins. Texts meant for people are then strings in that language (the
// English one where a translation is missing, listed in translation_fallbacks), or with
// lang=all the {en, fr, es} objects they are stored as. A language we do not serve falls back
// to English; so does a request that names none.

// languageOf is the language a request is answered in: en, fr, es or all.
func languageOf(ctx context.Context) string {
	if st := stateOf(ctx); st != nil && st.lang != "" {
		return st.lang
	}
	return "en"
}

// languageQuery is "?lang=…" when the request chose its language with the lang parameter, for
// the links an answer gives to go on in the same language (a redirect); else "".
func languageQuery(ctx context.Context) string {
	if st := stateOf(ctx); st != nil && st.langParam {
		return "?lang=" + st.lang
	}
	return ""
}

// pickLanguage chooses the language of an answer from the lang parameter, when given and valid
// (bad reports a value that is not en, fr, es or all), else from Accept-Language: the language
// of ours with the highest q-value (the first listed on a tie; a region such as fr-CA counts as
// its language, and * as English), else English.
func pickLanguage(param, acceptLanguage string) (lang string, bad bool) {
	if param != "" {
		if domain.IsLanguage(param) || param == domain.LanguageAll {
			return param, false
		}
		bad = true
	}
	best, bestQ := "en", 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			var err error
			if q, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if primary == "*" {
			primary = "en"
		}
		if domain.IsLanguage(primary) && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best, bad
}

// singleLanguage is the language of an answer written in one language (a problem, a rendering,
// a calendar feed, a release file, a dataset's page) when lang is asked: lang, or English for
// lang=all.
func singleLanguage(lang string) string {
	if lang == domain.LanguageAll {
		return "en"
	}
	return lang
}

// contentLanguage is the Content-Language of an answer in lang.
func contentLanguage(lang string) string {
	if lang == domain.LanguageAll {
		return "en, fr, es"
	}
	return lang
}

// languageParams document the two ways of choosing the language, on every operation.
func languageParams() []*huma.Param {
	return []*huma.Param{
		{Name: "lang", In: "query", Description: "The language of the texts meant for people: en, fr or es gives each as a " +
			"string in that language (English where it is not translated: the body's translation_fallbacks lists those), " +
			"all gives the {en, fr, es} objects. Wins over Accept-Language.",
			Schema: &huma.Schema{Type: huma.TypeString, Enum: []any{"en", "fr", "es", "all"}}, Example: "fr"},
		{Name: "Accept-Language", In: "header", Description: "The language wanted, with q-values (fr-CA counts as fr); " +
			"a language other than en, fr and es, or none, gives English.",
			Schema: &huma.Schema{Type: huma.TypeString, MaxLength: ptr(500), Pattern: `^[A-Za-z0-9*,;=.\- ]*$`}, Example: "fr, es;q=0.8"},
	}
}

// languageKey marks, in an operation's metadata, that its answers depend on the language:
// their bodies hold texts meant for people (set from the contract by localizeResponses, or by
// the operation itself for a body that is not JSON).
const languageDependentKey = "languageDependent"

// markLanguageDependent marks an operation whose answers depend on the language.
func markLanguageDependent(op *huma.Operation) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[languageDependentKey] = true
}

// dependsOnLanguage marks a registered operation whose body is not JSON but depends on the language.
func dependsOnLanguage(o huma.Operation) huma.Operation {
	markLanguageDependent(&o)
	return o
}

// languageDependent reports whether an operation's answers depend on the language.
func languageDependent(op *huma.Operation) bool {
	return op != nil && op.Metadata[languageDependentKey] == true
}

// language, the chain's second step, reads the language the request asks for, marks its context
// with it and labels the answer: Content-Language (set by whatever writes a body that depends
// on it), Vary: Accept-Language and an ETag of that language. A bad lang is refused later, by
// badLanguage, so that credentials are checked first.
func (c *chain) language(ctx huma.Context, next func(huma.Context)) {
	r, w := humachi.Unwrap(ctx)
	param := r.URL.Query().Get("lang")
	lang, bad := pickLanguage(param, r.Header.Get("Accept-Language"))
	st := stateOf(r.Context())
	st.lang, st.langParam = lang, param != "" && !bad
	dependent := languageDependent(ctx.Operation())
	conditionsOfLanguage(r.Header, lang, dependent)
	if !dependent {
		next(ctx)
		return
	}
	next(withRequest(ctx, r, &languageWriter{ResponseWriter: w, lang: lang}))
}

// badLanguage refuses a lang parameter that is not en, fr, es or all (422).
func (c *chain) badLanguage(ctx huma.Context, next func(huma.Context)) {
	if p := ctx.Query("lang"); p != "" {
		if _, bad := pickLanguage(p, ""); bad {
			c.fail(ctx, domain.Invalid("query.lang", "lang is en, fr, es or all, not %q", p))
			return
		}
	}
	next(ctx)
}

// languageTag is the entity tag of a representation in lang: the resource's tag with the
// language added ("v3" becomes "v3-fr"); the {en, fr, es} representation keeps the plain tag.
func languageTag(tag, lang string) string {
	if _, has := tagLanguage(tag); has != "" || lang == domain.LanguageAll || !strings.HasSuffix(tag, `"`) || len(tag) < 2 {
		return tag // a replayed answer's tag has its language already
	}
	return tag[:len(tag)-1] + "-" + lang + `"`
}

// tagLanguage splits the language off an entity tag: `"v3-fr"` gives `"v3"` and fr; a tag
// without one is returned whole, with "".
func tagLanguage(tag string) (plain, lang string) {
	if n := len(tag); n >= 5 && tag[n-1] == '"' && tag[n-4] == '-' && domain.IsLanguage(tag[n-3:n-1]) {
		return tag[:n-4] + `"`, tag[n-3 : n-1]
	}
	return tag, ""
}

// conditionsOfLanguage rewrites the conditional headers of a request for the handlers, which
// know a resource's plain tag only. For an answer that depends on the language, If-None-Match
// keeps the tags of the language asked for, without their language, and drops the others (a 304
// must name this representation; with lang=all, the plain tags are this representation's); an
// If-Range tag is kept the same way or made one that matches nothing (a range must be of this
// representation; an If-Range date is left alone). If-Match, the precondition of a write, is on the resource's version,
// which every language's tag names: their languages are dropped, whatever the operation (a
// DELETE answers no text, but its If-Match comes from a read that did).
func conditionsOfLanguage(h http.Header, lang string, dependent bool) {
	rewrite := func(name string, keep func(tagLang string) bool) {
		v := strings.Join(h.Values(name), ", ") // one list, however many lines it came on
		if v == "" || strings.TrimSpace(v) == "*" {
			return
		}
		var tags []string
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			weak := strings.HasPrefix(t, "W/")
			plain, l := tagLanguage(strings.TrimPrefix(t, "W/"))
			if !keep(l) {
				continue
			}
			if weak {
				plain = "W/" + plain
			}
			tags = append(tags, plain)
		}
		if len(tags) == 0 {
			tags = []string{`"none"`} // matches nothing: every tag named another language
		}
		h.Set(name, strings.Join(tags, ", "))
	}
	ours := func(l string) bool { return l == lang || (l == "" && lang == domain.LanguageAll) }
	if dependent {
		rewrite("If-None-Match", ours)
		if t := strings.TrimSpace(h.Get("If-Range")); strings.HasPrefix(t, `"`) || strings.HasPrefix(t, "W/") {
			rewrite("If-Range", ours)
		}
	}
	rewrite("If-Match", func(string) bool { return true })
}

// languageWriter labels an answer that depends on the language with its Content-Language,
// Vary: Accept-Language and the ETag of its language, as its headers are sent.
type languageWriter struct {
	http.ResponseWriter
	lang string
	sent bool
}

// WriteHeader labels the answer, then sends its headers.
func (w *languageWriter) WriteHeader(status int) {
	if !w.sent {
		w.sent = true
		h := w.Header()
		if h.Get("Content-Language") == "" {
			h.Set("Content-Language", contentLanguage(w.lang))
		}
		h.Add("Vary", "Accept-Language")
		if e := h.Get("Etag"); e != "" {
			h.Set("Etag", languageTag(e, w.lang))
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write sends the headers first, as net/http would.
func (w *languageWriter) Write(b []byte) (int, error) {
	if !w.sent {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath (deadlines, flushing).
func (w *languageWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends what is buffered, for streamed answers.
func (w *languageWriter) Flush() {
	if !w.sent {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
