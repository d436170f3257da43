package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestLanguageNegotiation checks how an answer's language is chosen: lang wins over
// Accept-Language, q-values rank the languages (a region counts as its language, * as
// English), a language we do not serve gives English, and a lang we do not know is a 422, but
// only once the credentials are checked.
func TestLanguageNegotiation(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	h.do(req{method: "POST", path: "/v1/cities", token: sec, body: map[string]any{"slug": "seville", "country": "ES", "section": "europe",
		"name": map[string]any{"en": "Seville", "fr": "Séville", "es": "Sevilla"}}}).expect(t, 201)

	for _, c := range []struct{ query, acceptLanguage, want string }{
		{"", "", "en"},
		{"", "fr", "fr"},
		{"", "fr-CA, en;q=0.5", "fr"},
		{"", "de, es;q=0.8, fr;q=0.7", "es"},
		{"", "fr;q=0.2, es;q=0.9", "es"},
		{"", "es;q=0, fr;q=0.1", "fr"},
		{"", "de, pt-BR", "en"},
		{"", "*", "en"},
		{"", "es;q=abc, fr", "fr"},
		{"?lang=es", "fr", "es"},
		{"?lang=en", "fr", "en"},
	} {
		r := h.do(req{method: "GET", path: "/v1/cities/seville" + c.query, header: map[string]string{"Accept-Language": c.acceptLanguage}}).expect(t, 200)
		name := map[string]string{"en": "Seville", "fr": "Séville", "es": "Sevilla"}[c.want]
		if got := r.Map(t)["name"]; got != name || r.Header.Get("Content-Language") != c.want {
			t.Errorf("%q Accept-Language %q: name %v, Content-Language %q; want %q in %s", c.query, c.acceptLanguage, got,
				r.Header.Get("Content-Language"), name, c.want)
		}
		if !slices.Contains(r.Header.Values("Vary"), "Accept-Language") {
			t.Errorf("%q %q: Vary %v", c.query, c.acceptLanguage, r.Header.Values("Vary"))
		}
	}

	all := h.do(req{method: "GET", path: "/v1/cities/seville?lang=all", header: map[string]string{"Accept-Language": "fr"}}).expect(t, 200)
	var c domain.City
	all.JSON(t, &c)
	if c.Name != (domain.Text{EN: "Seville", FR: "Séville", ES: "Sevilla"}) || all.Header.Get("Content-Language") != "en, fr, es" ||
		all.Header.Get("ETag") != `"v1"` {
		t.Errorf("lang=all: %+v, Content-Language %q, ETag %q", c.Name, all.Header.Get("Content-Language"), all.Header.Get("ETag"))
	}

	// A bad lang is a 422 naming it, after authentication: a bad token is still a 401.
	h.do(req{method: "GET", path: "/v1/cities/seville?lang=de"}).expect(t, 422).errorAt(t, "query.lang")
	h.do(req{method: "GET", path: "/v1/cities/seville?lang=de", token: "dcapi_not-a-token"}).expect(t, 401)
	h.do(req{method: "GET", path: "/v1/cities/seville?lang=fr&lang=es"}).expect(t, 422).errorAt(t, "query.lang")
}

// TestETagsPerLanguage checks that each language's answer has its own ETag and revalidates
// only with it, that the {en, fr, es} answer keeps the plain tag, that any language's tag is a
// valid If-Match for a write, and that answers without texts keep one tag for every language.
func TestETagsPerLanguage(t *testing.T) {
	h := newHarness(t)
	h.city("seville", "ES", "europe")
	sec, _ := h.token(domain.RoleSecretariat)
	get := func(query, ifNoneMatch string) *response {
		return h.do(req{method: "GET", path: "/v1/cities/seville" + query, header: map[string]string{"If-None-Match": ifNoneMatch}})
	}
	tags := map[string]string{}
	for _, lang := range []string{"en", "fr", "es", "all"} {
		tags[lang] = get("?lang="+lang, "").expect(t, 200).Header.Get("ETag")
	}
	if tags["en"] != `"v1-en"` || tags["fr"] != `"v1-fr"` || tags["es"] != `"v1-es"` || tags["all"] != `"v1"` {
		t.Fatalf("tags %v", tags)
	}
	for _, c := range []struct {
		query, ifNoneMatch string
		status             int
	}{
		{"?lang=fr", `"v1-fr"`, 304}, {"?lang=fr", `W/"v1-fr"`, 304}, {"?lang=fr", `"v1-es", "v1-fr"`, 304},
		{"?lang=fr", `"v1-es"`, 200}, {"?lang=fr", `"v1"`, 200}, {"", `"v1-fr"`, 200}, {"", `"v1-en"`, 304},
		{"?lang=all", `"v1"`, 304}, {"?lang=all", `"v1-en"`, 200}, {"?lang=fr", `*`, 304},
	} {
		r := get(c.query, c.ifNoneMatch)
		if r.Status != c.status {
			t.Errorf("%s with If-None-Match %s: %d, want %d", c.query, c.ifNoneMatch, r.Status, c.status)
		}
		if r.Status == 304 && c.query == "?lang=fr" && (r.Header.Get("ETag") != `"v1-fr"` || r.Header.Get("Content-Language") != "fr") {
			t.Errorf("304 in French: ETag %q, Content-Language %q", r.Header.Get("ETag"), r.Header.Get("Content-Language"))
		}
	}

	// A write's If-Match names the version: the French answer's tag will do, and a stale one is 412.
	patch := func(ifMatch, body string) *response {
		return h.do(req{method: "PATCH", path: "/v1/cities/seville?lang=all", token: sec, body: body,
			header: map[string]string{"If-Match": ifMatch, "Content-Type": "application/merge-patch+json"}})
	}
	patch(`"v01-fr"`, `{"name": {"fr": "Séville"}}`).expect(t, 412) // not a tag we wrote: strong comparison
	patch(tags["fr"], `{"name": {"fr": "Séville"}}`).expect(t, 200)
	patch(tags["es"], `{"name": {"es": "Sevilla"}}`).expect(t, 412)

	// Answers without texts (subscriptions) do not depend on the language.
	sub := h.do(req{method: "GET", path: "/v1/subscriptions?lang=fr", token: sec}).expect(t, 200)
	if sub.Header.Get("Content-Language") != "" || slices.Contains(sub.Header.Values("Vary"), "Accept-Language") {
		t.Errorf("subscriptions hold no text, but vary: Content-Language %q, Vary %v", sub.Header.Get("Content-Language"), sub.Header.Values("Vary"))
	}
}

// TestTranslationsAreWrittenOneLanguageAtATime checks that a merge patch of one language leaves
// the others as they were, that two translators each holding their read's ETag cannot clobber
// each other (the second is told the resource changed, reads again, and both translations
// stay), that every write is audited, and that a request still takes texts only as objects.
func TestTranslationsAreWrittenOneLanguageAtATime(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	h.do(req{method: "POST", path: "/v1/organisations", token: sec, body: map[string]any{"slug": "un-habitat", "kind": "un_agency",
		"name": map[string]any{"en": "United Nations Human Settlements Programme"}}}).expect(t, 201)

	french := h.do(req{method: "GET", path: "/v1/organisations/un-habitat", header: map[string]string{"Accept-Language": "fr"}}).expect(t, 200)
	spanish := h.do(req{method: "GET", path: "/v1/organisations/un-habitat", header: map[string]string{"Accept-Language": "es"}}).expect(t, 200)
	write := func(tag, body string) *response {
		return h.do(req{method: "PATCH", path: "/v1/organisations/un-habitat?lang=all", token: sec, body: body,
			header: map[string]string{"If-Match": tag, "Content-Type": "application/merge-patch+json"}})
	}
	write(french.Header.Get("ETag"), `{"name": {"fr": "Programme des Nations Unies pour les établissements humains"}}`).expect(t, 200)
	write(spanish.Header.Get("ETag"), `{"name": {"es": "Programa de las Naciones Unidas para los Asentamientos Humanos"}}`).expect(t, 412)
	again := h.do(req{method: "GET", path: "/v1/organisations/un-habitat?lang=es"}).expect(t, 200)
	var o domain.Organisation
	write(again.Header.Get("ETag"), `{"name": {"es": "Programa de las Naciones Unidas para los Asentamientos Humanos"}}`).expect(t, 200).JSON(t, &o)
	if o.Name != (domain.Text{EN: "United Nations Human Settlements Programme",
		FR: "Programme des Nations Unies pour les établissements humains", ES: "Programa de las Naciones Unidas para los Asentamientos Humanos"}) {
		t.Fatalf("after both translators: %+v", o.Name)
	}
	var audits int
	if err := h.db.SQL().Get(&audits, `SELECT count(*) FROM audit_log WHERE resource = 'organisation' AND resource_id = 'un-habitat' AND action = 'update'`); err != nil || audits != 2 {
		t.Fatalf("%d update audit rows (%v), want 2", audits, err)
	}

	// Texts are written as objects: the string an answer gives is not taken back; and a
	// translation of only spaces is none.
	write(`"v3"`, `{"name": "ONU-Habitat"}`).expect(t, 422).errorAt(t, "body.name")
	write(`"v3"`, `{"name": {"fr": "   "}}`).expect(t, 422).errorAt(t, "body.name.fr")
}

// TestFallbacksAreListed checks that a text missing in the language asked comes in English and
// is listed by its JSON pointer, in a resource and in a list, and that an answer whose texts are
// all translated lists none.
func TestFallbacksAreListed(t *testing.T) {
	h := newHarness(t)
	sec, _ := h.token(domain.RoleSecretariat)
	body := trendBody("iot", "iot")
	body["name"], body["description"] = map[string]any{"en": "Internet of things", "fr": "Internet des objets"}, map[string]any{"en": "Sensors."}
	h.do(req{method: "POST", path: "/v1/trends", token: sec, body: body}).expect(t, 201)
	one := h.do(req{method: "GET", path: "/v1/trends/iot?lang=fr"}).expect(t, 200).Map(t)
	if one["name"] != "Internet des objets" || one["description"] != "Sensors." || !sameStrings(one["translation_fallbacks"], "/description") {
		t.Errorf("French trend: %v", one)
	}
	list := h.do(req{method: "GET", path: "/v1/trends?lang=es"}).expect(t, 200).Map(t)
	if !sameStrings(list["translation_fallbacks"], "/items/0/name", "/items/0/description") {
		t.Errorf("Spanish list's fallbacks: %v", list["translation_fallbacks"])
	}
	if en := h.do(req{method: "GET", path: "/v1/trends/iot"}).expect(t, 200).Map(t); en["translation_fallbacks"] != nil {
		t.Errorf("the English answer lists fallbacks: %v", en["translation_fallbacks"])
	}
	if all := h.do(req{method: "GET", path: "/v1/trends/iot?lang=all"}).expect(t, 200).Map(t); all["translation_fallbacks"] != nil {
		t.Errorf("lang=all lists fallbacks: %v", all["translation_fallbacks"])
	}

	// Texts in a list: each pointer names the element that fell back.
	h.do(req{method: "POST", path: "/v1/events", token: sec, body: map[string]any{"slug": "outcomes", "type": "workshop",
		"title": map[string]any{"en": "T", "fr": "T", "es": "T"}, "start": map[string]any{"value": "2030-06-01", "precision": "day"},
		"status": "scheduled", "provenance": "sample", "outcomes": []any{map[string]any{"en": "A", "fr": "A-fr"},
			map[string]any{"en": "B", "fr": "B-fr"}, map[string]any{"en": "C", "es": "C-es"}}}}).expect(t, 201)
	for lang, want := range map[string][]string{"fr": {"/outcomes/2"}, "es": {"/outcomes/0", "/outcomes/1"}} {
		if e := h.do(req{method: "GET", path: "/v1/events/outcomes?lang=" + lang}).expect(t, 200).Map(t); !sameStrings(e["translation_fallbacks"], want...) {
			t.Errorf("%s event's fallbacks %v, want %v", lang, e["translation_fallbacks"], want)
		}
	}
}

// TestProblemsInEachLanguage checks that problems come in the language asked: their titles, the
// messages we have translated, and the list of what stays English.
func TestProblemsInEachLanguage(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct{ lang, title, detail string }{
		{"fr", "Introuvable", `ville introuvable : "nowhere"`},
		{"es", "No encontrado", `no existe la ciudad "nowhere"`},
		{"en", "Not Found", `no city "nowhere"`},
	} {
		r := h.do(req{method: "GET", path: "/v1/cities/nowhere", header: map[string]string{"Accept-Language": c.lang}}).expect(t, 404)
		m := r.Map(t)
		if m["title"] != c.title || m["detail"] != c.detail || r.Header.Get("Content-Language") != c.lang || m["translation_fallbacks"] != nil {
			t.Errorf("%s: %v, Content-Language %q", c.lang, m, r.Header.Get("Content-Language"))
		}
	}
	method := h.do(req{method: "DELETE", path: "/v1/cities?lang=es"}).expect(t, 405)
	if m := method.Map(t); m["title"] != "Método no permitido" || !strings.HasPrefix(m["detail"].(string), "DELETE no está permitido aquí") ||
		method.Header.Get("Allow") == "" {
		t.Errorf("405 in Spanish: %v", m)
	}
	route := h.do(req{method: "GET", path: "/v1/citie", header: map[string]string{"Accept-Language": "fr"}}).expect(t, 404)
	if m := route.Map(t); m["title"] != "Introuvable" || !strings.HasPrefix(m["detail"].(string), "Aucune ressource à /v1/citie.") ||
		route.Header.Get("Content-Language") != "fr" {
		t.Errorf("unknown route in French: %v, Content-Language %q", m, route.Header.Get("Content-Language"))
	}
	if all := h.do(req{method: "GET", path: "/v1/cities/nowhere?lang=all"}).expect(t, 404); all.Header.Get("Content-Language") != "en" {
		t.Errorf("a problem asked with lang=all is in English, but says Content-Language %q", all.Header.Get("Content-Language"))
	}
	r := h.do(req{method: "GET", path: "/v1/cities?sectoin=europe&lang=es"}).expect(t, 422).Map(t)
	if d, _ := r["detail"].(string); !strings.HasPrefix(d, `parámetro de consulta desconocido "sectoin"`) {
		t.Errorf("Spanish 422: %v", r)
	}
	sec, _ := h.token(domain.RoleSecretariat)
	h.city("porto", "PT", "europe")
	p := h.do(req{method: "POST", path: "/v1/cities?lang=fr", token: sec, body: map[string]any{"slug": "porto", "country": "PT", "section": "europe",
		"name": map[string]any{"en": "Porto"}}}).expect(t, 409).Map(t)
	if p["title"] != "Conflit" || p["detail"] != `une ressource ville avec le slug "porto" existe déjà` || p["translation_fallbacks"] != nil {
		t.Errorf("French 409: %v", p)
	}
	// A message not translated yet stays English, and the problem lists it.
	p = h.do(req{method: "GET", path: "/v1/observations?year=1800&lang=fr"}).expect(t, 422).Map(t)
	errs, _ := p["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("French 422 without errors: %v", p)
	}
	if fb, _ := p["translation_fallbacks"].([]any); len(fb) > 0 {
		for _, ptr := range fb {
			if ptr != "/detail" && !strings.HasPrefix(ptr.(string), "/errors/") {
				t.Errorf("fallback %v is not a text of the problem", ptr)
			}
		}
	}
}

// sameStrings reports whether v is a JSON array of exactly these strings, in any order.
func sameStrings(v any, want ...string) bool {
	list, ok := v.([]any)
	if !ok || len(list) != len(want) {
		return false
	}
	var got []string
	for _, x := range list {
		s, _ := x.(string)
		got = append(got, s)
	}
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

// TestDatasetPagesInEachLanguage checks a dataset's JSON and HTML page in the language asked
// (an untranslated description marked as English), and that the latest release's redirect
// keeps the language asked by lang.
func TestDatasetPagesInEachLanguage(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "ds", datasetFields("observations")); err != nil {
		t.Fatal(err)
	}
	// A release of no rows at all (the edition has none yet) is a release of empty files.
	if _, err := h.db.PublishRelease(fixtureCtx(), fixtureCaller, "ds", "", testFileWriter); err != nil {
		t.Fatal(err)
	}
	fr := h.do(req{method: "GET", path: "/v1/datasets/ds?lang=fr"}).expect(t, 200)
	if m := fr.Map(t); m["title"] != "Test FR" || m["description"] != "A test dataset" || !sameStrings(m["translation_fallbacks"], "/description") ||
		fr.Header.Get("Content-Language") != "fr" {
		t.Errorf("dataset in French: %v, Content-Language %q", m, fr.Header.Get("Content-Language"))
	}
	page := h.do(req{method: "GET", path: "/v1/datasets/ds", header: map[string]string{"Accept": "text/html", "Accept-Language": "fr"}}).expect(t, 200)
	html := string(page.Body)
	for _, want := range []string{`<html lang="fr">`, `<h1>Test FR</h1>`, `<p lang="en">A test dataset</p>`, `<dt>Éditeur</dt>`, `<h2>Version 1</h2>`} {
		if !strings.Contains(html, want) {
			t.Errorf("French page lacks %s:\n%s", want, html)
		}
	}
	if page.Header.Get("Content-Language") != "fr" || !strings.HasSuffix(page.Header.Get("ETag"), `-fr"`) {
		t.Errorf("French page: Content-Language %q, ETag %q", page.Header.Get("Content-Language"), page.Header.Get("ETag"))
	}
	es := h.do(req{method: "GET", path: "/v1/datasets/ds?lang=es", header: map[string]string{"Accept": "text/html"}}).expect(t, 200)
	if !strings.Contains(string(es.Body), `<h1 lang="en">Test observations</h1>`) {
		t.Errorf("Spanish page without a Spanish title:\n%s", es.Body)
	}
	// The client follows the redirect: the release it lands on is in the language lang asked for.
	latest := h.do(req{method: "GET", path: "/v1/datasets/ds/releases/latest?lang=es"}).expect(t, 200)
	if latest.Header.Get("Content-Language") != "es" {
		t.Errorf("the latest release's redirect lost lang=es: Content-Language %q", latest.Header.Get("Content-Language"))
	}
}
