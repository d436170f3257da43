package catalog

import (
	"fmt"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// SchemaOrgDataset is a dataset described with schema.org's Dataset type, as JSON-LD: what
// dataset search engines read on a dataset's page. Its name and description are the English
// ones, plain texts, as search engines read them (schema.org's name is a Text; the DCAT catalog
// carries every language's); inLanguage lists the languages its files are written in, and each
// file's version in a language is a download of its own.
type SchemaOrgDataset struct {
	Context             string         `json:"@context"`
	Type                string         `json:"@type"`
	ID                  string         `json:"@id"`
	Name                string         `json:"name"`
	Description         string         `json:"description"`
	URL                 string         `json:"url"`
	Identifier          string         `json:"identifier"`
	License             string         `json:"license"`
	Creator             Organization   `json:"creator"`
	Publisher           Organization   `json:"publisher"`
	Keywords            []string       `json:"keywords,omitempty"`
	TemporalCoverage    string         `json:"temporalCoverage,omitempty"`
	SpatialCoverage     *Place         `json:"spatialCoverage,omitempty"`
	Version             string         `json:"version,omitempty"`
	InLanguage          []string       `json:"inLanguage,omitempty"`
	DateModified        string         `json:"dateModified"`
	IsAccessibleForFree bool           `json:"isAccessibleForFree"`
	Catalog             DataCatalog    `json:"includedInDataCatalog"`
	Distribution        []DataDownload `json:"distribution,omitempty"`
}

// Organization is a schema.org Organization, known by its name.
type Organization struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// Place is a schema.org Place, known by its name.
type Place struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// DataCatalog is the catalog a dataset belongs to.
type DataCatalog struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// DataDownload is one file of a dataset's newest release.
type DataDownload struct {
	Type           string `json:"@type"`
	Name           string `json:"name"`
	ContentURL     string `json:"contentUrl"`
	EncodingFormat string `json:"encodingFormat"`
	// ContentSize is the file's size in bytes, such as "183220 B".
	ContentSize string `json:"contentSize"`
	SHA256      string `json:"sha256,omitempty"`
	// InLanguage is the language of the file's labels (BCP 47).
	InLanguage string `json:"inLanguage"`
}

// SchemaOrg returns dataset d as a schema.org Dataset, with the files of its newest release
// (nil before the first release) as downloads.
func SchemaOrg(base string, d domain.Dataset, latest *domain.Release) SchemaOrgDataset {
	page := DatasetURL(base, d.Slug)
	publisher := Organization{Type: "Organization", Name: d.Publisher}
	s := SchemaOrgDataset{
		Context:             "https://schema.org",
		Type:                "Dataset",
		ID:                  page,
		Name:                d.Title.EN,
		Description:         d.Description.EN,
		URL:                 page,
		Identifier:          page,
		License:             LicenseURL(d.License),
		Creator:             publisher,
		Publisher:           publisher,
		Keywords:            d.Keywords,
		TemporalCoverage:    temporalCoverage(d.TemporalStart, d.TemporalEnd),
		DateModified:        timestamp(modified(Entry{Dataset: d, Latest: latest})),
		IsAccessibleForFree: true,
		Catalog:             DataCatalog{Type: "DataCatalog", Name: CatalogTitle.EN, URL: CatalogURL(base)},
	}
	if d.Spatial != "" {
		s.SpatialCoverage = &Place{Type: "Place", Name: d.Spatial}
	}
	if latest != nil {
		s.Version = strconv.Itoa(latest.Number)
		s.InLanguage = releaseLanguages(*latest)
		for _, f := range latest.Files {
			for _, v := range versions(f) {
				name := f.Name
				if v.Language != "en" {
					name += " (" + languageNames[v.Language] + ")"
				}
				s.Distribution = append(s.Distribution, DataDownload{
					Type:           "DataDownload",
					Name:           name,
					ContentURL:     FileURLIn(base, d.Slug, latest.Number, f, v.Language),
					EncodingFormat: mediaType(f),
					ContentSize:    fmt.Sprintf("%d B", v.Bytes),
					SHA256:         v.SHA256,
					InLanguage:     v.Language,
				})
			}
		}
	}
	return s
}

// temporalCoverage writes the years a dataset covers as an ISO 8601 interval, ".." for an open
// end: "2019/2020", "2019/..", "../2020"; "" when both ends are open.
func temporalCoverage(start, end *int) string {
	if start == nil && end == nil {
		return ""
	}
	from, to := "..", ".."
	if start != nil {
		from = strconv.Itoa(*start)
	}
	if end != nil {
		to = strconv.Itoa(*end)
	}
	return from + "/" + to
}
