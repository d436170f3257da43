package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// slugsOf lists the slugs (or ids) of every page of a list, following next_cursor, and fails
// the test unless each answer is a 200.
func slugsOf(t *testing.T, h *harness, path, token string) string {
	t.Helper()
	var all []string
	for path != "" {
		var page struct {
			Items []struct {
				Slug string `json:"slug"`
				ID   int64  `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		h.do(req{method: "GET", path: path, token: token}).expect(t, 200).JSON(t, &page)
		for _, it := range page.Items {
			if it.Slug == "" {
				it.Slug = itoa(it.ID)
			}
			all = append(all, it.Slug)
		}
		next := ""
		if page.NextCursor != nil {
			u, _ := url.Parse(path)
			q := u.Query()
			q.Set("cursor", *page.NextCursor)
			u.RawQuery = q.Encode()
			next = u.String()
		}
		path = next
	}
	return strings.Join(all, ",")
}

// translationWorld: cities, an indicator, trends, events, reports (one published, one draft)
// and datasets, with texts translated to various degrees.
type translationWorld struct {
	*reportsWorld
	published, draft int64
}

func newTranslationWorld(t *testing.T) *translationWorld {
	w := &translationWorld{reportsWorld: newReportsWorld(t)}
	h := w.h
	ctx := fixtureCtx()
	for _, c := range []struct {
		slug, country string
		name          domain.Text
	}{
		{"malaga", "ES", domain.Text{EN: "Málaga", ES: "Málaga"}},
		{"seville", "ES", domain.Text{EN: "Seville", FR: "Séville", ES: "Sevilla"}},
		{"saint-denis", "FR", domain.Text{EN: "Saint-Denis", FR: "Saint-Denis"}}, // given a blank Spanish name below
		{"sevilla-la-nueva", "ES", domain.Text{EN: "Sevilla la Nueva", FR: "Sevilla la Nueva", ES: "Sevilla la Nueva"}},
	} {
		if _, err := h.db.CreateCity(ctx, fixtureCaller, c.slug, domain.CityFields{Name: c.name, Country: c.country,
			Section: "europe", Provenance: "sample"}); err != nil {
			t.Fatal(err)
		}
	}
	// The API refuses a translation of only spaces now, but one stored before counts as missing.
	if _, err := h.db.SQL().Exec(`UPDATE cities SET name = name || '{"es": "  "}' WHERE slug = 'saint-denis'`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateIndicator(ctx, fixtureCaller, "open-data-portal", domain.IndicatorFields{Framework: "fw",
		Dimension: "b", Code: "EC-ICT-PS-1A", ValueType: "ordinal", Direction: "higher_is_better",
		Name: domain.Text{EN: "Open data portal", FR: "Portail de données ouvertes", ES: "Portal de datos abiertos"},
		Levels: domain.Levels{{Code: "no", Label: domain.Text{EN: "None", FR: "Aucun", ES: "Ninguno"}, Rank: 0},
			{Code: "yes", Label: domain.Text{EN: "A portal", FR: "Un portail"}, Rank: 1}}}); err != nil { // a level lacks Spanish
		t.Fatal(err)
	}
	for slug, name := range map[string]domain.Text{
		"digital-participation": {EN: "Digital participation", FR: "Participation numérique", ES: "Participación digital"},
		"digital-twins":         {EN: "Digital twins", FR: "Jumeaux numériques"},
	} {
		if _, err := h.db.CreateTrend(ctx, fixtureCaller, slug, domain.TrendFields{Name: name, Category: "other",
			Description: domain.Text{EN: "About " + name.EN, FR: "À propos", ES: "Acerca de"}, Provenance: "sample"}); err != nil {
			t.Fatal(err)
		}
	}
	day := func(d string) domain.DateWithPrecision { return date(d, "day") }
	h.event("uraia-malaga", domain.EventFields{Type: "annual_event", Start: day("2020-03-01"),
		Title:    domain.Text{EN: "Trends in Municipal Innovation", FR: "Tendances de l'innovation municipale", ES: "Tendencias en innovación municipal"},
		Outcomes: domain.Texts{{EN: "A network of cities", FR: "Un réseau de villes"}}}) // an outcome lacks Spanish
	h.event("innovation-webinar", domain.EventFields{Type: "webinar", Start: day("2020-04-01"),
		Title: domain.Text{EN: "Innovation webinar", FR: "Webinaire sur l'innovation", ES: "Seminario web de innovación"},
		Links: domain.EventLinks{{URL: "https://example.org", Title: domain.Text{EN: "Recording", ES: "Grabación"}}}}) // a link lacks French
	h.event("durban-panel", domain.EventFields{Type: "panel", Start: day("2019-11-13"),
		Title: domain.Text{EN: "Using urban innovation to listen to citizens", FR: "L'innovation urbaine à l'écoute des citoyens",
			ES: "La innovación urbana para escuchar a la ciudadanía"}})

	// A published report translated in its title but not in a result, and a draft.
	body := draftBody("Learning events were organised.")
	body["title"] = map[string]any{"en": "Progress report 2019-2020", "fr": "Rapport d'activité 2019-2020", "es": "Informe de progreso 2019-2020"}
	var r domain.Report
	res := h.do(req{method: "POST", path: "/v1/reports", body: body, token: w.sec}).expect(t, 201)
	res.JSON(t, &r)
	w.published = r.ID
	for _, step := range []struct{ to, tag string }{{"submitted", `"v1"`}, {"published", `"v2"`}} {
		h.do(req{method: "POST", path: res.Header.Get("Location") + "/transitions", token: w.sec, header: ifMatch(step.tag),
			body: map[string]any{"to": step.to}}).expect(t, 200)
	}
	body = draftBody("Nothing yet.")
	body["title"] = map[string]any{"en": "Progress report 2021", "fr": "Rapport d'activité 2021", "es": "Informe de progreso 2021"}
	h.do(req{method: "POST", path: "/v1/reports", body: body, token: w.sec}).expect(t, 201).JSON(t, &r)
	w.draft = r.ID

	full := domain.Text{EN: "Open data", FR: "Données ouvertes", ES: "Datos abiertos"}
	for slug, desc := range map[string]domain.Text{
		"cities-translated": {EN: "The cities", FR: "Les villes", ES: "Las ciudades"},
		"cities-english":    {EN: "The cities"},
	} {
		f := datasetFields("cities")
		f.Title, f.Description = full, desc
		if _, err := h.db.CreateDataset(ctx, fixtureCaller, slug, f); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// TestSearchInEveryLanguage: q finds a resource by its text in English, French or Spanish,
// whatever the case and accents, combines with the other filters, and pages.
func TestSearchInEveryLanguage(t *testing.T) {
	w := newTranslationWorld(t)
	h := w.h
	for path, want := range map[string]string{
		"/v1/cities?q=malaga":                        "malaga",
		"/v1/cities?q=M%C3%81LAGA":                   "malaga", // MÁLAGA
		"/v1/cities?q=seville":                       "seville",
		"/v1/cities?q=S%C3%A9ville":                  "seville", // Séville, the French name
		"/v1/cities?q=sevilla":                       "sevilla-la-nueva,seville",
		"/v1/cities?q=sevilla&country=ES":            "sevilla-la-nueva,seville",
		"/v1/cities?q=sevilla&sort=-name":            "seville,sevilla-la-nueva",
		"/v1/cities?q=saint&country=ES":              "",
		"/v1/cities?q=sevilla&limit=1":               "sevilla-la-nueva,seville", // two pages
		"/v1/indicators?q=donnees":                   "open-data-portal",
		"/v1/indicators?q=ABIERTOS":                  "open-data-portal",
		"/v1/indicators?q=ec-ict-ps":                 "open-data-portal", // the code
		"/v1/indicators?q=portal&framework=fw":       "open-data-portal",
		"/v1/indicators?q=portal&value_type=numeric": "",
		"/v1/trends?q=participacion":                 "digital-participation",
		"/v1/trends?q=NUMERIQUE":                     "digital-participation,digital-twins",
		"/v1/trends?q=numerique&limit=1":             "digital-participation,digital-twins",
		"/v1/trends?q=jumeaux&category=other":        "digital-twins",
		"/v1/events?q=innovacion":                    "durban-panel,uraia-malaga,innovation-webinar",
		"/v1/events?q=INNOVATION&limit=1":            "durban-panel,uraia-malaga,innovation-webinar",
		"/v1/events?q=tendances":                     "uraia-malaga",
		"/v1/events?q=innovation&type=webinar":       "innovation-webinar",
		"/v1/cities/malaga/events?q=innovation":      "",
		"/v1/organisations?q=nothing":                "",
	} {
		if got := slugsOf(t, h, path, ""); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	// Reports: q sees only what the caller may read.
	pub, draft := itoa(w.published), itoa(w.draft)
	for _, c := range []struct{ path, token, want string }{
		{"/v1/reports?q=rapport", "", pub},
		{"/v1/reports?q=INFORME", w.sec, pub + "," + draft},
		{"/v1/reports?q=informe&limit=1", w.sec, pub + "," + draft},
		{"/v1/reports?q=informe&status=draft", w.sec, draft},
		{"/v1/reports?q=2021", "", ""},
		{"/v1/reports?q=2021", w.edBeta, ""},
		{"/v1/reports?q=2021", w.edAlpha, draft},
	} {
		if got := slugsOf(t, h, c.path, c.token); got != c.want {
			t.Errorf("%s (token %t): %q, want %q", c.path, c.token != "", got, c.want)
		}
	}
	// A search of more than 100 characters is refused, and so are its own wildcards read as such.
	h.do(req{method: "GET", path: "/v1/events?q=" + strings.Repeat("a", 101)}).expect(t, 422).errorAt(t, "query.q")
	if got := slugsOf(t, h, "/v1/trends?q=%25", ""); got != "" {
		t.Errorf("q=%% is a wildcard: %q", got)
	}
}

// TestMissingTranslations: missing_translations lists the resources with a text, nested ones
// included, that lacks the language or holds only blanks in it; it combines with the other
// filters and refuses anything but fr and es.
func TestMissingTranslations(t *testing.T) {
	w := newTranslationWorld(t)
	h := w.h
	// A result of the published report lacks French and Spanish; its title has both.
	pub, draft := itoa(w.published), itoa(w.draft)
	for _, c := range []struct{ path, token, want string }{
		{"/v1/cities?missing_translations=fr", "", "alpha,beta,delta,gamma,malaga"},
		{"/v1/cities?missing_translations=es", "", "alpha,beta,delta,gamma,saint-denis"}, // "  " is missing
		{"/v1/cities?missing_translations=es&country=FR", "", "saint-denis"},
		{"/v1/cities?missing_translations=fr&q=a&limit=2", "", "alpha,beta,delta,gamma,malaga"},
		{"/v1/indicators?missing_translations=es&q=portal", "", "open-data-portal"}, // a level label
		{"/v1/indicators?missing_translations=fr&q=portal", "", ""},
		{"/v1/trends?missing_translations=es", "", "digital-twins"},
		{"/v1/trends?missing_translations=fr", "", ""},
		{"/v1/events?missing_translations=es", "", "uraia-malaga"},       // an outcome
		{"/v1/events?missing_translations=fr", "", "innovation-webinar"}, // a link's title
		{"/v1/events?missing_translations=fr&type=panel", "", ""},
		{"/v1/reports?missing_translations=fr", "", pub}, // the sections
		{"/v1/reports?missing_translations=fr", w.sec, pub + "," + draft},
		{"/v1/reports?missing_translations=fr&status=published", w.sec, pub},
		{"/v1/datasets?missing_translations=fr", "", "cities-english"}, // its description
		{"/v1/datasets?missing_translations=es&license=CC-BY-4.0", "", "cities-english"},
		{"/v1/organisations?missing_translations=fr", "", ""},
	} {
		if got := slugsOf(t, h, c.path, c.token); got != c.want {
			t.Errorf("%s (token %t): %q, want %q", c.path, c.token != "", got, c.want)
		}
	}
	for _, list := range []string{"cities", "organisations", "indicators", "trends", "events", "reports", "datasets", "cities/malaga/events"} {
		for _, bad := range []string{"en", "de", "FR", ""} {
			if bad == "" {
				continue // an empty value is no filter
			}
			h.do(req{method: "GET", path: "/v1/" + list + "?missing_translations=" + bad}).expect(t, 422).errorAt(t, "query.missing_translations")
		}
	}
}

// translationCounts reads GET /v1/translations as resource → language → [complete, missing],
// checking that complete + missing is the total and the hrefs.
func translationCounts(t *testing.T, h *harness, token string) map[string]map[string][2]int {
	t.Helper()
	var body struct {
		Items []struct {
			Resource    string                    `json:"resource"`
			Texts       string                    `json:"texts"`
			Href        string                    `json:"href"`
			Total       int                       `json:"total"`
			Languages   map[string]map[string]int `json:"languages"`
			MissingHref map[string]string         `json:"missing_href"`
		} `json:"items"`
	}
	h.do(req{method: "GET", path: "/v1/translations", token: token}).expect(t, 200).JSON(t, &body)
	out := map[string]map[string][2]int{}
	for _, it := range body.Items {
		if it.Href != "/v1/"+it.Resource || it.Texts == "" {
			t.Errorf("%s: href %q, texts %q", it.Resource, it.Href, it.Texts)
		}
		if it.MissingHref != nil && it.MissingHref["fr"] != "/v1/"+it.Resource+"?missing_translations=fr" {
			t.Errorf("%s: missing_href %v", it.Resource, it.MissingHref)
		}
		out[it.Resource] = map[string][2]int{"total": {it.Total}}
		for _, l := range []string{"en", "fr", "es"} {
			c := it.Languages[l]
			if c["complete"]+c["missing"] != it.Total {
				t.Errorf("%s %s: %d complete and %d missing of %d", it.Resource, l, c["complete"], c["missing"], it.Total)
			}
			out[it.Resource][l] = [2]int{c["complete"], c["missing"]}
		}
	}
	return out
}

// TestTranslationStatus: GET /v1/translations counts, per kind of resource, those complete in
// each language and those missing it, as missing_translations lists them; reports count those
// the caller may read; a translation added by a merge patch moves a city from missing to complete.
func TestTranslationStatus(t *testing.T) {
	w := newTranslationWorld(t)
	h := w.h
	got := translationCounts(t, h, "")
	want := map[string]map[string][2]int{
		// The study fixture's four cities have only English names.
		"cities":     {"total": {8}, "en": {8, 0}, "fr": {3, 5}, "es": {3, 5}},
		"indicators": {"total": {7}, "en": {7, 0}, "fr": {1, 6}, "es": {0, 7}},
		"trends":     {"total": {2}, "en": {2, 0}, "fr": {2, 0}, "es": {1, 1}},
		"events":     {"total": {3}, "en": {3, 0}, "fr": {2, 1}, "es": {2, 1}},
		"reports":    {"total": {1}, "en": {1, 0}, "fr": {0, 1}, "es": {0, 1}},
		"datasets":   {"total": {2}, "en": {2, 0}, "fr": {1, 1}, "es": {1, 1}},
		"studies":    {"total": {1}, "en": {1, 0}, "fr": {0, 1}, "es": {0, 1}},
		// The framework's dimensions are texts of the framework.
		"frameworks":    {"total": {1}, "en": {1, 0}, "fr": {0, 1}, "es": {0, 1}},
		"organisations": {"total": {0}, "en": {0, 0}, "fr": {0, 0}, "es": {0, 0}},
		"commitments":   {"total": {0}, "en": {0, 0}, "fr": {0, 0}, "es": {0, 0}},
		// Digital Cities has a name and the default, empty, description: no text to translate.
		"communities": {"total": {1}, "en": {1, 0}, "fr": {0, 1}, "es": {0, 1}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts\n got %v\nwant %v", got, want)
	}
	// The counts are those of the filtered lists.
	for resource, lists := range map[string]map[string]int{"cities": {"fr": 5, "es": 5}, "events": {"fr": 1, "es": 1}} {
		for lang, n := range lists {
			if s := slugsOf(t, h, "/v1/"+resource+"?missing_translations="+lang, ""); len(strings.Split(s, ",")) != n {
				t.Errorf("%s missing %s lists %q, counted %d", resource, lang, s, n)
			}
		}
	}
	// The secretariat counts the draft too (its sections lack French and Spanish).
	if r := translationCounts(t, h, w.sec)["reports"]; fmt.Sprint(r) != fmt.Sprint(map[string][2]int{"total": {2}, "en": {2, 0}, "fr": {0, 2}, "es": {0, 2}}) {
		t.Errorf("reports counted for the secretariat: %v", r)
	}

	// Translating Málaga's name into French makes it complete in French.
	etag := h.do(req{method: "GET", path: "/v1/cities/malaga"}).expect(t, 200).Header.Get("ETag")
	h.do(req{method: "PATCH", path: "/v1/cities/malaga", token: w.sec, body: `{"name":{"fr":"Malaga"}}`,
		header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": etag}}).expect(t, 200)
	if c := translationCounts(t, h, "")["cities"]; c["fr"] != [2]int{4, 4} || c["es"] != [2]int{3, 5} {
		t.Errorf("after translating Málaga into French: %v", c)
	}
	if got := slugsOf(t, h, "/v1/cities?missing_translations=fr", ""); got != "alpha,beta,delta,gamma" {
		t.Errorf("still missing French after the patch: %q", got)
	}
	// A translation removed (null) is missing again; one of only spaces is refused.
	etag = h.do(req{method: "GET", path: "/v1/cities/seville"}).expect(t, 200).Header.Get("ETag")
	h.do(req{method: "PATCH", path: "/v1/cities/seville", token: w.sec, body: `{"name":{"fr":" "}}`,
		header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": etag}}).expect(t, 422)
	h.do(req{method: "PATCH", path: "/v1/cities/seville", token: w.sec, body: `{"name":{"fr":null}}`,
		header: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": etag}}).expect(t, 200)
	if c := translationCounts(t, h, "")["cities"]; c["fr"] != [2]int{3, 5} {
		t.Errorf("after removing Seville's French name: %v", c)
	}
}
