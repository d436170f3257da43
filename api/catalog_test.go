package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestDatasetLifecycle: a dataset is described, checked against what exists, served as JSON,
// schema.org JSON-LD and a page with its licence linked, changed with If-Match, and deleted
// only while it has never been released.
func TestDatasetLifecycle(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	secretariat, _ := h.token(domain.RoleSecretariat)
	editor, _ := h.token(domain.RoleEditor, "alpha")
	body := datasetBody()
	body["slug"] = "obs-2019"

	h.do(req{method: http.MethodPost, path: "/v1/datasets", token: editor, body: body}).expect(t, http.StatusForbidden)
	h.do(req{method: http.MethodPost, path: "/v1/datasets", body: body}).expect(t, http.StatusUnauthorized)
	for name, bad := range map[string]map[string]any{
		"body.content":               {"resource": "observations", "edition": 2031},
		"body.content.edition":       {"resource": "cities", "edition": 2019},
		"body.content.provenance[0]": {"resource": "cities", "provenance": []string{"invented"}},
	} {
		b := datasetBody()
		b["slug"], b["content"] = "bad", bad
		h.do(req{method: http.MethodPost, path: "/v1/datasets", token: secretariat, body: b}).expect(t, http.StatusUnprocessableEntity).errorAt(t, name)
	}
	reserved := datasetBody()
	reserved["slug"] = "catalog"
	h.do(req{method: http.MethodPost, path: "/v1/datasets", token: secretariat, body: reserved}).expect(t, http.StatusUnprocessableEntity)

	res := h.do(req{method: http.MethodPost, path: "/v1/datasets", token: secretariat, body: body}).expect(t, http.StatusCreated)
	if res.Header.Get("Location") != "/v1/datasets/obs-2019" || res.Header.Get("Link") != `<https://spdx.org/licenses/CC-BY-4.0>; rel="license"` {
		t.Fatalf("create headers %v", res.Header)
	}
	h.do(req{method: http.MethodPost, path: "/v1/datasets", token: secretariat, body: body}).expect(t, http.StatusConflict)

	got := h.do(req{method: http.MethodGet, path: "/v1/datasets/obs-2019"}).expect(t, http.StatusOK)
	var d domain.Dataset
	got.JSON(t, &d)
	if d.Content.Resource != "observations" || d.LatestRelease != nil || got.Header.Get("ETag") != `"v1-en"` {
		t.Fatalf("dataset %+v, ETag %s", d, got.Header.Get("ETag"))
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets/obs-2019", header: map[string]string{"If-None-Match": `"v1-en"`}}).expect(t, http.StatusNotModified)
	ld := h.do(req{method: http.MethodGet, path: "/v1/datasets/obs-2019", header: map[string]string{"Accept": "application/ld+json"}}).expect(t, http.StatusOK)
	var org map[string]any
	ld.JSON(t, &org)
	if org["@type"] != "Dataset" || org["license"] != "https://spdx.org/licenses/CC-BY-4.0" || ld.Header.Get("Content-Type") != "application/ld+json" {
		t.Fatalf("schema.org: %s", ld.Body)
	}
	page := h.do(req{method: http.MethodGet, path: "/v1/datasets/obs-2019?format=html"}).expect(t, http.StatusOK)
	if !strings.Contains(string(page.Body), `<script type="application/ld+json">{"@context":"https://schema.org"`) ||
		page.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("page: %s", page.Body)
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets/obs-2019", header: map[string]string{"Accept": "image/png"}}).expect(t, http.StatusNotAcceptable)

	change := datasetBody()
	change["license"] = "CC0-1.0"
	h.do(req{method: http.MethodPut, path: "/v1/datasets/obs-2019", token: secretariat, body: change}).expect(t, http.StatusPreconditionRequired)
	h.do(req{method: http.MethodPut, path: "/v1/datasets/obs-2019", token: secretariat, body: change, header: map[string]string{"If-Match": `"v9"`}}).expect(t, http.StatusPreconditionFailed)
	res = h.do(req{method: http.MethodPut, path: "/v1/datasets/obs-2019", token: secretariat, body: change, header: map[string]string{"If-Match": `"v1"`}}).expect(t, http.StatusOK)
	if res.Header.Get("Link") != `<https://spdx.org/licenses/CC0-1.0>; rel="license"` {
		t.Fatalf("licence link after the change: %q", res.Header.Get("Link"))
	}
	var list struct{ Items []domain.Dataset }
	h.do(req{method: http.MethodGet, path: "/v1/datasets?license=CC0-1.0&released=false"}).expect(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("filtered list: %+v", list.Items)
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets?released=true"}).expect(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("released list: %+v", list.Items)
	}
	h.do(req{method: http.MethodDelete, path: "/v1/datasets/obs-2019", token: secretariat, header: map[string]string{"If-Match": `"v2"`}}).expect(t, http.StatusNoContent)
	h.do(req{method: http.MethodGet, path: "/v1/datasets/obs-2019"}).expect(t, http.StatusNotFound)
}

// TestReleasesOfEveryResource: each kind of content makes a release with rows, labelled columns
// and five files that agree on the count.
func TestReleasesOfEveryResource(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	if _, err := h.db.CreateTrend(fixtureCtx(), fixtureCaller, "tm", domain.TrendFields{Name: domain.Text{EN: "TM"},
		Description: domain.Text{EN: "TM"}, Category: "other", Provenance: "sample"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.CreateAdoption(fixtureCtx(), fixtureCaller, domain.AdoptionKey{Trend: "tm", City: "alpha", Year: 2019},
		domain.AdoptionFields{Stage: "pilot", Source: "Test", Provenance: "sample"}); err != nil {
		t.Fatal(err)
	}
	h.event("ev", domain.EventFields{Title: domain.Text{EN: "Event"}, Type: "webinar",
		Start: domain.DateWithPrecision{Value: ptr("2020"), Precision: "year"}, Status: "tbc", Provenance: "sample"})
	secretariat, _ := h.token(domain.RoleSecretariat)
	for resource, rows := range map[string]int64{"observations": 0, "cities": 4, "indicators": 6, "trend_adoption": 1, "events": 1} {
		if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, "ds-"+strings.ReplaceAll(resource, "_", "-"), datasetFields(resource)); err != nil {
			t.Fatal(err)
		}
		var rel domain.Release
		h.do(req{method: http.MethodPost, path: "/v1/datasets/ds-" + strings.ReplaceAll(resource, "_", "-") + "/releases", token: secretariat, body: map[string]any{}}).
			expect(t, http.StatusCreated).JSON(t, &rel)
		if resource == "observations" {
			rows = 1 // the fixture's one observation: reported, the dataset takes reported and sample
		}
		if rel.Rows != rows || len(rel.Files) != 5 || rel.Files[0].Name != resource+".csv" {
			t.Errorf("%s: %d rows (want %d), files %+v", resource, rel.Rows, rows, rel.Files)
		}
	}
}

// TestCatalogs: the DCAT catalog pages for harvesters and lists each dataset's newest files with
// their checksums; data.json, the data package and the CSVW metadata describe the same files.
func TestCatalogs(t *testing.T) {
	h := newHarness(t)
	studyFixture(t, h)
	h.observe("alpha", "num", 2019, 5.0, "A")
	for _, slug := range []string{"a-first", "b-second", "c-third"} {
		if _, err := h.db.CreateDataset(fixtureCtx(), fixtureCaller, slug, datasetFields("observations")); err != nil {
			t.Fatal(err)
		}
	}
	r, err := h.db.PublishRelease(fixtureCtx(), fixtureCaller, "b-second", "First", testFileWriter)
	if err != nil {
		t.Fatal(err)
	}

	// Page by page, following hydra:next, as a harvester does.
	var seen []string
	next := "/v1/catalog?limit=2"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("the catalog's pages never end")
		}
		res := h.do(req{method: http.MethodGet, path: next}).expect(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/ld+json" {
			t.Fatalf("catalog Content-Type %q", ct)
		}
		var cat map[string]any
		res.JSON(t, &cat)
		for _, d := range cat["dcat:dataset"].([]any) {
			ds := d.(map[string]any)
			id := ds["dct:identifier"].(string)
			seen = append(seen, id[strings.LastIndex(id, "/")+1:])
			if strings.HasSuffix(id, "/b-second") {
				b, _ := json.Marshal(ds["dcat:distribution"])
				if !strings.Contains(string(b), r.Files[0].SHA256) || !strings.Contains(string(b), "observations.parquet") {
					t.Fatalf("b-second's distributions: %s", b)
				}
			}
		}
		next = ""
		if view, ok := cat["hydra:view"].(map[string]any); ok {
			if n, ok := view["hydra:next"].(map[string]any); ok {
				next = strings.TrimPrefix(n["@id"].(string), "http://localhost:8080")
			}
		}
	}
	if strings.Join(seen, ",") != "a-first,b-second,c-third" {
		t.Fatalf("the catalog's pages gave %v", seen)
	}

	var pod map[string]any
	h.do(req{method: http.MethodGet, path: "/v1/catalog/data.json"}).expect(t, http.StatusOK).JSON(t, &pod)
	if ds, _ := pod["dataset"].([]any); len(ds) != 3 || pod["conformsTo"] != "https://project-open-data.cio.gov/v1.1/schema" {
		t.Fatalf("data.json: %v", pod)
	}
	var pkg struct {
		Resources []struct {
			Path, Hash string
			Bytes      int64
		}
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets/b-second/releases/1/datapackage.json"}).expect(t, http.StatusOK).JSON(t, &pkg)
	if len(pkg.Resources) != 5 {
		t.Fatalf("data package resources: %+v", pkg.Resources)
	}
	for i, res := range pkg.Resources {
		if res.Hash != "sha256:"+r.Files[i].SHA256 || res.Bytes != r.Files[i].Bytes || !strings.HasSuffix(res.Path, r.Files[i].Href) {
			t.Errorf("resource %d: %+v, file %+v", i, res, r.Files[i])
		}
	}
	var csvw struct {
		URL         string `json:"url"`
		TableSchema struct {
			Columns []struct{ Name string }
		} `json:"tableSchema"`
	}
	res := h.do(req{method: http.MethodGet, path: "/v1/datasets/b-second/releases/1/csv-metadata.json"}).expect(t, http.StatusOK)
	res.JSON(t, &csvw)
	if !strings.HasSuffix(csvw.URL, "/files/observations.csv") || len(csvw.TableSchema.Columns) < 10 || csvw.TableSchema.Columns[0].Name != "id" ||
		res.Header.Get("Content-Type") != "application/csvm+json" {
		t.Fatalf("CSVW: %s", res.Body)
	}
	h.do(req{method: http.MethodGet, path: "/v1/datasets/a-first/releases/1/datapackage.json"}).expect(t, http.StatusNotFound)
}
