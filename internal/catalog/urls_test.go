package catalog

import (
	"testing"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TestURLs checks the URL layout the API serves.
func TestURLs(t *testing.T) {
	for got, want := range map[string]string{
		DatasetURL(base, "smart-governance-2019"):        datasetPage,
		ReleaseURL(base, "smart-governance-2019", 3):     datasetPage + "/releases/3",
		DataPackageURL(base, "smart-governance-2019", 3): datasetPage + "/releases/3/datapackage.json",
		CatalogURL(base):         base + "/v1/catalog",
		ProjectOpenDataURL(base): base + "/v1/catalog/data.json",
		LicenseURL("CC-BY-4.0"):  "https://spdx.org/licenses/CC-BY-4.0",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// TestFileURL checks a file's URL, built from the base.
func TestFileURL(t *testing.T) {
	f := domain.ReleaseFile{Name: "observations.csv"}
	if got, want := FileURL(base, "smart-governance-2019", 1, f), datasetPage+"/releases/1/files/observations.csv"; got != want {
		t.Errorf("built: %q, want %q", got, want)
	}
}

// TestMediaTypes checks the media types written without parameters and their IANA IRIs.
func TestMediaTypes(t *testing.T) {
	for _, c := range []struct {
		file      domain.ReleaseFile
		essence   string
		ianaIRIOK bool
	}{
		{domain.ReleaseFile{Format: "csv", MediaType: "text/csv; charset=utf-8"}, "text/csv", true},
		{domain.ReleaseFile{Format: "csv"}, "text/csv", true},
		{domain.ReleaseFile{Format: "ndjson", MediaType: "application/x-ndjson"}, "application/x-ndjson", false},
		{domain.ReleaseFile{Format: "parquet", MediaType: "application/vnd.apache.parquet"}, "application/vnd.apache.parquet", true},
	} {
		mt := mediaType(c.file)
		if mt != c.essence {
			t.Errorf("%+v: media type %q, want %q", c.file, mt, c.essence)
		}
		if iri := mediaTypeIRI(mt); (iri != "") != c.ianaIRIOK || c.ianaIRIOK && iri != ianaMedia+mt {
			t.Errorf("%s: IRI %q", mt, iri)
		}
	}
}
