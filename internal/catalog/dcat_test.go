package catalog

import (
	"maps"
	"slices"
	"strconv"
	"testing"
)

// expandedCatalog returns the catalog of the fixture datasets, expanded: the catalog node and
// its datasets by IRI.
func expandedCatalog(t *testing.T, self, next string) (catalog node, datasets map[string]node) {
	t.Helper()
	doc := expand(t, DCATCatalog(base, []Entry{entry1(), unreleased()}, self, next))
	checkAbsoluteIRIs(t, doc)
	if len(doc) != 1 {
		t.Fatalf("%d top-level nodes, want the catalog", len(doc))
	}
	catalog = doc[0]
	datasets = map[string]node{}
	for _, d := range values(catalog, nsDCAT+"dataset") {
		datasets[d["@id"].(string)] = d
	}
	return catalog, datasets
}

// TestDCATCatalog checks the catalog's mandatory and recommended DCAT-AP 3 properties.
func TestDCATCatalog(t *testing.T) {
	catalog, datasets := expandedCatalog(t, "", "")
	if !hasType(catalog, nsDCAT+"Catalog") || catalog["@id"] != base+"/v1/catalog" {
		t.Errorf("catalog node %v of types %v", catalog["@id"], catalog["@type"])
	}
	if title := languages(catalog, nsDCT+"title"); title["en"] != CatalogTitle.EN || title["fr"] != CatalogTitle.FR || title["es"] != CatalogTitle.ES {
		t.Errorf("title %v", title)
	}
	if len(languages(catalog, nsDCT+"description")) != 3 {
		t.Errorf("description %v, want en, fr and es", languages(catalog, nsDCT+"description"))
	}
	publisher := one(t, catalog, nsDCT+"publisher")
	if name, _ := literal(t, publisher, nsFOAF+"name"); !hasType(publisher, nsFOAF+"Agent") || name != CatalogPublisher {
		t.Errorf("publisher %v", publisher)
	}
	if len(values(catalog, nsDCT+"language")) != 3 || id(t, catalog, nsFOAF+"homepage") != base+"/docs" {
		t.Errorf("languages %v, homepage %v", catalog[nsDCT+"language"], catalog[nsFOAF+"homepage"])
	}
	if len(datasets) != 2 || datasets[datasetPage] == nil || datasets[base+"/v1/datasets/trend-adoption-2021"] == nil {
		t.Errorf("datasets %v", slices.Collect(maps.Keys(datasets)))
	}
}

// TestDCATDataset checks a released dataset's properties.
func TestDCATDataset(t *testing.T) {
	_, datasets := expandedCatalog(t, "", "")
	d := datasets[datasetPage]
	if !hasType(d, nsDCAT+"Dataset") {
		t.Fatalf("types %v", d["@type"])
	}
	want := observations2019()
	if got := languages(d, nsDCT+"title"); got["en"] != want.Title.EN || got["fr"] != want.Title.FR || got["es"] != want.Title.ES {
		t.Errorf("title %v, want the three languages tagged", got)
	}
	if got := languages(d, nsDCT+"description"); got["en"] != want.Description.EN || got["fr"] != want.Description.FR || got["es"] != want.Description.ES {
		t.Errorf("description %v, want the three languages tagged", got)
	}
	if v, _ := literal(t, d, nsDCT+"identifier"); v != datasetPage {
		t.Errorf("identifier %q", v)
	}
	publisher := one(t, d, nsDCT+"publisher")
	if name, _ := literal(t, publisher, nsFOAF+"name"); name != want.Publisher {
		t.Errorf("publisher's name %q", name)
	}
	contact := one(t, d, nsDCAT+"contactPoint")
	if fn, _ := literal(t, contact, nsVCard+"fn"); !hasType(contact, nsVCard+"Kind") || fn != "UCLG World Secretariat" ||
		id(t, contact, nsVCard+"hasEmail") != "mailto:info@uclg.org" {
		t.Errorf("contact point %v", contact)
	}
	for property, want := range map[string]string{
		nsDCT + "license":            "https://spdx.org/licenses/CC-BY-4.0",
		nsDCAT + "landingPage":       datasetPage,
		nsDCT + "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/BIENNIAL",
	} {
		if got := id(t, d, property); got != want {
			t.Errorf("%s: %q, want %q", property, got, want)
		}
	}
	var themes []string
	for _, th := range values(d, nsDCAT+"theme") {
		themes = append(themes, th["@id"].(string))
	}
	if len(themes) != 2 || themes[0] != euDataTheme+"GOVE" || themes[1] != euDataTheme+"TECH" {
		t.Errorf("themes %v", themes)
	}
	if n := len(values(d, nsDCAT+"keyword")); n != len(want.Keywords) {
		t.Errorf("%d keywords, want %d", n, len(want.Keywords))
	}
	temporal := one(t, d, nsDCT+"temporal")
	start, startType := literal(t, temporal, nsDCAT+"startDate")
	end, endType := literal(t, temporal, nsDCAT+"endDate")
	if !hasType(temporal, nsDCT+"PeriodOfTime") || start != "2019" || end != "2020" || startType != nsXSD+"gYear" || endType != nsXSD+"gYear" {
		t.Errorf("temporal %v", temporal)
	}
	if label, _ := literal(t, one(t, d, nsDCT+"spatial"), nsSKOS+"prefLabel"); label != "World" {
		t.Errorf("spatial %q", label)
	}
	if v, _ := literal(t, d, nsDCAT+"version"); v != "1" {
		t.Errorf("version %q, want the newest release's number", v)
	}
	if v, typ := literal(t, d, nsDCT+"modified"); v != "2020-03-02T09:00:04Z" || typ != nsXSD+"dateTime" {
		t.Errorf("modified %q^^%s, want the newest release's time", v, typ)
	}
	if n := len(values(d, nsDCAT+"distribution")); n != 5 {
		t.Errorf("%d distributions, want one per file", n)
	}
}

// TestDCATDistributions checks each file's distribution: where to get it, its size, checksum,
// media type, format and licence.
func TestDCATDistributions(t *testing.T) {
	_, datasets := expandedCatalog(t, "", "")
	distributions := values(datasets[datasetPage], nsDCAT+"distribution")
	files := release1().Files
	if len(distributions) != len(files) {
		t.Fatalf("%d distributions for %d files", len(distributions), len(files))
	}
	for i, dist := range distributions {
		f := files[i]
		url := datasetPage + "/releases/1/files/" + f.Name
		if !hasType(dist, nsDCAT+"Distribution") || id(t, dist, nsDCAT+"accessURL") != url || id(t, dist, nsDCAT+"downloadURL") != url {
			t.Errorf("%s: %v", f.Name, dist)
		}
		if size, typ := literal(t, dist, nsDCAT+"byteSize"); size != strconv.FormatInt(f.Bytes, 10) || typ != nsXSD+"nonNegativeInteger" {
			t.Errorf("%s: byte size %q^^%s", f.Name, size, typ)
		}
		checksum := one(t, dist, nsSPDX+"checksum")
		value, _ := literal(t, checksum, nsSPDX+"checksumValue")
		if !hasType(checksum, nsSPDX+"Checksum") || id(t, checksum, nsSPDX+"algorithm") != nsSPDX+"checksumAlgorithm_sha256" || value != f.SHA256 {
			t.Errorf("%s: checksum %v", f.Name, checksum)
		}
		if id(t, dist, nsDCT+"license") != "https://spdx.org/licenses/CC-BY-4.0" {
			t.Errorf("%s: licence %v", f.Name, dist[nsDCT+"license"])
		}
		if issued, _ := literal(t, dist, nsDCT+"issued"); issued != "2020-03-02T09:00:04Z" {
			t.Errorf("%s: issued %q", f.Name, issued)
		}
	}

	mediaTypes := map[string]string{
		"observations.csv":     "http://www.iana.org/assignments/media-types/text/csv",
		"observations.json":    "http://www.iana.org/assignments/media-types/application/json",
		"observations.xlsx":    "http://www.iana.org/assignments/media-types/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"observations.parquet": "http://www.iana.org/assignments/media-types/application/vnd.apache.parquet",
	}
	for i, dist := range distributions {
		name := files[i].Name
		if want, registered := mediaTypes[name]; registered {
			if got := id(t, dist, nsDCAT+"mediaType"); got != want {
				t.Errorf("%s: media type %q, want %q", name, got, want)
			}
		} else if dist[nsDCAT+"mediaType"] != nil {
			t.Errorf("%s: media type %v: application/x-ndjson is not in the IANA registry", name, dist[nsDCAT+"mediaType"])
		}
	}
	if got := id(t, distributions[0], nsDCT+"format"); got != euFileType+"CSV" {
		t.Errorf("CSV format %q", got)
	}
	if label, _ := literal(t, one(t, distributions[1], nsDCT+"format"), nsRDFS+"label"); label != "NDJSON" {
		t.Errorf("NDJSON format %q", label)
	}
}

// TestDCATUnreleasedDataset checks that a dataset with no release yet is listed, without
// distributions.
func TestDCATUnreleasedDataset(t *testing.T) {
	_, datasets := expandedCatalog(t, "", "")
	d := datasets[base+"/v1/datasets/trend-adoption-2021"]
	if d == nil {
		t.Fatal("the unreleased dataset is not listed")
	}
	if d[nsDCAT+"distribution"] != nil || d[nsDCAT+"version"] != nil {
		t.Errorf("distributions %v, version %v, want none", d[nsDCAT+"distribution"], d[nsDCAT+"version"])
	}
	if title := languages(d, nsDCT+"title"); len(title) != 1 || title["en"] == "" {
		t.Errorf("title %v, want English only", title)
	}
	temporal := one(t, d, nsDCT+"temporal")
	if start, _ := literal(t, temporal, nsDCAT+"startDate"); start != "2021" || temporal[nsDCAT+"endDate"] != nil {
		t.Errorf("temporal %v, want open after 2021", temporal)
	}
	if got := id(t, d, nsDCT+"accrualPeriodicity"); got != euFrequency+"IRREG" {
		t.Errorf("periodicity %q, want irregular by default", got)
	}
}

// TestDCATPaging checks the Hydra view harvesters follow from page to page.
func TestDCATPaging(t *testing.T) {
	self := base + "/v1/catalog?cursor=eyJzIjoiYSJ9"
	next := base + "/v1/catalog?cursor=eyJzIjoiYiJ9"
	catalog, _ := expandedCatalog(t, self, next)
	if !hasType(catalog, nsHydra+"Collection") {
		t.Errorf("catalog types %v, want a hydra:Collection", catalog["@type"])
	}
	view := one(t, catalog, nsHydra+"view")
	if !hasType(view, nsHydra+"PartialCollectionView") || view["@id"] != self ||
		id(t, view, nsHydra+"next") != next || id(t, view, nsHydra+"first") != base+"/v1/catalog" {
		t.Errorf("view %v", view)
	}

	catalog, _ = expandedCatalog(t, "", "")
	if view := one(t, catalog, nsHydra+"view"); view[nsHydra+"next"] != nil || view["@id"] != base+"/v1/catalog" {
		t.Errorf("last page's view %v, want no next", view)
	}
}
