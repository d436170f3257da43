package catalog

import (
	"fmt"
	"strings"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// The Project Open Data metadata schema, version 1.1.
const (
	podConformsTo  = "https://project-open-data.cio.gov/v1.1/schema"
	podDescribedBy = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
)

// PODCatalog is a Project Open Data v1.1 catalog, the data.json that US-style portals harvest.
// Texts are in English.
type PODCatalog struct {
	ConformsTo  string       `json:"conformsTo"`
	DescribedBy string       `json:"describedBy"`
	Dataset     []PODDataset `json:"dataset"`
}

// PODDataset is one dataset of a Project Open Data catalog.
type PODDataset struct {
	Type         string       `json:"@type"`
	Title        string       `json:"title"`
	Description  string       `json:"description"`
	Keyword      []string     `json:"keyword"`
	Modified     string       `json:"modified"`
	Publisher    PODPublisher `json:"publisher"`
	ContactPoint PODContact   `json:"contactPoint"`
	Identifier   string       `json:"identifier"`
	AccessLevel  string       `json:"accessLevel"`
	License      string       `json:"license"`
	LandingPage  string       `json:"landingPage"`
	// Temporal is "start/end" in years, left out when either end is open: the schema has no way
	// to write an open interval.
	Temporal           string   `json:"temporal,omitempty"`
	Spatial            string   `json:"spatial,omitempty"`
	AccrualPeriodicity string   `json:"accrualPeriodicity"`
	Theme              []string `json:"theme,omitempty"`
	// DescribedBy is the data dictionary: the newest release's data package.
	DescribedBy     string            `json:"describedBy,omitempty"`
	DescribedByType string            `json:"describedByType,omitempty"`
	Distribution    []PODDistribution `json:"distribution,omitempty"`
}

// PODPublisher is the organisation that publishes a dataset.
type PODPublisher struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// PODContact is a dataset's contact as a vCard: a name and a mailto: address.
type PODContact struct {
	Type     string `json:"@type"`
	FN       string `json:"fn"`
	HasEmail string `json:"hasEmail,omitempty"`
}

// PODDistribution is one file of a dataset's newest release.
type PODDistribution struct {
	Type        string `json:"@type"`
	Title       string `json:"title"`
	DownloadURL string `json:"downloadURL"`
	MediaType   string `json:"mediaType"`
	Format      string `json:"format"`
	// DescribedBy is the file's data dictionary: the CSV on the Web metadata of the CSV, the
	// release's data package for the other files.
	DescribedBy     string `json:"describedBy"`
	DescribedByType string `json:"describedByType"`
}

// ProjectOpenData returns a Project Open Data v1.1 catalog of entries, each dataset with its
// newest release's files as distributions.
func ProjectOpenData(base string, entries []Entry) PODCatalog {
	datasets := make([]PODDataset, 0, len(entries))
	for _, e := range entries {
		datasets = append(datasets, podDataset(base, e))
	}
	return PODCatalog{ConformsTo: podConformsTo, DescribedBy: podDescribedBy, Dataset: datasets}
}

// podDataset describes one dataset and its newest release.
func podDataset(base string, e Entry) PODDataset {
	d := e.Dataset
	page := DatasetURL(base, d.Slug)
	p := PODDataset{
		Type:               "dcat:Dataset",
		Title:              d.Title.EN,
		Description:        d.Description.EN,
		Keyword:            podKeywords(d),
		Modified:           timestamp(modified(e)),
		Publisher:          PODPublisher{Type: "org:Organization", Name: d.Publisher},
		ContactPoint:       PODContact{Type: "vcard:Contact", FN: d.ContactName},
		Identifier:         page,
		AccessLevel:        "public",
		License:            LicenseURL(d.License),
		LandingPage:        page,
		Spatial:            d.Spatial,
		AccrualPeriodicity: periodicityOf(d).iso8601,
	}
	if d.ContactEmail != "" {
		p.ContactPoint.HasEmail = "mailto:" + d.ContactEmail
	}
	if d.TemporalStart != nil && d.TemporalEnd != nil {
		p.Temporal = fmt.Sprintf("%d/%d", *d.TemporalStart, *d.TemporalEnd)
	}
	for _, t := range d.Themes {
		p.Theme = append(p.Theme, themeLabel(t))
	}
	if r := e.Latest; r != nil {
		p.DescribedBy, p.DescribedByType = DataPackageURL(base, d.Slug, r.Number), "application/json"
		for _, f := range r.Files {
			p.Distribution = append(p.Distribution, podDistribution(base, d.Slug, *r, f))
		}
	}
	return p
}

// podKeywords returns a dataset's keywords. The schema requires at least one, so a dataset
// without keywords is tagged with its themes, or else with the kind of record it publishes.
func podKeywords(d domain.Dataset) []string {
	if len(d.Keywords) > 0 {
		return d.Keywords
	}
	var tags []string
	for _, t := range d.Themes {
		tags = append(tags, themeLabel(t))
	}
	if len(tags) == 0 && d.Content.Resource != "" {
		tags = append(tags, strings.ReplaceAll(d.Content.Resource, "_", " "))
	}
	return tags
}

// podDistribution describes one file of a release.
func podDistribution(base, slug string, r domain.Release, f domain.ReleaseFile) PODDistribution {
	p := PODDistribution{
		Type:            "dcat:Distribution",
		Title:           fmt.Sprintf("%s (release %d, %s)", f.Name, r.Number, formatOf(f).label),
		DownloadURL:     FileURL(base, slug, r.Number, f),
		MediaType:       mediaType(f),
		Format:          formatOf(f).label,
		DescribedBy:     DataPackageURL(base, slug, r.Number),
		DescribedByType: "application/json",
	}
	if f.Format == "csv" {
		p.DescribedBy, p.DescribedByType = CSVWURL(base, slug, r.Number, "en"), "application/csvm+json"
	}
	return p
}
