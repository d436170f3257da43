package catalog

import (
	"net/url"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// The URLs of the documents that the API serves, built from its base URL. They are the one
// place that knows the API's URL layout.

// DatasetURL is a dataset's page: {base}/v1/datasets/{slug}.
func DatasetURL(base, slug string) string {
	return base + "/v1/datasets/" + url.PathEscape(slug)
}

// ReleaseURL is a release: {base}/v1/datasets/{slug}/releases/{n}.
func ReleaseURL(base, slug string, number int) string {
	return DatasetURL(base, slug) + "/releases/" + strconv.Itoa(number)
}

// FileURL is a release file's URL: {base}/v1/datasets/{slug}/releases/{n}/files/{name}.
func FileURL(base, slug string, number int, f domain.ReleaseFile) string {
	return ReleaseURL(base, slug, number) + "/files/" + url.PathEscape(f.Name)
}

// FileURLIn is the URL of a release file's version in lang: FileURL for English, else with
// ?lang=fr or ?lang=es (served the English file when the release has no labels in lang).
func FileURLIn(base, slug string, number int, f domain.ReleaseFile, lang string) string {
	return FileURL(base, slug, number, f) + langQuery(lang)
}

// langQuery is the query string that asks for lang: none for English, the default.
func langQuery(lang string) string {
	if lang == "" || lang == "en" {
		return ""
	}
	return "?lang=" + url.QueryEscape(lang)
}

// DataPackageURL is a release's Frictionless data package:
// {base}/v1/datasets/{slug}/releases/{n}/datapackage.json.
func DataPackageURL(base, slug string, number int) string {
	return ReleaseURL(base, slug, number) + "/datapackage.json"
}

// CSVWURL is the CSV on the Web metadata of a release's CSV in lang:
// {base}/v1/datasets/{slug}/releases/{n}/csv-metadata.json, with ?lang=fr or ?lang=es for
// those languages' CSV, which the CSV's Link header (rel="describedby") names for CSVW
// processors.
func CSVWURL(base, slug string, number int, lang string) string {
	return ReleaseURL(base, slug, number) + "/csv-metadata.json" + langQuery(lang)
}

// CatalogURL is the first page of the DCAT catalog: {base}/v1/catalog.
func CatalogURL(base string) string {
	return base + "/v1/catalog"
}

// ProjectOpenDataURL is the Project Open Data catalog: {base}/v1/catalog/data.json.
func ProjectOpenDataURL(base string) string {
	return CatalogURL(base) + "/data.json"
}

// homepageURL is the API's documentation page, the catalog's page for people.
func homepageURL(base string) string {
	return base + "/docs"
}

// LicenseURL is the SPDX page of a licence: https://spdx.org/licenses/{id}.
func LicenseURL(spdxID string) string {
	return "https://spdx.org/licenses/" + url.PathEscape(spdxID)
}
