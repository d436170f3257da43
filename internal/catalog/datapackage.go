package catalog

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// Package is a Frictionless Data Package (version 1 of the standard, and valid under version 2
// where the two agree) describing one release: its licence, who publishes it, and each file as
// a resource with its size, checksum and Table Schema, once per language it is written in.
//
// Languages follow the standard's Language Support recipe: the package's languages array lists
// the languages of its data, English (the default, the descriptor's own) first, and each
// resource's names its file's language first. The recipe's translated titles ({"": …, "fr": …})
// would break the profiles of versions 1 and 2, where a title is a string: the package's title
// and description are in English (the DCAT catalog carries every language's), and a French or
// Spanish file's resource has its title in its own language.
type Package struct {
	Profile      string        `json:"profile"`
	Name         string        `json:"name"`
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Description  string        `json:"description"`
	Homepage     string        `json:"homepage"`
	Version      string        `json:"version"`
	Created      string        `json:"created"`
	Keywords     []string      `json:"keywords,omitempty"`
	Languages    []string      `json:"languages"`
	Licenses     []License     `json:"licenses"`
	Contributors []Contributor `json:"contributors"`
	Resources    []Resource    `json:"resources"`
}

// License is a licence of a data package: its SPDX identifier, its SPDX page and its name.
type License struct {
	Name  string `json:"name,omitempty"`
	Path  string `json:"path"`
	Title string `json:"title"`
}

// Contributor is an organisation or person behind a data package, with its role: publisher
// or maintainer (the standard's version 1 roles, which version 2 readers fall back to).
type Contributor struct {
	Title string `json:"title"`
	Email string `json:"email,omitempty"`
	Role  string `json:"role"`
}

// Resource is one file of a release. Every file is a table; the CSV is also a tabular data
// resource of version 1, which only CSV files can be, when its columns are known.
type Resource struct {
	Profile string `json:"profile"`
	Name    string `json:"name"`
	Path    string `json:"path"`
	Type    string `json:"type"`
	// Languages names the language of the file's labels first, then English, which a label
	// that is not translated is in.
	Languages []string `json:"languages"`
	Title     string   `json:"title"`
	Format    string   `json:"format"`
	MediaType string   `json:"mediatype"`
	Encoding  string   `json:"encoding,omitempty"`
	Bytes     int64    `json:"bytes"`
	// Hash is "sha256:" and the file's SHA-256 in hex.
	Hash    string       `json:"hash,omitempty"`
	Dialect *Dialect     `json:"dialect,omitempty"`
	Schema  *TableSchema `json:"schema,omitempty"`
}

// Dialect is how the CSV file is written: comma-separated, quotes doubled, a header row.
type Dialect struct {
	Delimiter   string `json:"delimiter"`
	DoubleQuote bool   `json:"doubleQuote"`
	Header      bool   `json:"header"`
}

// TableSchema is the Table Schema of a release's files: one field per column, in order. An
// empty cell is a missing value.
type TableSchema struct {
	Fields        []Field  `json:"fields"`
	MissingValues []string `json:"missingValues"`
}

// Field is one column of a Table Schema.
type Field struct {
	Name        string       `json:"name"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Type        string       `json:"type"`
	Constraints *Constraints `json:"constraints,omitempty"`
}

// Constraints are what a field's values must satisfy.
type Constraints struct {
	Required bool     `json:"required,omitempty"`
	Enum     []string `json:"enum,omitempty"`
}

// fieldTypes maps the column types to Table Schema types.
var fieldTypes = map[domain.ColumnType]string{
	domain.ColumnString:   "string",
	domain.ColumnInteger:  "integer",
	domain.ColumnNumber:   "number",
	domain.ColumnBoolean:  "boolean",
	domain.ColumnDateTime: "datetime",
	domain.ColumnAny:      "any",
}

// DataPackage returns the Frictionless data package of release r of dataset d, with r's files
// (which must be filled: a package has at least one resource) and their columns cols. Without
// columns the files are described without a Table Schema.
func DataPackage(base string, d domain.Dataset, r domain.Release, cols []domain.Column) Package {
	p := Package{
		Profile:     "data-package",
		Name:        frictionlessName(d.Slug),
		ID:          ReleaseURL(base, d.Slug, r.Number),
		Title:       d.Title.EN,
		Description: d.Description.EN,
		Homepage:    DatasetURL(base, d.Slug),
		Version:     fmt.Sprintf("%d.0.0", r.Number),
		Created:     timestamp(r.CreatedAt),
		Keywords:    d.Keywords,
		Languages:   releaseLanguages(r),
		Licenses:    []License{packageLicense(d.License)},
		Contributors: []Contributor{
			{Title: d.Publisher, Role: "publisher"},
			{Title: d.ContactName, Email: d.ContactEmail, Role: "maintainer"},
		},
	}
	schema := tableSchema(cols)
	for _, f := range r.Files {
		for _, v := range versions(f) {
			p.Resources = append(p.Resources, resource(base, d, r, f, v, schema))
		}
	}
	return p
}

// resource describes one file of a release in one language: the language of its labels.
func resource(base string, d domain.Dataset, r domain.Release, f domain.ReleaseFile, v domain.ReleaseFileLanguage, schema *TableSchema) Resource {
	path := FileURLIn(base, d.Slug, r.Number, f, v.Language)
	name, languages := f.Name, []string{"en"}
	if v.Language != "en" { // observations.fr.csv
		stem, ext, _ := strings.Cut(f.Name, ".")
		name, languages = stem+"."+v.Language+"."+ext, []string{v.Language, "en"}
	}
	f = version(f, v)
	format := formatOf(f)
	title, _ := d.Title.In(v.Language)
	res := Resource{
		Profile:   "data-resource",
		Name:      frictionlessName(name),
		Path:      path,
		Type:      "table",
		Languages: languages,
		Title:     fmt.Sprintf("%s (%s)", title, format.label),
		Format:    f.Format,
		MediaType: mediaType(f),
		Bytes:     f.Bytes,
		Schema:    schema,
	}
	if format.text {
		res.Encoding = "utf-8"
	}
	if f.SHA256 != "" {
		res.Hash = "sha256:" + f.SHA256
	}
	if f.Format == "csv" && schema != nil {
		res.Profile = "tabular-data-resource"
		res.Dialect = &Dialect{Delimiter: ",", DoubleQuote: true, Header: true}
	}
	return res
}

// tableSchema returns the Table Schema of columns cols, nil for no columns: a Table Schema
// has at least one field.
func tableSchema(cols []domain.Column) *TableSchema {
	if len(cols) == 0 {
		return nil
	}
	s := &TableSchema{Fields: make([]Field, 0, len(cols)), MissingValues: []string{""}}
	for _, c := range cols {
		f := Field{Name: c.Name, Title: c.Title, Description: c.Description, Type: fieldTypes[c.Type]}
		if f.Type == "" {
			f.Type = "any"
		}
		if c.Required || len(c.Enum) > 0 {
			f.Constraints = &Constraints{Required: c.Required, Enum: c.Enum}
		}
		s.Fields = append(s.Fields, f)
	}
	return s
}

// spdxNamePattern is what the standard allows as a licence name.
var spdxNamePattern = regexp.MustCompile(`^[-a-zA-Z0-9._]+$`)

// packageLicense returns a dataset's licence, named by its SPDX identifier when the standard
// allows that identifier as a name (one with a "+" it does not).
func packageLicense(spdxID string) License {
	l := License{Path: LicenseURL(spdxID), Title: licenseTitle(spdxID)}
	if spdxNamePattern.MatchString(spdxID) {
		l.Name = spdxID
	}
	return l
}

// invalidNameChars are the characters a package or resource name may not hold.
var invalidNameChars = regexp.MustCompile(`[^-a-z0-9._/]+`)

// frictionlessName returns s as a valid package or resource name: lowercase letters, digits,
// ".", "_", "-" and "/", anything else replaced by "-".
func frictionlessName(s string) string {
	return invalidNameChars.ReplaceAllString(strings.ToLower(s), "-")
}
