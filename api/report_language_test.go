package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// translatedReport is a report whose title is in the three languages, whose learning section
// is translated into French only and whose results are in English only; its body is named in
// the three languages.
func translatedReport(t *testing.T, w *reportsWorld) string {
	t.Helper()
	if _, err := w.h.db.SQL().Exec(`UPDATE communities SET name = '{"en": "Digital Cities", "fr": "Villes numériques", "es": "Ciudades Digitales"}'
		WHERE slug = 'digital-cities'`); err != nil {
		t.Fatal(err)
	}
	body := draftBody("Learning events were organised.")
	body["title"] = map[string]any{"en": "Work in 2019-2020", "fr": "Travaux 2019-2020", "es": "Trabajo 2019-2020"}
	body["activities"] = []any{map[string]any{"priority": "learning",
		"text": map[string]any{"en": "Learning events were **organised**.", "fr": "Des événements d'apprentissage ont été **organisés**."}}}
	var r domain.Report
	w.h.do(req{method: "POST", path: "/v1/reports", body: body, token: w.sec}).expect(t, 201).JSON(t, &r)
	return fmt.Sprintf("/v1/reports/%d", r.ID)
}

// TestReportRenderingsInEachLanguage: the HTML and Markdown renderings are in the language asked
// (lang, else Accept-Language with its q-values): the template's headings, the page's lang and
// each translated text; an untranslated text is shown in English, marked lang="en", and a note
// says so. Each language has its own ETag, revalidated on its own.
func TestReportRenderingsInEachLanguage(t *testing.T) {
	w := newReportsWorld(t)
	h := w.h
	path := translatedReport(t, w)
	html := func(lang string, header map[string]string) *response {
		return h.do(req{method: "GET", path: path + "?format=html" + lang, token: w.sec, header: header}).expect(t, 200)
	}

	tags := map[string]string{}
	for lang, want := range map[string][]string{
		"en": {`<html lang="en">`, "<h1>Work in 2019-2020</h1>", "<h3>D. Learning</h3>", "<h2>3. Summary of results</h2>",
			"<p>Learning events were <strong>organised</strong>.</p>", "<div>\n<p>The study was drafted.</p>",
			"Digital Cities — 1 January 2019 to 31 December 2020 — draft"},
		"fr": {`<html lang="fr">`, "<h1>Travaux 2019-2020</h1>", "<h3>D. Apprentissage</h3>", "<h2>3. Synthèse des résultats</h2>",
			"<div>\n<p>Des événements d&#39;apprentissage ont été <strong>organisés</strong>.</p>",
			"<div lang=\"en\">\n<p>The study was drafted.</p>", "<div lang=\"en\">\n<p>No change.</p>",
			"Villes numériques — du 1er janvier 2019 au 31 décembre 2020 — brouillon",
			`<p class="translation-note" role="note">`, "affichées en anglais : 2. Évolution de la direction et autres informations utiles, 3. Synthèse des résultats.</p>"},
		"es": {`<html lang="es">`, "<h1>Trabajo 2019-2020</h1>", "<h3>D. Aprendizaje</h3>", "<h2>3. Resumen de resultados</h2>",
			"<div lang=\"en\">\n<p>Learning events were <strong>organised</strong>.</p>", "<div lang=\"en\">\n<p>The study was drafted.</p>",
			"Ciudades Digitales — del 1 de enero de 2019 al 31 de diciembre de 2020 — borrador",
			"se muestran en inglés: D. Aprendizaje, 2. Novedades en el liderazgo y otra información relevante, 3. Resumen de resultados.</p>"},
	} {
		r := html("&lang="+lang, nil)
		page := string(r.Body)
		for _, s := range want {
			if !strings.Contains(page, s) {
				t.Errorf("%s: the page lacks %q:\n%s", lang, s, page)
			}
		}
		if lang == "en" && (strings.Count(page, `lang="en"`) != 1 || strings.Contains(page, `class="translation-note"`)) {
			t.Errorf("the English page marks a text as English or has a translation note:\n%s", page)
		}
		if cl := r.Header.Get("Content-Language"); cl != lang {
			t.Errorf("%s: Content-Language %q", lang, cl)
		}
		if vary := r.Header.Values("Vary"); !slices.Contains(vary, "Accept") || !slices.Contains(vary, "Accept-Language") {
			t.Errorf("%s: Vary %q", lang, vary)
		}
		tag := r.Header.Get("ETag")
		if !strings.HasSuffix(tag, "-"+lang+`"`) || !strings.Contains(tag, "-html-") {
			t.Errorf("%s: ETag %s", lang, tag)
		}
		tags[lang] = tag
	}
	if len(map[string]bool{tags["en"]: true, tags["fr"]: true, tags["es"]: true}) != 3 {
		t.Fatalf("languages share an ETag: %v", tags)
	}
	// A 304 per language: a language's tag is current for that language only.
	for lang, tag := range tags {
		nm := h.do(req{method: "GET", path: path + "?format=html&lang=" + lang, token: w.sec, header: map[string]string{"If-None-Match": tag}})
		if nm.Status != 304 || nm.Header.Get("ETag") != tag || len(nm.Body) != 0 {
			t.Errorf("%s: If-None-Match %s gives %d, ETag %s", lang, tag, nm.Status, nm.Header.Get("ETag"))
		}
	}
	other := h.do(req{method: "GET", path: path + "?format=html&lang=es", token: w.sec, header: map[string]string{"If-None-Match": tags["fr"]}}).expect(t, 200)
	if other.Header.Get("ETag") != tags["es"] {
		t.Errorf("the French tag revalidated the Spanish page: %s", other.Header.Get("ETag"))
	}

	// Accept-Language with q-values chooses when lang is absent; lang wins over it.
	for accept, want := range map[string]string{"es;q=0.5, fr-CA;q=0.9, en;q=0.1": "fr", "de, es;q=0.3": "es", "de": "en", "": "en"} {
		r := html("", map[string]string{"Accept-Language": accept})
		if cl := r.Header.Get("Content-Language"); cl != want || !strings.Contains(string(r.Body), `<html lang="`+want+`">`) {
			t.Errorf("Accept-Language %q: Content-Language %q, want %s", accept, cl, want)
		}
	}
	if r := html("&lang=es", map[string]string{"Accept-Language": "fr"}); r.Header.Get("Content-Language") != "es" {
		t.Errorf("lang=es with Accept-Language fr: %q", r.Header.Get("Content-Language"))
	}
	// Every language at once: a rendering is in one, English.
	if r := html("&lang=all", nil); r.Header.Get("Content-Language") != "en" || !strings.Contains(string(r.Body), "<h3>D. Learning</h3>") {
		t.Errorf("lang=all: Content-Language %q", r.Header.Get("Content-Language"))
	}

	// Markdown, through Accept.
	md := h.do(req{method: "GET", path: path + "?lang=fr", token: w.sec, header: map[string]string{"Accept": "text/markdown"}}).expect(t, 200)
	for _, s := range []string{"# Travaux 2019-2020\n", "### D. Apprentissage\n", "Des événements d'apprentissage ont été **organisés**.",
		"## 3. Synthèse des résultats\n\nThe study was drafted.", "### A. Mise en œuvre\n\n*Rien à signaler.*",
		"\n> Certaines parties de ce rapport n'ont pas encore été traduites en français et sont affichées en anglais : "} {
		if !strings.Contains(string(md.Body), s) {
			t.Errorf("the French Markdown lacks %q:\n%s", s, md.Body)
		}
	}
	if md.Header.Get("Content-Language") != "fr" || !strings.HasSuffix(md.Header.Get("ETag"), `-fr"`) {
		t.Errorf("French Markdown: Content-Language %q, ETag %s", md.Header.Get("Content-Language"), md.Header.Get("ETag"))
	}

	// JSON: texts as strings in the language, the untranslated ones listed.
	js := h.do(req{method: "GET", path: path + "?lang=fr", token: w.sec}).expect(t, 200)
	m := js.Map(t)
	if m["title"] != "Travaux 2019-2020" || js.Header.Get("Content-Language") != "fr" || !strings.HasSuffix(js.Header.Get("ETag"), `-fr"`) {
		t.Errorf("French JSON: title %v, Content-Language %q, ETag %s", m["title"], js.Header.Get("Content-Language"), js.Header.Get("ETag"))
	}
	if fb := fmt.Sprint(m["translation_fallbacks"]); fb != "[/leadership_update/0/text /results/0/text]" {
		t.Errorf("French JSON: translation_fallbacks %s", fb)
	}
	all := h.do(req{method: "GET", path: path + "?lang=all", token: w.sec}).expect(t, 200)
	var r domain.Report
	all.JSON(t, &r)
	if r.Title.ES != "Trabajo 2019-2020" || all.Header.Get("Content-Language") != "en, fr, es" {
		t.Errorf("lang=all JSON: title %+v, Content-Language %q", r.Title, all.Header.Get("Content-Language"))
	}

	// A frozen version renders in the language too.
	h.do(req{method: "POST", path: path + "/transitions", token: w.sec, header: ifMatch(`"v1"`), body: map[string]any{"to": "submitted"}}).expect(t, 200)
	v := h.do(req{method: "GET", path: path + "/versions/1?format=markdown&lang=es", token: w.sec}).expect(t, 200)
	if !strings.Contains(string(v.Body), "— versión 1*") || !strings.Contains(string(v.Body), "*SHA-256 del JSON canónico: `") ||
		v.Header.Get("Content-Language") != "es" {
		t.Errorf("Spanish version:\n%s", v.Body)
	}
	h.do(req{method: "GET", path: path + "/versions/1?format=markdown&lang=es", token: w.sec,
		header: map[string]string{"If-None-Match": v.Header.Get("ETag")}}).expect(t, 304)
}
