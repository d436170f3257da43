// Package catalog builds the open-data catalog documents of the published datasets from their
// domain records: the DCAT-AP catalog (JSON-LD), the Project Open Data catalog (data.json), a
// release's Frictionless data package and CSV on the Web metadata, and the schema.org Dataset
// that dataset search engines read on a dataset's page.
//
// Every function is pure: it takes the records and the API's base URL (such as
// "https://api.example.org", without a trailing slash) and returns a value that marshals to the
// document's JSON. Nothing here reads the database or writes HTTP.
package catalog

import (
	"time"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Entry is one dataset of a catalog page with its newest release, whose files become the
// dataset's distributions.
type Entry struct {
	Dataset domain.Dataset
	// Latest is the newest release with its files; nil before the first release.
	Latest *domain.Release
}

// CatalogTitle and CatalogDescription describe the API's catalog as a whole, in UCLG's three
// languages.
var (
	CatalogTitle = domain.Text{
		EN: "Digital Cities open data",
		FR: "Données ouvertes Digital Cities",
		ES: "Datos abiertos Digital Cities",
	}
	CatalogDescription = domain.Text{
		EN: "Datasets published by the UCLG Community of Practice on Digital Cities: the Smart Cities Study's " +
			"indicators and observations, the cities, technology trends and collaboration events, as numbered, " +
			"immutable releases.",
		FR: "Jeux de données publiés par la Communauté de pratique des villes numériques de CGLU : les " +
			"indicateurs et observations du Smart Cities Study, les villes, les tendances technologiques et les " +
			"événements de collaboration, en versions numérotées et immuables.",
		ES: "Conjuntos de datos publicados por la Comunidad de Práctica de Ciudades Digitales de CGLU: los " +
			"indicadores y observaciones del Smart Cities Study, las ciudades, las tendencias tecnológicas y los " +
			"eventos de colaboración, en versiones numeradas e inmutables.",
	}
)

// CatalogPublisher is who publishes the catalog itself.
const CatalogPublisher = "UCLG Community of Practice on Digital Cities"

// modified is when a dataset last changed for its users: when its newest release was taken, or,
// before the first release, when its description last changed.
func modified(e Entry) time.Time {
	if e.Latest != nil {
		return e.Latest.CreatedAt
	}
	return e.Dataset.UpdatedAt
}

// timestamp writes t as RFC 3339 in UTC, as the API writes every time.
func timestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// csvFile returns the release's CSV file. A release is written in every format, so a release
// without one is only a partly filled record: its CSV is then named after its content.
func csvFile(r domain.Release) domain.ReleaseFile {
	for _, f := range r.Files {
		if f.Format == "csv" {
			return f
		}
	}
	return domain.ReleaseFile{Name: r.Content.Resource + ".csv", Format: "csv", MediaType: "text/csv; charset=utf-8"}
}
