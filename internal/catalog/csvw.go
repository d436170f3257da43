package catalog

import (
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// CSVWTable is the CSV on the Web (W3C) metadata of a release's CSV file in one language:
// where the file is, the language of its labels, its title and description in every language,
// its licence, how it is written and the datatype of each column.
type CSVWTable struct {
	// Context is CSVW's, with English as the default language of the metadata's plain texts
	// (the columns' titles and descriptions).
	Context     []any       `json:"@context"`
	URL         string      `json:"url"`
	Language    string      `json:"dc:language"`
	Title       []Node      `json:"dc:title"`
	Description []Node      `json:"dc:description"`
	Publisher   string      `json:"dc:publisher"`
	License     Node        `json:"dc:license"`
	Modified    Node        `json:"dc:modified"`
	Dialect     CSVWDialect `json:"dialect"`
	TableSchema CSVWSchema  `json:"tableSchema"`
}

// CSVWDialect says that the file is UTF-8, comma-separated, with a header row.
type CSVWDialect struct {
	Encoding  string `json:"encoding"`
	Delimiter string `json:"delimiter"`
	Header    bool   `json:"header"`
}

// CSVWSchema lists the file's columns in order.
type CSVWSchema struct {
	Columns []CSVWColumn `json:"columns"`
}

// CSVWColumn is one column: its name, its titles (the header cell, as processors match it,
// then the title for people), a description, its datatype and whether a cell may be empty.
type CSVWColumn struct {
	Name        string   `json:"name"`
	Titles      []string `json:"titles"`
	Description string   `json:"dc:description,omitempty"`
	Datatype    string   `json:"datatype"`
	Required    bool     `json:"required"`
	// Comment explains a datatype that says less than the column holds.
	Comment string `json:"rdfs:comment,omitempty"`
}

// csvwDatatypes maps the column types to CSVW's built-in datatypes. An Any column's values are
// numbers, booleans or texts, which only string holds.
var csvwDatatypes = map[domain.ColumnType]string{
	domain.ColumnString:   "string",
	domain.ColumnInteger:  "integer",
	domain.ColumnNumber:   "double",
	domain.ColumnBoolean:  "boolean",
	domain.ColumnDateTime: "dateTime",
	domain.ColumnAny:      "string",
}

// anyComment explains an Any column to the reader of the metadata.
const anyComment = "A number, a boolean (true or false) or a text, depending on the row: read as text, " +
	"then typed by the row's indicator."

// CSVW returns the CSV on the Web metadata of the CSV file in lang (en, fr or es) of release r
// of dataset d, whose columns are cols. The file's URL asks for lang; its labels are in lang
// when the release has a version in it, else in English, as dc:language says.
func CSVW(base string, d domain.Dataset, r domain.Release, cols []domain.Column, lang string) CSVWTable {
	file := csvFile(r)
	labels := "en"
	for _, v := range file.Languages {
		if v.Language == lang {
			labels = lang
		}
	}
	t := CSVWTable{
		Context:     []any{"http://www.w3.org/ns/csvw", map[string]string{"@language": "en"}},
		URL:         FileURLIn(base, d.Slug, r.Number, file, lang),
		Language:    labels,
		Title:       texts(d.Title),
		Description: texts(d.Description),
		Publisher:   d.Publisher,
		License:     iri(LicenseURL(d.License)),
		Modified:    dateTime(r.CreatedAt),
		Dialect:     CSVWDialect{Encoding: "utf-8", Delimiter: ",", Header: true},
		TableSchema: CSVWSchema{Columns: make([]CSVWColumn, 0, len(cols))},
	}
	for _, c := range cols {
		col := CSVWColumn{Name: c.Name, Titles: []string{c.Name}, Description: c.Description,
			Datatype: csvwDatatypes[c.Type], Required: c.Required}
		if c.Title != "" && c.Title != c.Name {
			col.Titles = append(col.Titles, c.Title)
		}
		if col.Datatype == "" || c.Type == domain.ColumnAny {
			col.Datatype, col.Comment = "string", anyComment
		}
		t.TableSchema.Columns = append(t.TableSchema.Columns, col)
	}
	return t
}
