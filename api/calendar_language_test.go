package api_test

import (
	"strings"
	"testing"

	goical "github.com/emersion/go-ical"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestEventsCalendarInEachLanguage: a feed is in the language asked (lang, else Accept-Language),
// its name and note included; each SUMMARY, DESCRIPTION and LOCATION says with LANGUAGE which
// language it is really in (en where not translated). Each language's feed has its own ETag.
func TestEventsCalendarInEachLanguage(t *testing.T) {
	h := newHarness(t)
	h.city("geneva", "CH", "europe")
	if _, err := h.db.SQL().Exec(`UPDATE cities SET name = '{"en": "Geneva", "fr": "Genève", "es": "Ginebra"}' WHERE slug = 'geneva'`); err != nil {
		t.Fatal(err)
	}
	h.event("forum", domain.EventFields{Title: domain.Text{EN: "Digital forum", FR: "Forum numérique"}, Start: date("2020-03-04", "day"),
		Description: &domain.Text{EN: "Two days of talks", FR: "Deux jours d'échanges"},
		Location:    domain.EventLocation{City: ptr("geneva"), Online: true}})
	h.event("panel", domain.EventFields{Title: domain.Text{EN: "Panel on data"}, Start: date("2020-05-06", "day"),
		Description: &domain.Text{EN: "In English only"}, Location: domain.EventLocation{Place: &domain.Text{EN: "Durban"}, Country: ptr("ZA"), Online: true}})
	uid := func(slug string) string { return slug + "@events.digitalcities.uclg.org" }
	prop := func(t *testing.T, props goical.Props, name string) (value, lang string) {
		t.Helper()
		p := props.Get(name)
		if p == nil {
			t.Fatalf("no %s", name)
		}
		v, err := p.Text()
		if err != nil {
			t.Fatal(err)
		}
		return v, p.Params.Get("LANGUAGE")
	}

	fr := h.do(req{method: "GET", path: "/v1/events.ics?lang=fr"}).expect(t, 200)
	cal, events := parseFeed(t, fr)
	if fr.Header.Get("Content-Language") != "fr" || !strings.HasSuffix(fr.Header.Get("ETag"), `-fr"`) ||
		!strings.Contains(strings.Join(fr.Header.Values("Vary"), ","), "Accept-Language") {
		t.Errorf("French feed: Content-Language %q, ETag %s, Vary %q", fr.Header.Get("Content-Language"), fr.Header.Get("ETag"), fr.Header.Values("Vary"))
	}
	for _, name := range []string{"X-WR-CALNAME", "NAME"} {
		if v, l := prop(t, cal.Props, name); v != "CGLU Villes numériques : événements" || l != "fr" {
			t.Errorf("%s %q;LANGUAGE=%s", name, v, l)
		}
	}
	for _, name := range []string{"X-WR-CALDESC", "DESCRIPTION"} {
		if v, l := prop(t, cal.Props, name); !strings.Contains(v, "jusqu'à ce que leur jour soit connu") || l != "fr" {
			t.Errorf("%s %q;LANGUAGE=%s", name, v, l)
		}
	}
	for _, c := range []struct{ slug, name, want, lang string }{
		{"forum", goical.PropSummary, "Forum numérique", "fr"},
		{"forum", goical.PropDescription, "Deux jours d'échanges", "fr"},
		{"forum", goical.PropLocation, "Genève, CH / En ligne", "fr"},
		{"panel", goical.PropSummary, "Panel on data", "en"},
		{"panel", goical.PropDescription, "In English only", "en"},
		{"panel", goical.PropLocation, "Durban, ZA / Online", "en"},
	} {
		if v, l := prop(t, events[uid(c.slug)].Props, c.name); v != c.want || l != c.lang {
			t.Errorf("%s %s: %q;LANGUAGE=%s, want %q;LANGUAGE=%s", c.slug, c.name, v, l, c.want, c.lang)
		}
	}

	// Accept-Language with q-values chooses the same feed; Spanish and English are others.
	byHeader := h.do(req{method: "GET", path: "/v1/events.ics", header: map[string]string{"Accept-Language": "es;q=0.2, fr-CH;q=0.8, en;q=0.5"}}).expect(t, 200)
	if string(byHeader.Body) != string(fr.Body) || byHeader.Header.Get("ETag") != fr.Header.Get("ETag") {
		t.Error("Accept-Language preferring French does not give the French feed")
	}
	es := h.do(req{method: "GET", path: "/v1/events.ics?lang=es"}).expect(t, 200)
	if _, ev := parseFeed(t, es); es.Header.Get("Content-Language") != "es" {
		t.Errorf("Spanish feed: Content-Language %q", es.Header.Get("Content-Language"))
	} else if v, l := prop(t, ev[uid("forum")].Props, goical.PropLocation); v != "Ginebra, CH / En línea" || l != "es" {
		t.Errorf("Spanish LOCATION %q;LANGUAGE=%s", v, l)
	}
	en := h.do(req{method: "GET", path: "/v1/events.ics"}).expect(t, 200)
	tags := map[string]bool{fr.Header.Get("ETag"): true, es.Header.Get("ETag"): true, en.Header.Get("ETag"): true}
	if len(tags) != 3 {
		t.Fatalf("languages share an ETag: %v", tags)
	}
	// A 304 per language.
	for lang, r := range map[string]*response{"fr": fr, "es": es, "en": en} {
		nm := h.do(req{method: "GET", path: "/v1/events.ics?lang=" + lang, header: map[string]string{"If-None-Match": r.Header.Get("ETag")}})
		if nm.Status != 304 || nm.Header.Get("ETag") != r.Header.Get("ETag") {
			t.Errorf("%s: If-None-Match gives %d, ETag %s", lang, nm.Status, nm.Header.Get("ETag"))
		}
	}
	h.do(req{method: "GET", path: "/v1/events.ics?lang=en", header: map[string]string{"If-None-Match": fr.Header.Get("ETag")}}).expect(t, 200)

	// A city's feed is named in the language, with the city's name in it.
	cityCal, _ := parseFeed(t, h.do(req{method: "GET", path: "/v1/cities/geneva/events.ics?lang=fr"}).expect(t, 200))
	if v, l := prop(t, cityCal.Props, "X-WR-CALNAME"); v != "CGLU Villes numériques : événements de Genève" || l != "fr" {
		t.Errorf("Geneva's feed X-WR-CALNAME %q;LANGUAGE=%s", v, l)
	}
	// Every language at once: a feed is in one, English.
	if all := h.do(req{method: "GET", path: "/v1/events.ics?lang=all"}).expect(t, 200); all.Header.Get("Content-Language") != "en" ||
		string(all.Body) != string(en.Body) {
		t.Errorf("lang=all: Content-Language %q", all.Header.Get("Content-Language"))
	}
}
