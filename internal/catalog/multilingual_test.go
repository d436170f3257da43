package catalog

import (
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestTranslationsReachOnlyDCAT checks that a dataset's French and Spanish texts are published
// in the DCAT catalog, tagged with their languages, and that the documents that hold one text
// per field carry the English one.
func TestTranslationsReachOnlyDCAT(t *testing.T) {
	e := entry1()
	d := e.Dataset

	_, datasets := expandedCatalog(t, "", "")
	for property, want := range map[string]domain.Text{nsDCT + "title": d.Title, nsDCT + "description": d.Description} {
		got := languages(datasets[datasetPage], property)
		if len(got) != 3 || got["en"] != want.EN || got["fr"] != want.FR || got["es"] != want.ES {
			t.Errorf("DCAT %s: %v", property, got)
		}
	}

	pod := ProjectOpenData(base, []Entry{e}).Dataset[0]
	pkg := DataPackage(base, d, *e.Latest, observationColumns())
	csvw := CSVW(base, d, *e.Latest, observationColumns())
	org := SchemaOrg(base, d, e.Latest)
	for doc, title := range map[string]string{
		"data.json": pod.Title, "data package": pkg.Title, "CSVW": csvw.Title, "schema.org": org.Name,
	} {
		if title != d.Title.EN {
			t.Errorf("%s title %q, want the English %q", doc, title, d.Title.EN)
		}
	}
	for doc, description := range map[string]string{
		"data.json": pod.Description, "data package": pkg.Description, "CSVW": csvw.Description, "schema.org": org.Description,
	} {
		if description != d.Description.EN {
			t.Errorf("%s description %q, want the English one", doc, description)
		}
	}
}
