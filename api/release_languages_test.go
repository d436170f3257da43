package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/releasefile"
)

// identity asks for a file's own bytes: Go's client would otherwise ask for gzip and unzip it
// unseen.
var identity = map[string]string{"Accept-Encoding": "identity"}

// with returns identity and the given headers.
func with(kv ...string) map[string]string {
	h := map[string]string{"Accept-Encoding": "identity"}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = kv[i+1]
	}
	return h
}

// languagesOf lists the languages of a release file's versions.
func languagesOf(f domain.ReleaseFile) []string {
	var out []string
	for _, l := range f.Languages {
		out = append(out, l.Language)
	}
	return out
}

// cityNames reads an observations CSV: its header row, and each row's city_name by its city
// and indicator ("alpha/num").
func cityNames(t *testing.T, body []byte) (header []string, names map[string]string) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	city, indicator, name := slices.Index(rows[0], "city"), slices.Index(rows[0], "indicator"), slices.Index(rows[0], "city_name")
	names = map[string]string{}
	for _, r := range rows[1:] {
		names[r[city]+"/"+r[indicator]] = r[name]
	}
	return rows[0], names
}

// TestReleaseWithoutTranslations: a release whose labels have no French or Spanish version
// stores its files once, in English, and answers lang=fr with the English file, saying so
// (Content-Language: en), under a tag of its own for that language.
func TestReleaseWithoutTranslations(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	qualityFixture(t, h)
	if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "ds", datasetFields("observations")); err != nil {
		t.Fatal(err)
	}
	rel, err := h.db.PublishRelease(fixtureCtx(), fixtureCaller, "ds", "", testFileWriter)
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := h.db.SQL().Get(&stored, `SELECT count(*) FROM release_files WHERE dataset = 'ds'`); err != nil {
		t.Fatal(err)
	}
	if stored != len(domain.ReleaseFormats) {
		t.Fatalf("%d files stored for a release without translations, want %d", stored, len(domain.ReleaseFormats))
	}
	var got domain.Release
	h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/1"}).expect(t, http.StatusOK).JSON(t, &got)
	for _, f := range got.Files {
		if fmt.Sprint(languagesOf(f)) != "[en]" || f.Languages[0].SHA256 != f.SHA256 || f.Languages[0].Bytes != f.Bytes ||
			f.Languages[0].Href != f.Href+"?lang=en" {
			t.Fatalf("%s: versions %+v", f.Name, f.Languages)
		}
	}
	csvFile := rel.Files[0]
	english := h.do(req{method: http.MethodGet, path: csvFile.Href, header: identity}).expect(t, http.StatusOK)
	for _, ask := range []req{
		{method: http.MethodGet, path: csvFile.Href + "?lang=fr", header: identity},
		{method: http.MethodGet, path: csvFile.Href, header: with("Accept-Language", "es-MX, fr;q=0.5")},
	} {
		res := h.do(ask).expect(t, http.StatusOK)
		lang := "fr"
		if ask.header["Accept-Language"] != "" {
			lang = "es"
		}
		if !bytes.Equal(res.Body, english.Body) || res.Header.Get("Content-Language") != "en" ||
			res.Header.Get("ETag") != `"`+csvFile.SHA256+"-"+lang+`"` || !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Language") {
			t.Fatalf("%s %v: Content-Language %q, ETag %q, Vary %q, same bytes %v", ask.path, ask.header, res.Header.Get("Content-Language"),
				res.Header.Get("ETag"), res.Header.Values("Vary"), bytes.Equal(res.Body, english.Body))
		}
		if !strings.Contains(res.Header.Get("Content-Disposition"), `"ds-1-observations.csv"`) {
			t.Fatalf("Content-Disposition %q", res.Header.Get("Content-Disposition"))
		}
	}
	// lang=all: a file holds one version of each label, the English one.
	all := h.do(req{method: http.MethodGet, path: csvFile.Href + "?lang=all", header: identity}).expect(t, http.StatusOK)
	if !bytes.Equal(all.Body, english.Body) || all.Header.Get("Content-Language") != "en" || all.Header.Get("ETag") != `"`+csvFile.SHA256+`"` {
		t.Fatalf("lang=all: Content-Language %q, ETag %q", all.Header.Get("Content-Language"), all.Header.Get("ETag"))
	}
}

// TestReleaseLabelsInEveryLanguage: a release whose cities and indicators have French and
// Spanish names publishes each file three times, with the labels (never the column names, slugs
// or codes) in each language and English where a name is not translated; each version has its
// own size, SHA-256 and ETag, resumes with Range and If-Range, and reads back in every format.
func TestReleaseLabelsInEveryLanguage(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	qualityFixture(t, h)
	for _, q := range []string{
		`UPDATE cities SET name = name || '{"fr": "Alpha-sur-Mer", "es": "   "}' WHERE slug = 'alpha'`, // a blank version is no translation
		`UPDATE indicators SET name = name || '{"fr": "Numérique", "es": "Numérico"}' WHERE slug = 'num'`,
	} {
		if _, err := h.db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "ds", datasetFields("observations")); err != nil {
		t.Fatal(err)
	}
	secretariat, _ := h.token(domain.RoleSecretariat)
	var rel domain.Release
	h.do(req{method: http.MethodPost, path: "/v1/datasets/ds/releases", token: secretariat, body: map[string]any{}}).
		expect(t, http.StatusCreated).JSON(t, &rel)
	if len(rel.Files) != len(domain.ReleaseFormats) {
		t.Fatalf("%d files listed, want the %d English ones", len(rel.Files), len(domain.ReleaseFormats))
	}
	cols, err := postgres.ReleaseColumns("observations")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rel.Files {
		if fmt.Sprint(languagesOf(f)) != "[en fr es]" {
			t.Fatalf("%s: versions %v", f.Name, languagesOf(f))
		}
		tags := map[string]bool{}
		for _, v := range f.Languages {
			res := h.do(req{method: http.MethodGet, path: v.Href, header: identity}).expect(t, http.StatusOK)
			sum := sha256.Sum256(res.Body)
			if hex.EncodeToString(sum[:]) != v.SHA256 || int64(len(res.Body)) != v.Bytes || res.Header.Get("Content-Language") != v.Language ||
				res.Header.Get("ETag") != `"`+v.SHA256+"-"+v.Language+`"` {
				t.Fatalf("%s (%s): %d bytes, SHA-256 %x, Content-Language %q, ETag %q; listed %+v", f.Name, v.Language, len(res.Body), sum,
					res.Header.Get("Content-Language"), res.Header.Get("ETag"), v)
			}
			tags[res.Header.Get("ETag")] = true
			rows, err := releasefile.Read(f.Format, bytes.NewReader(res.Body), int64(len(res.Body)), cols)
			if err != nil {
				t.Fatalf("%s (%s): %v", f.Name, v.Language, err)
			}
			if int64(len(rows)) != rel.Rows {
				t.Fatalf("%s (%s): %d rows, the release has %d", f.Name, v.Language, len(rows), rel.Rows)
			}
			want := map[string]map[string]string{ // city_name of alpha, indicator_name of num
				"en": {"alpha": "Alpha", "num": "num"}, "fr": {"alpha": "Alpha-sur-Mer", "num": "Numérique"}, "es": {"alpha": "Alpha", "num": "Numérico"},
			}[v.Language]
			for _, row := range rows {
				rec := map[string]any{}
				for i, c := range cols {
					rec[c.Name] = row[i]
				}
				if rec["city"] == "alpha" && rec["city_name"] != want["alpha"] || rec["indicator"] == "num" && rec["indicator_name"] != want["num"] ||
					rec["city"] == "beta" && rec["city_name"] != "Beta" {
					t.Fatalf("%s (%s): %v is labelled %q, %q", f.Name, v.Language, rec["id"], rec["city_name"], rec["indicator_name"])
				}
			}
		}
		if len(tags) != 3 {
			t.Fatalf("%s: the three versions share tags: %v", f.Name, tags)
		}
	}

	// The CSV: the same header row in every language; Accept-Language chooses too.
	csvFile := rel.Files[0]
	en := h.do(req{method: http.MethodGet, path: csvFile.Href, header: identity}).expect(t, http.StatusOK)
	fr := h.do(req{method: http.MethodGet, path: csvFile.Href, header: with("Accept-Language", "fr-CA")}).expect(t, http.StatusOK)
	enHeader, _ := cityNames(t, en.Body)
	frHeader, frNames := cityNames(t, fr.Body)
	if !slices.Equal(enHeader, frHeader) || frNames["alpha/num"] != "Alpha-sur-Mer" || fr.Header.Get("Content-Language") != "fr" {
		t.Fatalf("French CSV: header %v (English %v), alpha %q", frHeader, enHeader, frNames["alpha/num"])
	}
	if !strings.Contains(fr.Header.Get("Content-Disposition"), `"ds-1-observations.fr.csv"`) ||
		!strings.Contains(fr.Header.Get("Link"), `</v1/datasets/ds/releases/1/csv-metadata.json?lang=fr>; rel="describedby"`) {
		t.Fatalf("French CSV: Content-Disposition %q, Link %q", fr.Header.Get("Content-Disposition"), fr.Header.Get("Link"))
	}

	// Resume the French CSV: the tag its download gave holds the range; another language's does not.
	frPath, frTag, full := csvFile.Href+"?lang=fr", fr.Header.Get("ETag"), fr.Body
	cut := int64(len(full) / 2)
	first := h.do(req{method: http.MethodGet, path: frPath, header: with("Range", "bytes=0-"+strconv.FormatInt(cut-1, 10))}).
		expect(t, http.StatusPartialContent)
	rest := h.do(req{method: http.MethodGet, path: frPath, header: with("Range", fmt.Sprintf("bytes=%d-", cut), "If-Range", frTag)}).
		expect(t, http.StatusPartialContent)
	if !bytes.Equal(append(first.Body, rest.Body...), full) || rest.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", cut, len(full)-1, len(full)) ||
		rest.Header.Get("Content-Language") != "fr" || rest.Header.Get("ETag") != frTag {
		t.Fatalf("resumed French CSV: Content-Range %q, ETag %q", rest.Header.Get("Content-Range"), rest.Header.Get("ETag"))
	}
	h.do(req{method: http.MethodGet, path: frPath, header: with("Range", "bytes=5-", "If-Range", en.Header.Get("ETag"))}).expect(t, http.StatusOK)
	h.do(req{method: http.MethodGet, path: frPath, header: with("Range", "bytes=5-", "If-Range", `"`+csvFile.SHA256+`-fr"`)}).expect(t, http.StatusOK)

	// 304 for the tag of the language asked for only; gzip keeps the language.
	h.do(req{method: http.MethodGet, path: frPath, header: with("If-None-Match", frTag)}).expect(t, http.StatusNotModified)
	h.do(req{method: http.MethodGet, path: csvFile.Href, header: with("If-None-Match", frTag)}).expect(t, http.StatusOK)
	gz := h.do(req{method: http.MethodGet, path: frPath, header: map[string]string{"Accept-Encoding": "gzip"}})
	if gz.Header.Get("ETag") != "W/"+frTag {
		t.Fatalf("gzipped French CSV: ETag %q", gz.Header.Get("ETag"))
	}

	// Releases stay immutable, in every language.
	if _, err := h.db.SQL().Exec(`UPDATE release_files SET language = 'en' WHERE language = 'fr'`); err == nil {
		t.Fatal("a release file's language could be changed")
	}
}

// TestReleaseLanguagesOfEveryResource: every kind of record publishes its labels in the
// languages they are translated into, and only those.
func TestReleaseLanguagesOfEveryResource(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	if _, err := h.db.SQL().Exec(`UPDATE indicators SET description = '{"en": "Counts", "es": "Cuenta"}' WHERE slug = 'cnt'`); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"observations": "[en]", "cities": "[en]", "indicators": "[en es]"}
	for resource, langs := range want {
		if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, resource, datasetFields(resource)); err != nil {
			t.Fatal(err)
		}
		rel, err := h.db.PublishRelease(fixtureCtx(), fixtureCaller, resource, "", testFileWriter)
		if err != nil {
			t.Fatalf("%s: %v", resource, err)
		}
		if got := fmt.Sprint(languagesOf(rel.Files[0])); got != langs {
			t.Errorf("%s: versions %s, want %s", resource, got, langs)
		}
	}
	es := h.do(req{method: http.MethodGet, path: "/v1/datasets/indicators/releases/1/files/indicators.csv?lang=es", header: identity}).expect(t, http.StatusOK)
	if !strings.Contains(string(es.Body), ",Cuenta,") || es.Header.Get("Content-Language") != "es" {
		t.Fatalf("Spanish indicators: %s", es.Body)
	}
}

// TestCatalogsOfTranslatedRelease: the documents of a release with French labels list its
// French files beside the English ones, and the CSV on the Web metadata describes the CSV in
// the language asked for, under an ETag of that language.
func TestCatalogsOfTranslatedRelease(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	if _, err := h.db.SQL().Exec(`UPDATE cities SET name = name || '{"fr": "Alpha-sur-Mer"}' WHERE slug = 'alpha'`); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "ds", datasetFields("observations")); err != nil {
		t.Fatal(err)
	}
	r, err := h.db.PublishRelease(fixtureCtx(), fixtureCaller, "ds", "", testFileWriter)
	if err != nil {
		t.Fatal(err)
	}
	frCSV := r.Files[0].Languages[1]
	if frCSV.Language != "fr" || len(r.Files[0].Languages) != 2 {
		t.Fatalf("versions %+v", r.Files[0].Languages)
	}

	var pkg struct {
		Languages []string
		Resources []struct {
			Name, Path, Hash string
			Languages        []string
		}
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/1/datapackage.json"}).expect(t, http.StatusOK).JSON(t, &pkg)
	if fmt.Sprint(pkg.Languages) != "[en fr]" || len(pkg.Resources) != 10 {
		t.Fatalf("data package: languages %v, %d resources", pkg.Languages, len(pkg.Resources))
	}
	if fr := pkg.Resources[1]; fr.Name != "observations.fr.csv" || !strings.HasSuffix(fr.Path, frCSV.Href) || fr.Hash != "sha256:"+frCSV.SHA256 ||
		fmt.Sprint(fr.Languages) != "[fr en]" {
		t.Fatalf("the French CSV's resource: %+v", fr)
	}

	page := h.do(req{method: http.MethodGet, path: "/v1/datasets/ds?format=html"}).expect(t, http.StatusOK)
	if !strings.Contains(string(page.Body), frCSV.Href+`" hreflang="fr"`) {
		t.Fatalf("the dataset's page lacks the French CSV: %s", page.Body)
	}
	cat := h.do(req{method: http.MethodGet, path: "/v1/catalog"}).expect(t, http.StatusOK)
	if !strings.Contains(string(cat.Body), frCSV.Href) || !strings.Contains(string(cat.Body), frCSV.SHA256) ||
		!strings.Contains(string(cat.Body), "/language/FRA") {
		t.Fatalf("the DCAT catalog lacks the French CSV: %s", cat.Body)
	}

	var csvw struct {
		URL      string `json:"url"`
		Language string `json:"dc:language"`
		Title    []struct {
			Value    string `json:"@value"`
			Language string `json:"@language"`
		} `json:"dc:title"`
	}
	meta := h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/1/csv-metadata.json?lang=fr"}).expect(t, http.StatusOK)
	meta.JSON(t, &csvw)
	if !strings.HasSuffix(csvw.URL, frCSV.Href) || csvw.Language != "fr" || len(csvw.Title) != 2 || csvw.Title[1].Language != "fr" ||
		meta.Header.Get("Content-Language") != "en, fr, es" || !strings.HasSuffix(meta.Header.Get("ETag"), `-fr"`) {
		t.Fatalf("CSVW in French: %s, Content-Language %q, ETag %q", meta.Body, meta.Header.Get("Content-Language"), meta.Header.Get("ETag"))
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/1/csv-metadata.json?lang=fr", header: map[string]string{"If-None-Match": meta.Header.Get("ETag")}}).
		expect(t, http.StatusNotModified)
	es := h.do(req{method: http.MethodGet, path: "/v1/datasets/ds/releases/1/csv-metadata.json", header: map[string]string{"Accept-Language": "es"}}).expect(t, http.StatusOK)
	es.JSON(t, &csvw)
	if !strings.HasSuffix(csvw.URL, "/files/observations.csv?lang=es") || csvw.Language != "en" {
		t.Fatalf("CSVW in Spanish, which has no labels: url %q, dc:language %q", csvw.URL, csvw.Language)
	}
}
