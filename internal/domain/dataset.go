package domain

import (
	"database/sql/driver"
	"encoding/json"
	"slices"
	"time"
)

// DatasetResources are the kinds of record a dataset can publish.
var DatasetResources = []string{"observations", "cities", "indicators", "trend_adoption", "events"}

// ReservedDatasetSlugs cannot identify a dataset: they name the collection's own sub-resources.
var ReservedDatasetSlugs = []string{"catalog"}

// Dataset is a published collection of the API's data for open-data consumers: what it holds
// (its content query), under which licence, from whom, and how often it is released.
type Dataset struct {
	Slug string `json:"slug" db:"slug" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"smart-governance-2019" doc:"Stable identifier, lowercase words joined by hyphens."`
	DatasetFields
	LatestRelease *int      `json:"latest_release" db:"latest_release" minimum:"1" maximum:"2147483647" doc:"The number of the newest release; null before the first." example:"3"`
	Version       int       `json:"version" db:"version" minimum:"1" maximum:"2147483647" example:"1" doc:"Incremented on every change; the ETag is derived from it."`
	CreatedAt     time.Time `json:"created_at" db:"created_at"`
	UpdatedAt     time.Time `json:"updated_at" db:"updated_at"`
}

// DatasetFields are what the secretariat writes about a dataset.
type DatasetFields struct {
	Title              Text           `json:"title" db:"title"`
	Description        Text           `json:"description" db:"description"`
	Publisher          string         `json:"publisher" db:"publisher" minLength:"1" maxLength:"200" example:"UCLG Community of Practice on Digital Cities" doc:"Who publishes the dataset."`
	License            string         `json:"license" db:"license" enum:"CC0-1.0,CC-BY-4.0,CC-BY-SA-4.0,CC-BY-3.0,CC-BY-SA-3.0,CC-BY-3.0-IGO,ODbL-1.0,ODC-By-1.0,PDDL-1.0,OGL-UK-3.0,OGL-Canada-2.0,etalab-2.0,DL-DE-BY-2.0,DL-DE-ZERO-2.0,CDLA-Permissive-2.0" example:"CC-BY-4.0" doc:"The SPDX identifier (https://spdx.org/licenses/) of the dataset's open licence."`
	Themes             []string       `json:"themes" db:"themes" minLength:"1" maxLength:"200" pattern:"^[^\\x00-\\x1f\\x7f]*[^\\x00-\\x20\\x7f][^\\x00-\\x1f\\x7f]*$" required:"false" nullable:"false" maxItems:"20" doc:"Themes, as words or URIs (such as a EU data theme)." example:"[\"GOVE\",\"TECH\"]"`
	Keywords           []string       `json:"keywords" db:"keywords" minLength:"1" maxLength:"200" pattern:"^[^\\x00-\\x1f\\x7f]*[^\\x00-\\x20\\x7f][^\\x00-\\x1f\\x7f]*$" required:"false" nullable:"false" maxItems:"50" example:"[\"smart cities\",\"open government\"]"`
	TemporalStart      *int           `json:"temporal_start" db:"temporal_start" required:"false" minimum:"1900" maximum:"2199" doc:"First year the data covers; null when open." example:"2019"`
	TemporalEnd        *int           `json:"temporal_end" db:"temporal_end" required:"false" minimum:"1900" maximum:"2199" doc:"Last year the data covers; null when open." example:"2020"`
	Spatial            string         `json:"spatial" db:"spatial" required:"false" maxLength:"200" example:"World" doc:"The area the data covers, in words."`
	AccrualPeriodicity string         `json:"accrual_periodicity" db:"accrual_periodicity" enum:"irregular,annual,biennial,triennial,quarterly,monthly" default:"irregular" required:"false" example:"biennial" doc:"How often new releases are expected."`
	ContactName        string         `json:"contact_name" db:"contact_name" minLength:"1" maxLength:"200" example:"UCLG World Secretariat"`
	ContactEmail       string         `json:"contact_email" db:"contact_email" minLength:"6" maxLength:"254" pattern:"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$" example:"info@uclg.org" doc:"A plain address (no display name): catalogs publish it as a mailto: link."`
	Content            DatasetContent `json:"content" db:"content"`
}

// DatasetContent is the query that defines what a dataset's releases hold. Filters that do not
// apply to the resource must be left out.
type DatasetContent struct {
	Resource   string   `json:"resource" enum:"observations,cities,indicators,trend_adoption,events" example:"observations" doc:"The kind of record the dataset publishes."`
	Edition    *int     `json:"edition,omitempty" required:"false" minimum:"2000" maximum:"2100" example:"2019" doc:"Observations or trend adoption of one study edition (observations: its edition; trend adoption: its year)."`
	Framework  string   `json:"framework,omitempty" required:"false" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"uclg-smart-governance-2019" doc:"Observations or indicators of one framework."`
	Cities     []string `json:"cities,omitempty" required:"false" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" maxItems:"500" doc:"Only these cities (observations, cities, trend adoption, events)."`
	Indicators []string `json:"indicators,omitempty" required:"false" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" maxItems:"500" doc:"Only these indicators (observations)."`
	Provenance []string `json:"provenance,omitempty" required:"false" enum:"reported,sample,synthetic" maxItems:"3" doc:"The provenances to include; reported only when left out, so that invented data is never published unless asked for." example:"[\"reported\"]"`
}

// DatasetMetadata is a dataset's description kept with a release.
type DatasetMetadata DatasetFields

// Value stores the description as a jsonb object.
func (m DatasetMetadata) Value() (driver.Value, error) { return json.Marshal(m) }

// Scan reads the description from a jsonb column.
func (m *DatasetMetadata) Scan(src any) error { return scanJSON(src, m) }

// Value stores the content as a jsonb object.
func (c DatasetContent) Value() (driver.Value, error) { return json.Marshal(c) }

// Scan reads the content from a jsonb column.
func (c *DatasetContent) Scan(src any) error { return scanJSON(src, c) }

// Validate checks a dataset's fields.
func (d *DatasetFields) Validate() error {
	if err := d.Title.Validate("body.title"); err != nil {
		return err
	}
	if err := d.Description.Validate("body.description"); err != nil {
		return err
	}
	if d.TemporalStart != nil && d.TemporalEnd != nil && *d.TemporalEnd < *d.TemporalStart {
		return Invalid("body.temporal_end", "the coverage ends before it starts")
	}
	return d.Content.Validate("body.content")
}

// Validate checks that each filter applies to the content's resource.
func (c *DatasetContent) Validate(field string) error {
	applies := map[string][]string{
		"edition":    {"observations", "trend_adoption"},
		"framework":  {"observations", "indicators"},
		"cities":     {"observations", "cities", "trend_adoption", "events"},
		"indicators": {"observations"},
		"provenance": {"observations", "cities", "indicators", "trend_adoption", "events"},
	}
	set := map[string]bool{"edition": c.Edition != nil, "framework": c.Framework != "", "cities": len(c.Cities) > 0,
		"indicators": len(c.Indicators) > 0, "provenance": len(c.Provenance) > 0}
	for _, name := range []string{"edition", "framework", "cities", "indicators", "provenance"} {
		if set[name] && !slices.Contains(applies[name], c.Resource) {
			return Invalid(field+"."+name, "does not apply to %s", c.Resource)
		}
	}
	for _, p := range c.Provenance {
		if !slices.Contains([]string{"reported", "sample", "synthetic"}, p) {
			return Invalid(field+".provenance", "unknown provenance %q: reported, sample or synthetic", p)
		}
	}
	return nil
}

// Provenances returns the provenances the content includes: reported unless others are named.
func (c DatasetContent) Provenances() []string {
	if len(c.Provenance) == 0 {
		return []string{"reported"}
	}
	return c.Provenance
}

// Release is an immutable, numbered snapshot of a dataset, taken in one consistent database
// snapshot, with its files.
type Release struct {
	Dataset string    `json:"dataset" db:"dataset" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"smart-governance-2019"`
	Number  int       `json:"number" db:"number" minimum:"1" maximum:"2147483647" example:"1" doc:"Numbered from 1 per dataset."`
	Notes   string    `json:"notes" db:"notes" maxLength:"5000" example:"First release of the 2019 edition's observations."`
	Rows    int64     `json:"rows" db:"rows" minimum:"0" maximum:"9007199254740991" example:"1240" doc:"How many records every file of the release holds."`
	AsOf    time.Time `json:"as_of" db:"as_of" doc:"The release's vintage: the moment of the database snapshot it was taken in."`
	// ChangesCursor is the change-feed position of the snapshot: following /v1/changes from it
	// brings a copy made from the release up to date.
	ChangesCursor string         `json:"changes_cursor" db:"changes_cursor" maxLength:"200" pattern:"^[A-Za-z0-9_-]+$" example:"eyJ0IjoiNzQyIiwiaSI6MH0" doc:"Follow /v1/changes from this cursor to bring a copy made from this release up to date."`
	Content       DatasetContent `json:"content" db:"content" doc:"The dataset's content query when the release was taken."`
	// Metadata is the dataset's description as it was when the release was taken: the release's
	// licence, data package and CSV on the Web metadata come from it, so they never change.
	Metadata  DatasetMetadata `json:"metadata" db:"metadata" doc:"The dataset's description (title, licence, publisher, …) when the release was taken; the release's documents and licence link come from it and never change."`
	Files     []ReleaseFile   `json:"files" db:"-" maxItems:"5"`
	CreatedAt time.Time       `json:"created_at" db:"created_at"`
}

// ReleaseFile is one file of a release. Files never change.
type ReleaseFile struct {
	Name      string `json:"name" db:"name" maxLength:"100" pattern:"^[a-z_]+\\.(csv|ndjson|json|xlsx|parquet)$" example:"observations.csv"`
	Format    string `json:"format" db:"format" enum:"csv,ndjson,json,xlsx,parquet" example:"csv"`
	MediaType string `json:"media_type" db:"media_type" maxLength:"100" pattern:"^[a-z]+/[a-z0-9.+-]+(; charset=utf-8)?$" example:"text/csv; charset=utf-8"`
	Bytes     int64  `json:"bytes" db:"bytes" minimum:"0" maximum:"9007199254740991" example:"183220"`
	SHA256    string `json:"sha256" db:"sha256" maxLength:"64" pattern:"^[0-9a-f]{64}$" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" doc:"The SHA-256 of the file's bytes, in hex; also its ETag."`
	Href      string `json:"href" db:"-" maxLength:"500" pattern:"^/v1/[A-Za-z0-9/._-]+$" example:"/v1/datasets/smart-governance-2019/releases/1/files/observations.csv" doc:"The file's path in this API."`
	// Languages are the versions of the file, English first: the fields above are the English
	// one's. A language that is not listed has no translated label in the release, and is
	// served the English file.
	Languages []ReleaseFileLanguage `json:"languages" db:"-" minItems:"1" maxItems:"3" doc:"The file's versions by language, English first (the file's own bytes, sha256 and href are the English one's). The labels (names, titles) are in the version's language, English where a text is not translated; column names, slugs and codes never change. A language not listed has no translated label in this release: its lang is served the English file, with Content-Language: en."`
}

// ReleaseFileLanguage is one language's version of a release file.
type ReleaseFileLanguage struct {
	Language string `json:"language" enum:"en,fr,es" example:"fr" doc:"The language of the file's labels."`
	Bytes    int64  `json:"bytes" minimum:"0" maximum:"9007199254740991" example:"184016"`
	SHA256   string `json:"sha256" maxLength:"64" pattern:"^[0-9a-f]{64}$" example:"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae" doc:"The SHA-256 of this version's bytes, in hex; also its ETag (with the language that asked for it)."`
	Href     string `json:"href" maxLength:"500" pattern:"^/v1/[A-Za-z0-9/._-]+\\?lang=(en|fr|es)$" example:"/v1/datasets/smart-governance-2019/releases/1/files/observations.csv?lang=fr" doc:"This version's path in this API."`
}

// ReleaseFormats are the formats every release is written in, with their media types.
var ReleaseFormats = []struct{ Format, MediaType string }{
	{"csv", "text/csv; charset=utf-8"},
	{"ndjson", "application/x-ndjson"},
	{"json", "application/json"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"parquet", "application/vnd.apache.parquet"},
}

// ColumnType is the type of a release column's values.
type ColumnType string

// The column types. A value of an Any column is a number, a boolean or a string (an
// observation's value, typed by its indicator).
const (
	ColumnString   ColumnType = "string"
	ColumnInteger  ColumnType = "integer"
	ColumnNumber   ColumnType = "number"
	ColumnBoolean  ColumnType = "boolean"
	ColumnDateTime ColumnType = "datetime"
	ColumnAny      ColumnType = "any"
)

// Column describes one column of a release's files: its name (the JSON field and CSV header),
// a title and description for people, its type, and whether it may be empty.
type Column struct {
	Name        string     `json:"name"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Type        ColumnType `json:"type"`
	Required    bool       `json:"required"`
	// Enum lists the values a string column may hold, when closed.
	Enum []string `json:"enum,omitempty"`
}

// DatasetFilter chooses datasets for a list.
type DatasetFilter struct {
	Resource        string // the content's resource
	License         string // an SPDX id
	Released        *bool  // true: released at least once; false: never
	MissingLanguage string // a language ("fr", "es"): only those with a text that lacks it, "" for any
	// UpdatedSince keeps the datasets changed (or released) from this point of the feed on.
	UpdatedSince *SyncPoint
	After        string // the slug of the last dataset of the previous page
	Limit        int
}
