package reportdoc

import (
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// document is a report whose title, body name and learning section are translated into French
// (not Spanish), and whose results are in English only.
func document(lang string) *Document {
	return &Document{Body: "digital-cities", BodyName: domain.Text{EN: "Digital Cities", FR: "Villes numériques"},
		Period: domain.ReportPeriod{Start: "2019-01-01", End: "2020-12-31"}, Status: "published", Lang: lang,
		Content: domain.ReportContent{
			Title: domain.Text{EN: "Work in 2019-2020", FR: "Travaux 2019-2020"},
			Activities: []domain.Activity{{Priority: "learning", ReportSection: domain.ReportSection{
				Title: &domain.Text{EN: "Webinars", FR: "Webinaires"},
				Text:  domain.Text{EN: "We **met** twice.", FR: "Nous nous sommes **réunis** deux fois."},
				Links: []domain.ReportLink{{Kind: "study", Ref: "2019"}}}}},
			Commitments: []int64{1, 2},
			Results:     []domain.ReportSection{{Text: domain.Text{EN: "The study was *drafted*."}}}}}
}

var commitments = map[int64]Commitment{1: {Title: domain.Text{EN: "Promotion plan", ES: "Plan de promoción"}, Status: "in_progress"}}

// TestHTMLInEachLanguage: the template's wording, the texts and the page's language follow the
// language asked; a text without its translation is shown in English, marked lang="en", and the
// note at the top names where.
func TestHTMLInEachLanguage(t *testing.T) {
	for _, c := range []struct {
		lang      string
		want      []string
		fallbacks bool
	}{
		{"en", []string{`<html lang="en">`, "<h1>Work in 2019-2020</h1>", "<h3>D. Learning</h3>", "<h4>Webinars</h4>",
			"<p>We <strong>met</strong> twice.</p>", "<h2>3. Summary of results</h2>", "<h3>A. Implementation</h3>",
			"<p><em>Nothing reported.</em></p>", "Digital Cities — 1 January 2019 to 31 December 2020 — published",
			"<li>Promotion plan (in progress)</li>", "<li>commitment 2</li>", "Refers to: study <code>2019</code>."}, false},
		{"fr", []string{`<html lang="fr">`, "<h1>Travaux 2019-2020</h1>", "<h3>D. Apprentissage</h3>", "<h4>Webinaires</h4>",
			"<div>\n<p>Nous nous sommes <strong>réunis</strong> deux fois.</p>", "<h2>3. Synthèse des résultats</h2>",
			"<div lang=\"en\">\n<p>The study was <em>drafted</em>.</p>", "<p><em>Rien à signaler.</em></p>",
			"Villes numériques — du 1er janvier 2019 au 31 décembre 2020 — publié",
			`<li><span lang="en">Promotion plan</span> (en cours)</li>`, "<li>engagement 2</li>",
			"Se rapporte à : étude <code>2019</code>.",
			"traduites en français et sont affichées en anglais : Engagements suivis, 3. Synthèse des résultats.</p>"}, true},
		{"es", []string{`<html lang="es">`, `<h1 lang="en">Work in 2019-2020</h1>`, "<h3>D. Aprendizaje</h3>", `<h4 lang="en">Webinars</h4>`,
			"<div lang=\"en\">\n<p>We <strong>met</strong> twice.</p>", "<h2>3. Resumen de resultados</h2>",
			`<span lang="en">Digital Cities</span> — del 1 de enero de 2019 al 31 de diciembre de 2020 — publicado`,
			"<li>Plan de promoción (en curso)</li>", "<li>compromiso 2</li>", "<p><em>Nada que informar.</em></p>",
			"traducidas al español y se muestran en inglés: el título, el nombre del órgano, D. Aprendizaje, 3. Resumen de resultados.</p>"}, true},
	} {
		page, err := HTML(document(c.lang), commitments)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page lacks %q:\n%s", c.lang, w, page)
			}
		}
		if got := strings.Contains(page, `class="translation-note"`); got != c.fallbacks {
			t.Errorf("%s: a translation note: %v, want %v", c.lang, got, c.fallbacks)
		}
		if !c.fallbacks && strings.Contains(page, ` lang="en">`) && c.lang != "en" {
			t.Errorf("%s: an element marked English with every text translated", c.lang)
		}
	}
	if page, _ := HTML(document("en"), commitments); strings.Count(page, "lang=") != 1 {
		t.Error("an English page marks the language of elements in it")
	}
	if page, _ := HTML(document("de"), commitments); !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "D. Learning") {
		t.Error("a language not served does not give English")
	}
}

// TestMarkdownInEachLanguage: the same in Markdown, where the note alone says what is in English.
func TestMarkdownInEachLanguage(t *testing.T) {
	for lang, want := range map[string][]string{
		"en": {"# Work in 2019-2020\n", "### D. Learning\n", "#### Webinars\n", "We **met** twice.", "## 3. Summary of results\n",
			"- Promotion plan (in progress)\n", "*Refers to: study `2019`.*"},
		"fr": {"# Travaux 2019-2020\n", "### D. Apprentissage\n", "#### Webinaires\n", "Nous nous sommes **réunis** deux fois.",
			"## 3. Synthèse des résultats\n\nThe study was *drafted*.", "- Promotion plan (en cours)\n", "- engagement 2\n",
			"*Villes numériques — du 1er janvier 2019 au 31 décembre 2020 — publié*",
			"\n> Certaines parties de ce rapport n'ont pas encore été traduites en français et sont affichées en anglais : Engagements suivis, 3. Synthèse des résultats.\n"},
		"es": {"# Work in 2019-2020\n", "### C. Monitoreo y seguimiento\n", "#### Webinars\n", "- Plan de promoción (en curso)\n",
			"\n> Algunas partes de este informe aún no están traducidas al español y se muestran en inglés: el título, el nombre del órgano, D. Aprendizaje, 3. Resumen de resultados.\n"},
	} {
		md := Markdown(document(lang), commitments)
		for _, w := range want {
			if !strings.Contains(md, w) {
				t.Errorf("%s: the Markdown lacks %q:\n%s", lang, w, md)
			}
		}
		if lang == "en" && strings.Contains(md, "\n> ") {
			t.Errorf("an English rendering has a translation note:\n%s", md)
		}
	}
}

// TestVersionWording: a frozen version is named with its number and checksum in the language.
func TestVersionWording(t *testing.T) {
	d := document("es")
	d.Version, d.SHA256 = 2, strings.Repeat("ab", 32)
	md := Markdown(d, nil)
	if !strings.Contains(md, "— versión 2*") || !strings.Contains(md, "*SHA-256 del JSON canónico: `abab") {
		t.Errorf("version wording:\n%s", md)
	}
}

// TestHTMLTextsStayInTheirSection: each text is converted on its own, in its language: markup
// that a text leaves open, or a translation's script, reaches neither the template's headings
// nor the page.
func TestHTMLTextsStayInTheirSection(t *testing.T) {
	d := document("fr")
	d.Content.Activities = append(d.Content.Activities,
		domain.Activity{Priority: "implementation", ReportSection: domain.ReportSection{Text: domain.Text{EN: "x",
			FR: "Texte <!-- caché\n\n```\nbloc ouvert\n# 9. Fausse partie\n<script>alert(1)</script>"}}})
	page, err := HTML(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<h1>9.", "<h2>9."} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, want := range []string{"<h3>B. Plaidoyer</h3>", "<h3>D. Apprentissage</h3>", "<h2>3. Synthèse des résultats</h2>"} {
		if !strings.Contains(page, want) {
			t.Errorf("a text hid %q", want)
		}
	}
}
