package catalog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// translated is the fixture dataset's first release with its labels translated into French and
// Spanish: each file has three versions.
func translated() Entry {
	e := entry1()
	for i := range e.Latest.Files {
		f := &e.Latest.Files[i]
		f.Languages = []domain.ReleaseFileLanguage{{Language: "en", Bytes: f.Bytes, SHA256: f.SHA256}}
		for j, lang := range []string{"fr", "es"} {
			f.Languages = append(f.Languages, domain.ReleaseFileLanguage{Language: lang, Bytes: f.Bytes + int64(j+1),
				SHA256: strings.Repeat(fmt.Sprint(j+1), 8) + f.SHA256[8:]})
		}
	}
	return e
}

// frenchOnly is the release with its labels translated into French only.
func frenchOnly() Entry {
	e := translated()
	for i := range e.Latest.Files {
		e.Latest.Files[i].Languages = e.Latest.Files[i].Languages[:2]
	}
	return e
}

// TestTranslationsInDCAT checks that the DCAT catalog carries a dataset's texts in every
// language, tagged, and each file's version in each language as a distribution of its own,
// in that language, with its own URL, size and checksum.
func TestTranslationsInDCAT(t *testing.T) {
	e := frenchOnly()
	d := e.Dataset
	doc := expand(t, DCATCatalog(base, []Entry{e}, "", ""))
	checkAbsoluteIRIs(t, doc)
	dataset := values(doc[0], nsDCAT+"dataset")[0]
	for property, want := range map[string]domain.Text{nsDCT + "title": d.Title, nsDCT + "description": d.Description} {
		got := languages(dataset, property)
		if len(got) != 3 || got["en"] != want.EN || got["fr"] != want.FR || got["es"] != want.ES {
			t.Errorf("DCAT %s: %v", property, got)
		}
	}
	var langs []string
	for _, l := range values(dataset, nsDCT+"language") {
		langs = append(langs, l["@id"].(string))
	}
	if fmt.Sprint(langs) != fmt.Sprint([]string{euLanguage + "ENG", euLanguage + "FRA"}) {
		t.Errorf("the dataset's languages %v, want those of its files: English and French", langs)
	}
	distributions := values(dataset, nsDCAT+"distribution")
	if len(distributions) != 2*len(e.Latest.Files) {
		t.Fatalf("%d distributions, want one per file and language", len(distributions))
	}
	csv := e.Latest.Files[0]
	for i, lang := range []string{"ENG", "FRA"} {
		dist, v := distributions[i], csv.Languages[i]
		url := datasetPage + "/releases/1/files/observations.csv"
		if lang == "FRA" {
			url += "?lang=fr"
		}
		sum, _ := literal(t, one(t, dist, nsSPDX+"checksum"), nsSPDX+"checksumValue")
		size, _ := literal(t, dist, nsDCAT+"byteSize")
		if id(t, dist, nsDCT+"language") != euLanguage+lang || id(t, dist, nsDCAT+"downloadURL") != url || sum != v.SHA256 ||
			size != fmt.Sprint(v.Bytes) {
			t.Errorf("the CSV in %s: language %s, URL %s, checksum %s, size %s", lang, id(t, dist, nsDCT+"language"),
				id(t, dist, nsDCAT+"downloadURL"), sum, size)
		}
	}
}

// TestTranslationsInDataPackage checks the data package's languages (the Language Support
// recipe): the package names the languages of its data, English first, and each file's version
// in a language is a resource of its own, with a unique name, its language first, its title in
// it, and its own URL, size and hash; the package still validates against both profiles.
func TestTranslationsInDataPackage(t *testing.T) {
	e := translated()
	p := DataPackage(base, e.Dataset, *e.Latest, observationColumns())
	for _, profile := range []string{frictionlessPackageV1, frictionlessPackageV2} {
		if err := compileSchema(t, profile).Validate(roundTrip(t, p)); err != nil {
			t.Errorf("%s: %v", profile, err)
		}
	}
	if fmt.Sprint(p.Languages) != "[en fr es]" || p.Title != e.Dataset.Title.EN {
		t.Errorf("languages %v, title %q: want English first, and the English title", p.Languages, p.Title)
	}
	if len(p.Resources) != 3*len(e.Latest.Files) {
		t.Fatalf("%d resources, want one per file and language", len(p.Resources))
	}
	names := map[string]bool{}
	for _, r := range p.Resources {
		names[r.Name] = true
	}
	if len(names) != len(p.Resources) {
		t.Errorf("resource names repeat: %v", names)
	}
	fr, v := p.Resources[1], e.Latest.Files[0].Languages[1]
	if fr.Name != "observations.fr.csv" || fmt.Sprint(fr.Languages) != "[fr en]" || fr.Path != datasetPage+"/releases/1/files/observations.csv?lang=fr" ||
		fr.Title != e.Dataset.Title.FR+" (CSV)" || fr.Hash != "sha256:"+v.SHA256 || fr.Bytes != v.Bytes || fr.Profile != "tabular-data-resource" {
		t.Errorf("the French CSV: %+v", fr)
	}
	if en := p.Resources[0]; en.Name != "observations.csv" || fmt.Sprint(en.Languages) != "[en]" {
		t.Errorf("the English CSV: %+v", en)
	}
	untranslated := DataPackage(base, e.Dataset, release1(), observationColumns())
	if fmt.Sprint(untranslated.Languages) != "[en]" || len(untranslated.Resources) != len(release1().Files) {
		t.Errorf("without translations: languages %v, %d resources", untranslated.Languages, len(untranslated.Resources))
	}
}

// TestTranslationsInCSVW checks that the CSV on the Web metadata tags its title and description
// with their languages, and describes the CSV in the language asked for: its URL, and the
// language its labels are really in.
func TestTranslationsInCSVW(t *testing.T) {
	e := frenchOnly()
	d := e.Dataset
	for _, c := range []struct{ lang, url, labels string }{
		{"en", "observations.csv", "en"},
		{"fr", "observations.csv?lang=fr", "fr"},
		{"es", "observations.csv?lang=es", "en"}, // no Spanish label: the English file
	} {
		m := CSVW(base, d, *e.Latest, observationColumns(), c.lang)
		if m.URL != datasetPage+"/releases/1/files/"+c.url || m.Language != c.labels {
			t.Errorf("%s: url %q, dc:language %q", c.lang, m.URL, m.Language)
		}
		got := map[string]any{}
		for _, v := range m.Title {
			got[v["@language"].(string)] = v["@value"]
		}
		if len(got) != 3 || got["en"] != d.Title.EN || got["fr"] != d.Title.FR || got["es"] != d.Title.ES || len(m.Description) != 3 {
			t.Errorf("%s: dc:title %v, want every language", c.lang, got)
		}
	}
}

// TestTranslationsInSchemaOrg checks that the schema.org Dataset names the languages of its
// files and lists each file's version in each language, and keeps its name and description the
// English texts that search engines read.
func TestTranslationsInSchemaOrg(t *testing.T) {
	e := translated()
	org := SchemaOrg(base, e.Dataset, e.Latest)
	if fmt.Sprint(org.InLanguage) != "[en fr es]" || org.Name != e.Dataset.Title.EN || org.Description != e.Dataset.Description.EN {
		t.Errorf("inLanguage %v, name %q", org.InLanguage, org.Name)
	}
	if len(org.Distribution) != 3*len(e.Latest.Files) {
		t.Fatalf("%d downloads, want one per file and language", len(org.Distribution))
	}
	es, v := org.Distribution[2], e.Latest.Files[0].Languages[2]
	if es.InLanguage != "es" || es.ContentURL != datasetPage+"/releases/1/files/observations.csv?lang=es" || es.SHA256 != v.SHA256 ||
		es.ContentSize != fmt.Sprintf("%d B", v.Bytes) {
		t.Errorf("the Spanish CSV: %+v", es)
	}
}

// TestProjectOpenDataIsEnglish: data.json holds one text per field, and its schema no language
// tags: its title and description are the English ones.
func TestProjectOpenDataIsEnglish(t *testing.T) {
	e := translated()
	pod := ProjectOpenData(base, []Entry{e}).Dataset[0]
	if pod.Title != e.Dataset.Title.EN || pod.Description != e.Dataset.Description.EN {
		t.Errorf("data.json: title %q, description %q; want the English ones", pod.Title, pod.Description)
	}
}
